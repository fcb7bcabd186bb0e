"""Is out.extend() of a generator faster than an append loop?

A thousand computed items are added to a list: with out.append(x * 2) in a for loop, with
out.extend() of a generator expression, and with out.extend() of a list comprehension.
Many Python programmers believe extend() with a generator is the fastest because the loop
moves into C and no intermediate list is built.
"""

N = 1000
ITERATIONS = N  # items added per call (flypy divides per-call counts by it)


def setup():
    return {"data": list(range(N))}


def variant_append_loop(data):
    """out.append(x * 2) in a for loop"""
    out = []
    for x in data:
        out.append(x * 2)
    return out


def variant_extend_genexpr(data):
    """out.extend() of a generator expression"""
    out = []
    out.extend(x * 2 for x in data)
    return out


def variant_extend_listcomp(data):
    """out.extend() of a list comprehension"""
    out = []
    out.extend([x * 2 for x in data])
    return out
