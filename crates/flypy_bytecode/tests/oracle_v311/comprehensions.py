data = [3, 1, 2]
squares = [x * x for x in data if x % 2]
pairs = {(a, b) for a in data for b in data if a < b}
index = {k: v for v, k in enumerate(data)}
lazy = (x + 1 for x in data)
nested = [[y for y in range(x)] for x in data]
total = sum(x for x in data)


def f(seq, scale=2):
    return [scale * item for item in seq if item not in (None, 0)]


def g(rows):
    out = {}
    for r in rows:
        out |= {c: [r[c] for _ in range(c)] for c in r}
    return out
