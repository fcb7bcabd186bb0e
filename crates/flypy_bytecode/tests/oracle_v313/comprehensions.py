"""Inlined comprehensions (PEP 709), nested and with conditions."""
import itertools

squares = [x * x for x in range(10)]
evens = {x for x in range(20) if x % 2 == 0}
table = {k: v for k, v in zip("abc", range(3))}
gen = (y for y in range(5))


def nested(rows):
    return [[c * r for c in row if c] for r, row in enumerate(rows)]


def shadowing(x):
    x = [x for x in x]
    return x


def uses_cell(n):
    fs = [lambda: i for i in range(n)]
    return [f() for f in fs]


async def agen(xs):
    return [x async for x in xs]


def walrus(data):
    return [y for x in data if (y := x * 2) > 3], y


pairs = [(a, b) for a in range(3) for b in itertools.count() if b < a]
