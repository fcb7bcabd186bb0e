# Test fixture generator (run by the v311 unit tests under python3.11/3.12): prints JSON with
# this interpreter's opcode facts (a private table for the tests), the raw fields of the code
# objects compiled from the source in argv[1], and what dis prints for them.
import dis, io, json, opcode, sys

src = sys.argv[1]
top = compile(src, "<fixture>", "exec")
v312 = sys.version_info >= (3, 12)
flags = []
for op in range(256):
    f = 0
    if (op in opcode.hasarg) if v312 else (op >= opcode.HAVE_ARGUMENT):
        f |= 1
    for bit, lst in ((2, opcode.hasconst), (4, opcode.hasname), (8, opcode.hasjrel),
                     (16, opcode.hasjabs), (32, opcode.haslocal), (64, opcode.hasfree),
                     (128, opcode.hascompare)):
        if op in lst:
            f |= bit
    flags.append(f)

def text(x):
    return x if isinstance(x, str) else None

def localsplus(co):
    names = []
    while True:
        try:
            names.append(co._varname_from_oparg(len(names)))
        except IndexError:
            return names

def const(c):
    if hasattr(c, "co_code"):
        return {"code": code_dict(c)}
    if c is None or isinstance(c, bool):
        return {"single": repr(c)}
    if isinstance(c, int):
        return {"int": c}
    if isinstance(c, str):
        return {"str": c}
    if isinstance(c, tuple):
        return {"tuple": [const(x) for x in c]}
    raise SystemExit("fixture constant of an unsupported type: %r" % (c,))

def code_dict(co):
    consts = [const(c) for c in co.co_consts]
    return {
        "code": co.co_code.hex(),
        "consts": consts,
        "names": list(co.co_names),
        "localsplusnames": localsplus(co),
        "name": co.co_name,
        "qualname": co.co_qualname,
        "filename": co.co_filename,
        "firstlineno": co.co_firstlineno,
        "linetable": co.co_linetable.hex(),
        "exceptiontable": co.co_exceptiontable.hex(),
    }

def dis_of(**kw):
    buf = io.StringIO()
    dis.dis(top, file=buf, **kw)
    return buf.getvalue()

print(json.dumps({
    "table": {
        "opname": dis._all_opname[:256],
        "flags": flags,
        "cache_entries": list(opcode._inline_cache_entries),
        "deopt": [dis._deoptop(op) for op in range(256)],
        "have_argument": opcode.HAVE_ARGUMENT,
        "extended_arg": opcode.EXTENDED_ARG,
        "cmp_op": list(opcode.cmp_op),
        "nb_ops": [list(p) for p in opcode._nb_ops],
        "intrinsic1": list(getattr(opcode, "_intrinsic_1_descs", [])),
        "intrinsic2": list(getattr(opcode, "_intrinsic_2_descs", [])),
        "cache_format": {k: list(v.items()) for k, v in opcode._cache_format.items()},
    },
    "code": code_dict(top),
    "dis": dis_of(),
    "dis_caches": dis_of(show_caches=True),
}))
