# flypy: compile source files exactly as `python -m dis FILE` does and hand back marshal bytes.
# Paths arrive NUL-separated on stdin; results go to the channel file argv[1] (never stdout), one
# record per path: b"O" + u32 length + marshal data, or b"E" + u32 length + UTF-8 JSON error.
# From 3.11 marshal writes frozenset elements sorted by their marshalled bytes, not in the order
# the compiled set iterates (which is what `dis` shows); each b"O" record is then followed by
# b"S" + u32 length + JSON: for every frozenset constant of two or more elements (depth first,
# constants and elements in marshal order), the iteration position of each marshalled element.
# Runs under CPython 2.7 and 3.x.
import json
import marshal
import struct
import sys

# `python -m dis` reads the file in text mode on 2.7, 3.6 and 3.7, in binary mode from 3.8.
TEXT_MODE = sys.version_info[:2] <= (3, 7)


def read_source(path):
    if TEXT_MODE:
        with open(path) as f:
            return f.read()
    with open(path, "rb") as f:
        return f.read()


SORTED_SETS = sys.version_info[:2] >= (3, 11)


def set_orders(obj, out):
    """Appends, for each frozenset inside obj (walked in marshal's order), where each of its
    marshalled elements stands in the set's own iteration order."""
    if isinstance(obj, frozenset):
        items = list(obj)
        keys = [marshal.dumps(x) for x in items]
        written = sorted(range(len(items)), key=lambda i: keys[i])
        if len(items) > 1:
            out.append(written)
        for i in written:
            set_orders(items[i], out)
    elif isinstance(obj, tuple):
        for x in obj:
            set_orders(x, out)
    elif hasattr(obj, "co_consts"):
        for x in obj.co_consts:
            set_orders(x, out)


def main():
    stdin = getattr(sys.stdin, "buffer", sys.stdin)
    raw = stdin.read()
    paths = [p for p in raw.split(b"\0") if p]
    channel = open(sys.argv[1], "wb")
    for raw_path in paths:
        path = raw_path.decode("utf-8", "surrogateescape") if sys.version_info[0] >= 3 else raw_path
        try:
            code = compile(read_source(path), path, "exec")
            records = [(b"O", marshal.dumps(code))]
            if SORTED_SETS:
                orders = []
                set_orders(code, orders)
                records.append((b"S", json.dumps(orders).encode("ascii")))
        except Exception as exc:  # any failure is reported per file, never fatal to the batch
            error = {
                "type": type(exc).__name__,
                "message": str(getattr(exc, "msg", None) or exc),
                "lineno": getattr(exc, "lineno", None),
                "offset": getattr(exc, "offset", None),
            }
            records = [(b"E", json.dumps(error).encode("utf-8"))]
        for tag, payload in records:
            channel.write(tag + struct.pack("<I", len(payload)) + payload)
    channel.close()


main()
