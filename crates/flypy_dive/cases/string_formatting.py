"""Which is the fastest way to format a string: %, str.format() or an f-string?

A list comprehension formats 1000 (name, number) pairs as "name-number": with the %
operator, with str.format(), and with an f-string. Many Python programmers believe
f-strings are faster because they are compiled rather than parsed at run time, and that %
and format() cost about the same.
"""

N = 1000
ITERATIONS = N  # strings formatted per call (flypy divides per-call counts by it)


def setup():
    return {"pairs": [("item%d" % i, i) for i in range(N)]}


def variant_percent(pairs):
    """% operator, "%s-%d" % (a, b)"""
    return ["%s-%d" % (a, b) for a, b in pairs]


def variant_format(pairs):
    """str.format(), "{}-{}".format(a, b)"""
    return ["{}-{}".format(a, b) for a, b in pairs]


def variant_fstring(pairs):
    """f-string, f"{a}-{b}" per pair"""
    return [f"{a}-{b}" for a, b in pairs]
