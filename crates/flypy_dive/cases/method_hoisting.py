"""Should I hoist out.append into a local variable before the loop?

A loop appends 1000 items to a list, either calling out.append(x) directly or through
append = out.append, bound once before the loop. The hoisted bound method is a classic
micro-optimization: many Python programmers believe the attribute lookup of out.append on
every iteration is a real cost that the local variable removes.
"""

N = 1000
ITERATIONS = N  # items appended per call (flypy divides per-call counts by it)


def setup():
    return {"data": list(range(N))}


def variant_method_call(data):
    """out.append(x) in the loop"""
    out = []
    for x in data:
        out.append(x)
    return out


def variant_hoisted(data):
    """append = out.append before the loop, append(x) in it"""
    out = []
    append = out.append
    for x in data:
        append(x)
    return out
