# Reads a JSON list of code-object descriptions on stdin, builds each as a real code object
# and writes a JSON list of [what this interpreter's dis.dis prints for it (or the error),
# dis.get_instructions as [offset, opname, arg, argrepr, starts_line, is_jump_target] (3.x)].
# Runs under CPython 2.7 and 3.x.
import binascii
import dis
import json
import sys
import types

PY2 = sys.version_info[0] == 2
CONSTS = (None, True, False, Ellipsis)


def names(items):
    return tuple(s.encode("utf-8") if PY2 else s for s in items)


def build(p):
    code = binascii.unhexlify(p["code"])
    lines = binascii.unhexlify(p["lines"])
    consts = tuple(CONSTS[i] for i in p["consts"])
    nm, vn, cv, fv = names(p["names"]), names(p["varnames"]), names(p["cellvars"]), names(p["freevars"])
    first = p["firstlineno"]
    if PY2:
        return types.CodeType(0, len(vn), 0, 0, code, consts, nm, vn, "f", "n", first, lines, fv, cv)
    if sys.version_info < (3, 8):
        return types.CodeType(0, 0, len(vn), 0, 0, code, consts, nm, vn, "f", "n", first, lines, fv, cv)
    table = {"co_linetable": lines} if sys.version_info >= (3, 10) else {"co_lnotab": lines}
    return compile("pass", "f", "exec").replace(
        co_code=code, co_consts=consts, co_names=nm, co_varnames=vn, co_nlocals=len(vn),
        co_cellvars=cv, co_freevars=fv, co_firstlineno=first, **table)


def run(p):
    if PY2:
        import StringIO
        buf = StringIO.StringIO()
        saved, sys.stdout = sys.stdout, buf
        try:
            dis.dis(build(p))
        finally:
            sys.stdout = saved
        return buf.getvalue().decode("utf-8")
    import io
    buf = io.StringIO()
    dis.dis(build(p), file=buf)
    return buf.getvalue()


def instructions(p):
    if PY2:
        return None
    return [[i.offset, i.opname, i.arg, i.argrepr, i.starts_line, i.is_jump_target]
            for i in dis.get_instructions(build(p))]


out = []
for p in json.load(sys.stdin):
    try:
        out.append([run(p), instructions(p)])
    except Exception as exc:
        out.append(["<<%s: %s>>" % (type(exc).__name__, exc), None])
sys.stdout.write(json.dumps(out))
