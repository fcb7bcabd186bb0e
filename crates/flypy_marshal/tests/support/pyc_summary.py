# Compiles the given source files to .pyc files (argv: OUTDIR SRC...) with this interpreter,
# then prints JSON: per file, the .pyc path and a summary of every code object (depth first,
# constants order) as this interpreter's own marshal loads it back. Runs on 2.7 and 3.x.
import binascii
import json
import marshal
import os
import py_compile
import sys


def text(s):
    if isinstance(s, bytes):
        return s.decode("utf-8", "replace")
    return s.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def hexs(b):
    return binascii.hexlify(b).decode("ascii")


def const_kind(c):
    if c is None or c is Ellipsis or isinstance(c, bool):
        return repr(c)
    if isinstance(c, float):
        return "float:" + hexs(__import__("struct").pack("<d", c))
    if isinstance(c, complex):
        return "complex"
    if type(c).__name__ in ("int", "long"):
        return "int:%d" % c if abs(c) < 2 ** 63 else "bigint"
    if isinstance(c, bytes):
        return "bytes:" + hexs(c)
    if isinstance(c, tuple):
        return "tuple:%d" % len(c)
    if isinstance(c, frozenset):
        return "frozenset:%d" % len(c)
    if hasattr(c, "co_code"):
        return "code"
    if type(c).__name__ == "slice":
        return "slice"
    # The exact code points, lone surrogates included: the UTF-8/surrogatepass bytes.
    if sys.version_info[0] < 3:
        return "str:" + hexs(c.encode("utf-8"))
    return "str:" + hexs(c.encode("utf-8", "surrogatepass"))


def summary(code, out):
    d = {
        "name": text(code.co_name),
        "qualname": text(getattr(code, "co_qualname", "")),
        "filename": text(code.co_filename),
        "firstlineno": code.co_firstlineno,
        "argcount": code.co_argcount,
        "posonlyargcount": getattr(code, "co_posonlyargcount", 0),
        "kwonlyargcount": getattr(code, "co_kwonlyargcount", 0),
        "nlocals": code.co_nlocals,
        "stacksize": code.co_stacksize,
        "flags": code.co_flags,
        "code": hexs(code.co_code),
        "consts": [const_kind(c) for c in code.co_consts],
        "names": [text(n) for n in code.co_names],
        "varnames": [text(n) for n in code.co_varnames],
        "cellvars": [text(n) for n in code.co_cellvars],
        "freevars": [text(n) for n in code.co_freevars],
        "linetable": hexs(getattr(code, "co_linetable", None) or code.co_lnotab),
        "exceptiontable": hexs(getattr(code, "co_exceptiontable", b"")),
    }
    out.append(d)
    for c in code.co_consts:
        if hasattr(c, "co_code"):
            summary(c, out)


def main():
    outdir = sys.argv[1]
    result = []
    for i, src in enumerate(sys.argv[2:]):
        cfile = os.path.join(outdir, "f%d.pyc" % i)
        try:
            py_compile.compile(src, cfile=cfile, doraise=True)
        except Exception:
            continue
        with open(cfile, "rb") as f:
            data = f.read()
        header = 8 if sys.version_info < (3, 3) else (12 if sys.version_info < (3, 7) else 16)
        codes = []
        summary(marshal.loads(data[header:]), codes)
        result.append({"pyc": cfile, "codes": codes})
    sys.stdout.write(json.dumps(result))


main()
