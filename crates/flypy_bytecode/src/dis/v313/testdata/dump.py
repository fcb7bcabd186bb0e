"""Test helper (flypy dis v313 unit tests): dumps, for each file given, its module code object with every constant that is not a code object or a
singleton replaced by None, plus what dis prints for that stripped code: a check of the
formatter that does not depend on the marshal reader or pyrepr."""
import dis
import io
import json
import sys
import types


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
        "instructions": [instruction(i) for i in dis.Bytecode(co)],
    }


def instruction(i):
    """What dis.Bytecode(co) yields, in the shape of flypy's Instruction."""
    p = i.positions
    return {
        "offset": i.offset,
        "opcode": i.opcode,
        "opname": i.opname,
        "arg": i.arg,
        "argrepr": i.argrepr,
        "starts_line": i.line_number if i.starts_line else None,
        "line": i.line_number,
        "positions": [p.lineno, p.end_lineno, p.col_offset, p.end_col_offset],
        "label": i.label,
        "jump_target": i.jump_target,
        "cache_info": [[n, s, d.hex()] for n, s, d in (i.cache_info or [])],
    }


def main():
    out = {"files": []}
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


if __name__ == "__main__":
    main()
