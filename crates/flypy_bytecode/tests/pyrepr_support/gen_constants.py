"""Tricky constants and their repr(), for the pyrepr oracle test (runs on 2.7 and 3.6+).

Writes to stdout marshal.dumps of a list of entries (dumped, compiled, loaded, note):
- dumped: marshal.dumps(value), taken once: from 3.11 marshal sorts set elements by their own
  marshal bytes, which depend on reference counts (FLAG_REF), so the order is only fixed for
  this one dump;
- compiled: repr(value) of the object as built here (sets inserted in the listed order, as the
  compiler builds a frozenset constant from its elements in source order);
- loaded: repr(marshal.loads(marshal.dumps(value))), the object a .pyc yields;
- note: which family the value belongs to, for the test's per-family counts.
A repr that raises is given as "!ExceptionName: message". Run with PYTHONHASHSEED=0.
Usage: gen_constants.py SEED COUNT [STDLIB_FILES]
With STDLIB_FILES, also every frozenset constant the compiler makes for the first that many
standard-library modules (sorted by path), compiled in-process as `python -m dis` does
(note "stdlib-frozenset").
"""
import marshal
import random
import struct
import sys

PY3 = sys.version_info[0] >= 3
VER = sys.version_info[:2]
if PY3:
    unichr = chr
    text_type = str
else:
    text_type = unicode  # noqa: F821 (2.7)


def safe_repr(v):
    try:
        return repr(v)
    except Exception as e:  # the int digit limit
        return "!%s: %s" % (type(e).__name__, e)


def u(s):
    """A text string on both versions (2.7 source literals here are ASCII with escapes)."""
    return s if PY3 else s.decode("unicode_escape")


def entry(out, value, note):
    dumped = marshal.dumps(value)
    loaded = marshal.loads(dumped)
    out.append((dumped, safe_repr(value), safe_repr(loaded), note))


def rand_float(rng):
    kind = rng.random()
    if kind < 0.4:
        return struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
    if kind < 0.7:
        return rng.uniform(-1, 1) * 10 ** rng.randint(-30, 30)
    if kind < 0.85:
        return float(rng.randint(-10 ** 18, 10 ** 18))
    return rng.randint(-99999, 99999) / float(10 ** rng.randint(0, 8))


def rand_int(rng):
    bits = rng.choice([3, 15, 16, 30, 31, 32, 45, 62, 63, 64, 65, 100, 200, 1000, 5000, 14000,
                       14500, 20000, 70000])
    v = rng.getrandbits(bits)
    return -v if rng.random() < 0.4 else v


POOL = [0x20, 0x22, 0x27, 0x5C, 0x41, 0x61, 0x7A, 0x30, 0x0, 0x9, 0xA, 0xD, 0x1F, 0x7F, 0x80,
        0x9F, 0xA0, 0xA7, 0xAD, 0xE9, 0xFF, 0x100, 0x37E, 0x378, 0x600, 0x61C, 0x200B, 0x2028,
        0x3000, 0x4E2D, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000, 0xFEFF, 0xFFFD, 0xFFFF, 0x10000,
        0x1F600, 0x1FAE8, 0x1F9CC, 0x2B820, 0x31350, 0xE0001, 0xE0100, 0xF0000, 0x10FFFF]


def rand_text(rng):
    n = rng.randint(0, 12)
    cps = []
    for _ in range(n):
        r = rng.random()
        if r < 0.4:
            cps.append(rng.choice(POOL))
        elif r < 0.7:
            cps.append(rng.randint(0x20, 0x7E))
        elif r < 0.9:
            cps.append(rng.randint(0x80, 0x3000))
        else:
            cps.append(rng.randint(0, 0x10FFFF))
    if not PY3:
        # 2.7's UTF-8 encoder joins a high and a low surrogate into one 4-byte sequence, so
        # marshal cannot keep such a pair apart (a known, reported difference): avoid it.
        for i in range(len(cps) - 1):
            if 0xD800 <= cps[i] < 0xDC00 and 0xDC00 <= cps[i + 1] < 0xE000:
                cps[i] = 0x41
    return u("").join(unichr(c) for c in cps)


def rand_bytes(rng):
    n = rng.randint(0, 10)
    pool = [0, 9, 10, 13, 34, 39, 92, 0x7F, 0x80, 0xFF, 65, 97]
    data = [rng.choice(pool) if rng.random() < 0.5 else rng.randint(0, 255) for _ in range(n)]
    return struct.pack("%dB" % n, *data)


def rand_str_key(rng):
    """Identifier-like text, as set constants of names usually are."""
    n = rng.randint(0, 8)
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz_ABCXYZ0123") for _ in range(n))


def rand_set_element(rng, depth=0):
    r = rng.random()
    if r < 0.3:
        return rng.randint(-1000, 1000)
    if r < 0.55:
        s = rand_str_key(rng)
        return s if PY3 or rng.random() < 0.7 else s.decode("ascii")
    if r < 0.65:
        return rand_text(rng)
    if r < 0.72:
        f = rand_float(rng)
        return 0.0 if f != f else f
    if r < 0.77:
        return rand_int(rng) if rng.random() < 0.5 else rng.getrandbits(70)
    if r < 0.82:
        return rand_bytes(rng)
    if r < 0.86:
        return complex(rng.randint(-5, 5), rng.uniform(-3, 3))
    if r < 0.93 and depth < 2:
        return tuple(rand_set_element(rng, depth + 1) for _ in range(rng.randint(0, 3)))
    if r < 0.96 and depth < 2:
        return frozenset(rand_set_element(rng, depth + 1) for _ in range(rng.randint(0, 3)))
    if r < 0.98:
        return rng.choice([True, False])
    if VER >= (3, 12):
        return None
    return rng.randint(0, 9)


def fixed(out):
    for v in [None, True, False, Ellipsis, StopIteration, 0, 1, -1, 2 ** 31, -2 ** 31 - 1,
              2 ** 63 - 1, -2 ** 63, 2 ** 63, -2 ** 64, 10 ** 100, -(10 ** 4300), 10 ** 4300,
              10 ** 4299 * 9, 10 ** 4301]:
        entry(out, v, "fixed")
    if not PY3:
        for v in [long(0), long(5), long(-7), long(2 ** 62)]:  # noqa: F821 (2.7)
            entry(out, v, "fixed")
    for v in [0.0, -0.0, 1.0, 0.1, 1e16, 1e15, 123456789012345678.0, 1e-5, 1e-4, 1.5e-7, 1e300,
              5e-324, 1.7976931348623157e308, float("inf"), -float("inf"), float("nan"), 2.5,
              9007199254740993.0, 0.30000000000000004, 1e22, 1e23]:
        entry(out, v, "float")
    for v in [1j, -1j, 0j, complex(-0.0, 0.0), complex(0.0, -0.0), complex(-0.0, -1), 1 + 2j,
              complex(float("nan"), float("inf")), complex(1, float("nan")), complex(1e16, 1e-5),
              complex(-float("inf"), -0.0), 1.5 - 0.25j]:
        entry(out, v, "complex")
    texts = ["", "a", "it's", "say \"hi\"", "'\"", "\\", "a\nb\rc\td", "\x00\x1f\x7f",
             "\\xe9\\xa0\\xad", "\\u2028\\u4e2d", "\\U0001f600\\U000e0001", "\\ud800", "\\udfffx",
             "\\ud83d\\ude00" if PY3 else "\\ud83dx\\ude00"]
    for t in texts:
        entry(out, u(t) if "\\" in t and t != "\\" else (t if PY3 else t.decode("ascii")), "str")
    for b in [b"", b"abc", b"it's", b"'\"", b"\x00\xff\\", b"\t\n\r", b"\x7f\x80"]:
        entry(out, b, "bytes")
    for t in [(), (1,), ((),), (1, (2, (3,))), ("a", u("b"), b"c", 1.0, None)]:
        entry(out, t, "tuple")
    entry(out, [1, "a", (2,)], "list")
    entry(out, frozenset(), "frozenset")
    entry(out, set(), "set")
    entry(out, set([1, 2, 3]), "set")
    entry(out, frozenset([1, 2, 3]), "frozenset")
    if PY3:
        entry(out, {"a": 1, 2: (3,)}, "dict")
    srcs = ["def f():\n    pass\n", "g = lambda: 0\n", "class C:\n    def m(self): pass\n"]
    names = ["x.py", "a'b\"c.py", "<string>", "dir/" + "n" * 320 + ".py", u("\\xe9t\\xe9.py")]
    for name in names:
        for src in srcs:
            co = compile(src, name if PY3 else name.encode("utf-8"), "exec")
            for c in co.co_consts:
                if hasattr(c, "co_code"):
                    entry(out, c, "code")
    if VER >= (3, 8):
        co = compile("def h(): pass\n", "z.py", "exec").co_consts[0]
        entry(out, co.replace(co_firstlineno=0), "code")
    if VER >= (3, 14):
        for v in [slice(1, 2, None), slice(None, None, None), slice("a", 2.5, (1,))]:
            entry(out, v, "slice")


def randomized(out, rng, count):
    for _ in range(count):
        entry(out, rand_float(rng), "float")
        entry(out, complex(rand_float(rng), rand_float(rng)), "complex")
        entry(out, rand_int(rng), "int")
        entry(out, rand_text(rng), "str")
        entry(out, rand_bytes(rng), "bytes")
    for _ in range(count):
        n = rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 16, 20, 40, 100, 300, 600])
        elems = [rand_set_element(rng) for _ in range(n)]
        entry(out, frozenset(elems), "frozenset")
        strs = [rand_str_key(rng) for _ in range(n)]
        entry(out, frozenset(strs), "frozenset-str")


def stdlib_sets(out, limit):
    import os
    root = os.path.dirname(os.__file__)
    paths = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("site-packages", "test", "tests"))
        paths.extend(os.path.join(dirpath, f) for f in sorted(filenames) if f.endswith(".py"))
    paths = sorted(paths)[:limit]

    def walk(co):
        for c in co.co_consts:
            if type(c) is frozenset:
                entry(out, c, "stdlib-frozenset")
            elif hasattr(c, "co_code"):
                walk(c)

    for path in paths:
        try:
            with open(path, "rb") as f:
                source = f.read()
            walk(compile(source, path, "exec"))
        except (SyntaxError, ValueError, IOError, OSError):
            # Broken links (Debian's sitecustomize.py) and files of other Python versions.
            pass


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    out = []
    fixed(out)
    randomized(out, rng, count)
    if len(sys.argv) > 3:
        stdlib_sets(out, int(sys.argv[3]))
    data = marshal.dumps(out)
    if PY3:
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(data)


main()
