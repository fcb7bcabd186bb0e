# flypy: compile source files exactly as `python -m dis FILE` does and hand back marshal bytes.
# Paths arrive NUL-separated on stdin; results go to the channel file argv[1] (never stdout), one
# record per path: b"O" + u32 length + marshal data, or b"E" + u32 length + UTF-8 JSON error.
# From 3.11 marshal writes frozenset elements sorted (by their own marshalled bytes, which even
# depend on reference counts), not in the order the compiled set iterates, which is what `dis`
# shows. So from 3.11 every frozenset constant is sent as a tuple of its elements in iteration
# order, and the b"O" record is followed by b"S" + u32 length + JSON: the positions of those
# tuples among all tuples of the code's constants, numbered depth first (constants in order,
# a tuple before its items; the constants tuple itself is not numbered).
# A frozenset constant's iteration order can depend on which strings the compiling process has
# already interned (interning may swap a set's elements for equal strings and rebuild the set).
# So each file is compiled in a forked child, where `dis` itself runs as `python -m dis FILE`
# runs it (as __main__, parsing its own command line); the source is compiled by dis's own call
# to compile(), which is intercepted to take the code object instead of printing it.
# Runs under CPython 2.7 and 3.x.
import json
import marshal
import os
import struct
import sys
import runpy

try:
    import builtins
except ImportError:  # 2.7
    import __builtin__ as builtins

# `python -m dis` reads the file in text mode on 2.7, 3.6 and 3.7, in binary mode from 3.8.
TEXT_MODE = sys.version_info[:2] <= (3, 7)


def read_source(path):
    if TEXT_MODE:
        with open(path) as f:
            return f.read()
    with open(path, "rb") as f:
        return f.read()


SORTED_SETS = sys.version_info[:2] >= (3, 11)


def has_frozenset(obj):
    if isinstance(obj, frozenset):
        return True
    if isinstance(obj, tuple):
        return any(has_frozenset(x) for x in obj)
    if hasattr(obj, "co_consts"):
        return any(has_frozenset(x) for x in obj.co_consts)
    return False


def sets_as_tuples(obj, marks, counter):
    """obj with each frozenset turned into a tuple in iteration order; the numbers of those
    tuples (see above) are appended to marks."""
    if isinstance(obj, (tuple, frozenset)):
        number = counter[0]
        counter[0] += 1
        if isinstance(obj, frozenset):
            marks.append(number)
        return tuple(sets_as_tuples(x, marks, counter) for x in obj)
    if hasattr(obj, "co_consts") and has_frozenset(obj):
        consts = tuple(sets_as_tuples(x, marks, counter) for x in obj.co_consts)
        return obj.replace(co_consts=consts)
    if hasattr(obj, "co_consts"):
        # Number its tuples all the same, so the numbering matches the tree flypy reads.
        for x in obj.co_consts:
            sets_as_tuples(x, marks, counter)
    return obj


class Compiled(BaseException):
    """Carries the code object out of dis's command line before it prints anything."""


def compile_as_dis_does(path):
    real_compile = builtins.compile

    def intercept(*args, **kwargs):
        code = real_compile(*args, **kwargs)
        # Loading dis itself may compile its own source (2.7 without a .pyc): let that pass.
        if len(args) > 1 and args[1] == path:
            raise Compiled(code)
        return code

    builtins.compile = intercept
    sys.argv = ["dis", path]
    try:
        runpy.run_module("dis", run_name="__main__", alter_sys=True)
    except Compiled as done:
        return done.args[0]
    except SystemExit:
        pass  # dis's command line refused the file: say why by compiling it directly
    finally:
        builtins.compile = real_compile
    return compile(read_source(path), path, "exec")


def records_for(path):
    """The channel records for one source file."""
    try:
        code = compile_as_dis_does(path)
        marks = []
        if SORTED_SETS and has_frozenset(code):
            code = sets_as_tuples(code, marks, [0])
        records = [(b"O", marshal.dumps(code))]
        if marks:
            records.append((b"S", json.dumps(marks).encode("ascii")))
        return records
    except Exception as exc:  # any failure is reported per file, never fatal to the batch
        error = {
            "type": type(exc).__name__,
            "message": str(getattr(exc, "msg", None) or exc),
            "lineno": getattr(exc, "lineno", None),
            "offset": getattr(exc, "offset", None),
        }
        return [(b"E", json.dumps(error).encode("utf-8"))]


def write(fd, records):
    data = b"".join(tag + struct.pack("<I", len(payload)) + payload for tag, payload in records)
    while data:
        data = data[os.write(fd, data):]


def main():
    stdin = getattr(sys.stdin, "buffer", sys.stdin)
    raw = stdin.read()
    paths = [p for p in raw.split(b"\0") if p]
    fd = os.open(sys.argv[1], os.O_WRONLY | os.O_TRUNC)
    for raw_path in paths:
        # As `python -m dis PATH` gets it from its command line: decoded with the file system's
        # encoding (ASCII under LANG=C on 3.6), non-decodable bytes as surrogates.
        path = os.fsdecode(raw_path) if sys.version_info[0] >= 3 else raw_path
        start = os.lseek(fd, 0, os.SEEK_CUR)
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                write(fd, records_for(path))
            except BaseException:
                status = 70
            os._exit(status)
        _, status = os.waitpid(pid, 0)
        if status != 0:
            # The child died (a crash in the compiler, say): drop whatever it wrote.
            os.ftruncate(fd, start)
            os.lseek(fd, start, os.SEEK_SET)
            write(fd, [(b"E", json.dumps({
                "type": "CompilerCrash",
                "message": "the interpreter died compiling it (wait status %d)" % status,
                "lineno": None,
                "offset": None,
            }).encode("utf-8"))])
    os.close(fd)


main()
