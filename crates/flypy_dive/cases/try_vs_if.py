"""Should I catch KeyError or check with `in` first when most keys are present?

A loop adds up the values of 1000 keys looked up in a dict; 90% of them are present (every
tenth key is missing, always the same ones). The variants: catching KeyError around d[k]
("easier to ask forgiveness"), testing k in d before d[k] ("look before you leap"), and
d.get(k, 0). Many Python programmers believe try is free when nothing is raised but
raising is very expensive, and that the test-first way pays for a second lookup on every
hit.
"""

N = 1000
ITERATIONS = N  # keys looked up per call (flypy divides per-call counts by it)


def setup():
    return {"d": {k: k for k in range(N) if k % 10 != 9}, "keys": list(range(N))}


def variant_try_except(d, keys):
    """try: total += d[k] / except KeyError: pass"""
    total = 0
    for k in keys:
        try:
            total += d[k]
        except KeyError:
            pass
    return total


def variant_if_in(d, keys):
    """if k in d: total += d[k]"""
    total = 0
    for k in keys:
        if k in d:
            total += d[k]
    return total


def variant_get(d, keys):
    """total += d.get(k, 0)"""
    total = 0
    for k in keys:
        total += d.get(k, 0)
    return total
