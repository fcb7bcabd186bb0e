# Oracle for tests/tables_decode.rs: compiles a few of this interpreter's own stdlib modules
# plus a function big enough to need EXTENDED_ARG, and prints as JSON, for each: the marshalled
# code object and, for every code object in it (depth first, co_consts order), the
# (offset, opname, arg) triples this version's dis yields. Runs on 2.7 and 3.6+.
import dis
import json
import marshal
import os
import re
import sys
import types

MODULES = ["os.py", "dis.py", "inspect.py", "argparse.py", "typing.py",
           "collections/__init__.py", "json/decoder.py", "asyncio/base_events.py"]


def big_source():
    # Over 256 constants and names, and jumps longer than 255 units: EXTENDED_ARG everywhere.
    lines = ["def big(x):"]
    for i in range(300):
        lines.append("    if x == %d: return name_%d + %d.5" % (i, i, i))
    lines.append("    return None")
    return "\n".join(lines) + "\n"


def triples_36(code):
    names = getattr(dis, "_all_opname", dis.opname)
    out = []
    # 3.13+ also yields the start offset (before EXTENDED_ARG prefixes) second.
    for item in dis._unpack_opargs(code.co_code):
        off, op, arg = item[0], item[-2], item[-1]
        out.append([off, names[op], arg])
    return out


# 2.7 has no _unpack_opargs: read its own disassemble() text, "offset OPNAME [arg]" per line.
LINE_27 = re.compile(r"(\d+) ([A-Z<][A-Z_0-9+<>]*)(?: +(\d+))?")


def triples_27(code):
    import StringIO
    saved = sys.stdout
    sys.stdout = buf = StringIO.StringIO()
    try:
        dis.disassemble(code)
    finally:
        sys.stdout = saved
    out = []
    for line in buf.getvalue().splitlines():
        m = LINE_27.search(line)
        if m:
            arg = m.group(3)
            out.append([int(m.group(1)), m.group(2), None if arg is None else int(arg)])
    return out


HOT = """
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

def hot(points, scale):
    total = 0
    names = []
    for p in points:
        total += p.x * scale + p.y
        if p.x < 3:
            names.append(str(len(names)))
        p.y = p.x
        total = total + abs(-p.y) + points[0].x
    d = {"a": total}
    return d["a"], names[:2], isinstance(total, int)
"""


def adaptive():
    # 3.11+: run a function until it specializes, then dis's view of its adaptive code, so
    # specialized opcodes' names, deopt targets and caches are checked too.
    if sys.version_info < (3, 11):
        return None
    ns = {}
    exec(compile(HOT, "<hot>", "exec"), ns)
    points = [ns["Point"](i, i + 1) for i in range(8)]
    for _ in range(200):
        ns["hot"](points, 2)
    code = ns["hot"].__code__
    data = bytes(code._co_code_adaptive)
    return {"code": data.hex(), "instrs": triples_36_bytes(data)}


def triples_36_bytes(data):
    names = getattr(dis, "_all_opname", dis.opname)
    return [[item[0], names[item[-2]], item[-1]] for item in dis._unpack_opargs(data)]


def walk(code, out):
    out.append(triples_27(code) if sys.version_info[0] == 2 else triples_36(code))
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            walk(const, out)


def main():
    lib = os.path.dirname(os.__file__)
    sources = [("<big>", big_source())]
    for rel in MODULES:
        path = os.path.join(lib, rel)
        if os.path.exists(path):
            with open(path, "rb") as f:
                sources.append((path, f.read()))
    result = []
    for name, src in sources:
        code = compile(src, name, "exec")
        codes = []
        walk(code, codes)
        data = marshal.dumps(code)
        hexed = data.encode("hex") if sys.version_info[0] == 2 else data.hex()
        result.append({"name": name, "marshal": hexed, "codes": codes})
    sys.stdout.write(json.dumps({"files": result, "adaptive": adaptive()}))


main()
