"""Should I loop over a list with while and an index, or with for?

The sum of 1000 numbers, taken by walking an index with while i < len(data) and data[i],
by indexing with for i in range(len(data)), and by iterating directly with for v in data.
Many programmers coming from C believe an index loop is the plain, fast form and the
iterator only a convenience; others believe the three compile to about the same work.
"""

N = 1000
ITERATIONS = N  # elements visited per call (flypy divides per-call counts by it)


def setup():
    return {"data": list(range(N))}


def variant_while_index(data):
    """while i < len(data): total += data[i]; i += 1"""
    total = 0
    i = 0
    while i < len(data):
        total += data[i]
        i += 1
    return total


def variant_for_range_index(data):
    """for i in range(len(data)): total += data[i]"""
    total = 0
    for i in range(len(data)):
        total += data[i]
    return total


def variant_for_each(data):
    """for v in data: total += v"""
    total = 0
    for v in data:
        total += v
    return total
