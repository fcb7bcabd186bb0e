"""Is it worth copying a builtin into a local variable before a loop?

A loop adds up abs(x) over 1000 numbers, and only the name abs is found through differs:
the builtin looked up by name, the same function bound to a module-level (global) name,
and the same function copied into a local variable before the loop. Many Python
programmers believe every builtin or global name costs a dictionary lookup on each use, so
that the local alias is a worthwhile trick in hot loops.
"""

N = 1000
ITERATIONS = N  # abs() calls per call (flypy divides per-call counts by it)

ABS = abs  # the builtin abs under a module-level (global) name


def setup():
    return {"data": list(range(-N // 2, N - N // 2))}


def variant_builtin(data):
    """builtin name, abs(x)"""
    total = 0
    for x in data:
        total += abs(x)
    return total


def variant_global(data):
    """module-level (global) name, ABS(x)"""
    total = 0
    for x in data:
        total += ABS(x)
    return total


def variant_local(data):
    """local alias made before the loop, local_abs(x)"""
    local_abs = abs
    total = 0
    for x in data:
        total += local_abs(x)
    return total
