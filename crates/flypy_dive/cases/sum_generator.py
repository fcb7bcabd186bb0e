"""Should I give sum() a generator expression or a list comprehension?

The sum of the squares of 1000 numbers, computed with sum() of a generator expression,
sum() of a list comprehension, and an explicit for loop that accumulates into a local
variable. Many Python programmers believe the generator expression is the better choice
because it never builds the intermediate list, and that sum() with anything beats a
hand-written loop.
"""

N = 1000
ITERATIONS = N  # elements summed per call (flypy divides per-call counts by it)


def setup():
    return {"data": list(range(N))}


def variant_sum_genexpr(data):
    """sum() of a generator expression"""
    return sum(x * x for x in data)


def variant_sum_listcomp(data):
    """sum() of a list comprehension"""
    return sum([x * x for x in data])


def variant_loop(data):
    """for loop accumulating into a local"""
    total = 0
    for x in data:
        total += x * x
    return total
