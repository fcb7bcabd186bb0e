"""How should I build a dict from a list of keys and a list of values?

A dict of 1000 entries is built from two parallel lists, each pair taken from zip(): by
assigning d[k] = v in a for loop, with a dict comprehension, and with
dict(zip(keys, values)). Many Python programmers believe the comprehension is the fast,
idiomatic way, and that the three differ only in style.
"""

N = 1000
ITERATIONS = N  # entries inserted per call (flypy divides per-call counts by it)


def setup():
    return {"keys": ["key%d" % i for i in range(N)], "values": list(range(N))}


def variant_loop_assign(keys, values):
    """for loop assigning d[k] = v"""
    d = {}
    for k, v in zip(keys, values):
        d[k] = v
    return d


def variant_comprehension(keys, values):
    """dict comprehension"""
    return {k: v for k, v in zip(keys, values)}


def variant_dict_zip(keys, values):
    """dict(zip(keys, values))"""
    return dict(zip(keys, values))
