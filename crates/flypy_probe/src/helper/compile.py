# flypy: compile source files exactly as `python -m dis FILE` does and hand back marshal bytes.
# Paths arrive NUL-separated on stdin; results go to the channel file argv[1] (never stdout), one
# record per path: b"O" + u32 length + marshal data, or b"E" + u32 length + UTF-8 JSON error.
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


def main():
    stdin = getattr(sys.stdin, "buffer", sys.stdin)
    raw = stdin.read()
    paths = [p for p in raw.split(b"\0") if p]
    channel = open(sys.argv[1], "wb")
    for raw_path in paths:
        path = raw_path.decode("utf-8", "surrogateescape") if sys.version_info[0] >= 3 else raw_path
        try:
            code = compile(read_source(path), path, "exec")
            record = b"O" + marshal.dumps(code)
        except Exception as exc:  # any failure is reported per file, never fatal to the batch
            error = {
                "type": type(exc).__name__,
                "message": str(getattr(exc, "msg", None) or exc),
                "lineno": getattr(exc, "lineno", None),
                "offset": getattr(exc, "offset", None),
            }
            record = b"E" + json.dumps(error).encode("utf-8")
        channel.write(record[:1] + struct.pack("<I", len(record) - 1) + record[1:])
    channel.close()


main()
