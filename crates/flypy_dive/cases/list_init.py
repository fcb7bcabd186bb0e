"""How should I build a list of the numbers 0 to n-1?

Four ways to build [0, 1, ..., n-1]: a for loop calling .append, a list comprehension,
list(range(n)), and unpacking the range into a list display, [*range(n)]. Many Python
programmers believe a comprehension is only a shorter spelling of the append loop, and
that the remaining spellings are a matter of taste.
"""

N = 1000
ITERATIONS = N  # elements handled per call: per-iteration counts are per call / ITERATIONS


def setup():
    return {"n": N}


def variant_loop_append(n):
    """for loop with .append"""
    r = []
    for i in range(n):
        r.append(i)
    return r


def variant_comprehension(n):
    """list comprehension"""
    return [i for i in range(n)]


def variant_list_range(n):
    """list(range(n))"""
    return list(range(n))


def variant_star_unpack(n):
    """unpacking into a list display, [*range(n)]"""
    return [*range(n)]
