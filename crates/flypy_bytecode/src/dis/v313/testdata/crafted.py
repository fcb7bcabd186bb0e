"""Test helper (flypy dis v313 unit tests): hand-made bytecode that no compiler emits but dis
still prints (negative arguments from EXTENDED_ARG wrap-around, Python's negative indexing,
jumps before the code, unknown opcodes, no line table), as JSON: the code object and what
this interpreter's dis prints for it. Cases dis itself cannot print are left out."""
import dis
import io
import json
import sys

sys.path.insert(0, sys.argv[1])
from dump import dump  # noqa: E402


def base(a, b):
    return None


op = dis.opmap
EXT = op["EXTENDED_ARG"]
NEG = [EXT, 0xFF, EXT, 0xFF, EXT, 0xFF]  # the next argument's prefix makes it negative


def unit(name, arg=0):
    caches = dis._inline_cache_entries.get(name, 0) if hasattr(dis, "_inline_cache_entries") else 0
    return [op[name], arg] + [0, 0] * caches


cases = {
    "negative const index": NEG + unit("LOAD_CONST", 0xFF) + unit("RETURN_VALUE"),
    "negative global index": NEG + unit("LOAD_GLOBAL", 0xFF) + unit("POP_TOP") + unit("RETURN_VALUE"),
    "negative attr index": NEG + unit("LOAD_ATTR", 0xFE) + unit("RETURN_VALUE"),
    "negative compare": NEG + unit("COMPARE_OP", 0xFF) + unit("RETURN_VALUE"),
    "negative binary op": NEG + unit("BINARY_OP", 0xFF) + unit("RETURN_VALUE"),
    "backward past the start": unit("NOP") + unit("JUMP_BACKWARD", 9) + unit("RETURN_VALUE"),
    "forward past the end": unit("JUMP_FORWARD", 40) + unit("RETURN_VALUE"),
    "set function attribute flags": unit("SET_FUNCTION_ATTRIBUTE", 0x1F) + NEG
    + unit("SET_FUNCTION_ATTRIBUTE", 0xF0) + unit("RETURN_VALUE"),
    # (Unknown opcode bytes are left out: CPython 3.13 crashes replacing co_code with them.)
    "fast pairs": unit("LOAD_FAST_LOAD_FAST", 0x01) + unit("STORE_FAST_STORE_FAST", 0x10)
    + unit("RETURN_VALUE"),
    "trailing caches cut off": unit("NOP") + [op["LOAD_GLOBAL"], 0],
}

out = []
only = sys.argv[2:]
for name, code in cases.items():
    if only and name not in only:
        continue
    co = base.__code__.replace(co_code=bytes(code), co_linetable=b"", co_exceptiontable=b"",
                               co_consts=(None, True), co_names=("a", "b"))
    buf = io.StringIO()
    try:
        dis.dis(co, file=buf, show_caches=True, show_offsets=True)
    except Exception as e:  # dis itself fails: not a case to compare
        print(name, "skipped:", repr(e), file=sys.stderr)
        continue
    d = dump(co)
    d.pop("instructions", None)
    out.append({"case": name, "code": d, "dis": buf.getvalue()})
json.dump(out, sys.stdout)
