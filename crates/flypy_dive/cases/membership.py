"""Should I test membership in a list, a set, or a set literal?

A loop tests 1000 numbers, a quarter of which are hits, for membership in the same 16
small primes and counts the hits: with x in a list, x in a set, and x in a constant set
literal written in the test itself, which the compiler stores as a frozenset constant.
Many Python programmers believe a list is just as good when it is this small, and that a
literal written in the loop is rebuilt on every test.
"""

N = 1000
ITERATIONS = N  # membership tests per call (flypy divides per-call counts by it)

PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53)


def setup():
    return {
        "probes": [i % 64 for i in range(N)],
        "primes_list": list(PRIMES),
        "primes_set": set(PRIMES),
    }


def variant_in_list(probes, primes_list):
    """x in a list"""
    hits = 0
    for x in probes:
        if x in primes_list:
            hits += 1
    return hits


def variant_in_set(probes, primes_set):
    """x in a set"""
    hits = 0
    for x in probes:
        if x in primes_set:
            hits += 1
    return hits


def variant_in_set_literal(probes):
    """x in a constant set literal (a frozenset constant)"""
    hits = 0
    for x in probes:
        if x in {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53}:
            hits += 1
    return hits
