"""Test helper (flypy dis v313 unit tests): dumps this interpreter's opcode facts and, for
each file given, its module code object with every constant that is not a code object or a
singleton replaced by None, plus what dis prints for that stripped code. The formatter is
checked against it before the marshal reader and generated tables exist."""
import dis
import io
import json
import opcode
import sys
import types


def table():
    names = list(dis._all_opname)[:256]
    names += ["<%d>" % i for i in range(len(names), 256)]
    flags = []
    lists = [
        (1 << 0, dis.hasarg), (1 << 1, dis.hasconst), (1 << 2, dis.hasname),
        (1 << 3, dis.hasjrel), (1 << 4, dis.hasjabs), (1 << 5, dis.haslocal),
        (1 << 6, dis.hasfree), (1 << 7, dis.hascompare), (1 << 9, dis.hasexc),
    ]
    for op in range(256):
        f = 0
        for bit, ops in lists:
            if op in ops:
                f |= bit
        flags.append(f)
    cache = [opcode._inline_cache_entries.get(names[op], 0) for op in range(256)]
    deopt = [dis._deoptop(op) for op in range(256)]
    return {
        "version": list(sys.version_info[:2]),
        "opname": names,
        "flags": flags,
        "cache": cache,
        "deopt": deopt,
        "extended_arg": dis.EXTENDED_ARG,
        "have_argument": dis.HAVE_ARGUMENT,
        "cmp_op": list(dis.cmp_op),
        "nb_ops": [list(p) for p in opcode._nb_ops],
        "intrinsic1": list(opcode._intrinsic_1_descs),
        "intrinsic2": list(opcode._intrinsic_2_descs),
        "common_constants": [c.__name__ if isinstance(c, type) else repr(c)
                             for c in getattr(opcode, "_common_constants", [])],
        "special_method_names": list(getattr(opcode, "_special_method_names", [])),
    }


SINGLETONS = {id(None): "None", id(True): "True", id(False): "False", id(...): "Ellipsis"}


def strip(co):
    consts = []
    for c in co.co_consts:
        if isinstance(c, types.CodeType):
            consts.append(strip(c))
        elif id(c) in SINGLETONS:
            consts.append(c)
        else:
            consts.append(None)
    return co.replace(co_consts=tuple(consts))


def localsplus(co):
    names = []
    while True:
        try:
            names.append(co._varname_from_oparg(len(names)))
        except IndexError:
            return names


def dump(co):
    return {
        "code": co.co_code.hex(),
        "consts": [dump(c) if isinstance(c, types.CodeType) else SINGLETONS[id(c)]
                   for c in co.co_consts],
        "names": list(co.co_names),
        "localsplusnames": localsplus(co),
        "linetable": co.co_linetable.hex(),
        "exceptiontable": co.co_exceptiontable.hex(),
        "firstlineno": co.co_firstlineno,
        "name": co.co_name,
        "filename": co.co_filename,
    }


def main():
    out = {"table": table(), "files": []}
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            co = strip(compile(f.read(), path, "exec"))
        texts = {}
        has_positions = sys.version_info >= (3, 14)
        for caches in (False, True):
            for offsets in (False, True):
                for positions in (False, True) if has_positions else (False,):
                    buf = io.StringIO()
                    kw = {"show_positions": True} if positions else {}
                    dis.dis(co, file=buf, show_caches=caches, show_offsets=offsets, **kw)
                    texts["%d%d%d" % (caches, offsets, positions)] = buf.getvalue()
        out["files"].append({"path": path, "code": dump(co), "dis": texts})
    json.dump(out, sys.stdout)


main()
