name = "world"
width = 10
value = 3.14159
s1 = f"hello {name}"
s2 = f"{name!r:>{width}} {value:.2f} {value!s} {name!a}"
s3 = f"{'nested ' + f'{name}'}" f"{{literal}}"
s4 = f"{value=}"
s5 = "%s %d" % (name, width)
s6 = "ünïcödé ✓ 𝔘 \x00 \t \u200b"
b1 = b"bytes \xff\x00"
big = 12345678901234567890123
neg = -5
cplx = 3 + 4j
fl = 1e300 * 1e10
t = (1, "two", 3.0, None, ...)
fs = frozenset({"a", "b"})
