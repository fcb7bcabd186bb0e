"""Should I transform a list with map() or with a list comprehension?

Each of 1000 short strings is upper-cased into a new list: with list(map()) of a lambda,
with a list comprehension, and with list(map()) of the unbound method str.upper itself.
Many Python programmers believe map() is faster than a comprehension because its loop runs
in C, and others that map() is always slower; which function map() is given is rarely
considered.
"""

N = 1000
ITERATIONS = N  # elements transformed per call (flypy divides per-call counts by it)


def setup():
    return {"words": ["word%d" % i for i in range(N)]}


def variant_map_lambda(words):
    """list(map(lambda w: w.upper(), words))"""
    return list(map(lambda w: w.upper(), words))


def variant_comprehension(words):
    """list comprehension, [w.upper() for w in words]"""
    return [w.upper() for w in words]


def variant_map_method(words):
    """list(map(str.upper, words))"""
    return list(map(str.upper, words))
