# Test fixture generator (run by the v311 unit tests under python3.11/3.12): prints JSON with
# the raw fields of the code objects compiled from the source in argv[1] and what dis prints.
import dis, io, json, sys

src = sys.argv[1]
top = compile(src, "<fixture>", "exec")

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
    "code": code_dict(top),
    "instructions": [
        [i.offset, i.opname, i.arg, i.argrepr, i.starts_line, i.is_jump_target, list(i.positions)]
        for i in dis.get_instructions(top)
    ],
    "dis": dis_of(),
    "dis_caches": dis_of(show_caches=True),
}))
