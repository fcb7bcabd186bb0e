# Dumps, per code object of a sample of this interpreter's stdlib, the raw line/location and
# exception tables with what the interpreter itself derives from them (co_lines, co_positions,
# dis.findlinestarts, dis._parse_exception_table), as JSON on stdout. Runs under 2.7 and 3.x.
import binascii, dis, json, os, sys, types

def walk(co, out):
    out.append(co)
    for c in co.co_consts:
        if isinstance(c, types.CodeType):
            walk(c, out)

def hexof(b):
    return binascii.hexlify(b).decode("ascii")

def main():
    nfiles = int(sys.argv[1])
    libdir = os.path.dirname(os.__file__)
    names = sorted(n for n in os.listdir(libdir) if n.endswith(".py"))
    step = max(1, len(names) // nfiles)
    codes = []
    for name in names[::step][:nfiles]:
        path = os.path.join(libdir, name)
        with open(path, "rb") as f:
            src = f.read()
        try:
            walk(compile(src, path, "exec"), codes)
        except (SyntaxError, ValueError):
            pass
    v = sys.version_info[:2]
    recs = []
    for co in codes:
        r = {"name": co.co_name, "firstlineno": co.co_firstlineno, "code_len": len(co.co_code)}
        if v >= (3, 10):
            r["table"] = hexof(co.co_linetable)
            r["lines"] = [list(t) for t in co.co_lines()]
        else:
            r["table"] = hexof(co.co_lnotab)
        if v <= (3, 12):
            r["starts"] = [list(t) for t in dis.findlinestarts(co)]
        if v >= (3, 11):
            r["positions"] = [list(t) for t in co.co_positions()]
            r["exc_table"] = hexof(co.co_exceptiontable)
            r["exc"] = [[e.start, e.end, e.target, e.depth, e.lasti]
                        for e in dis._parse_exception_table(co)]
        recs.append(r)
    sys.stdout.write(json.dumps(recs))

main()
