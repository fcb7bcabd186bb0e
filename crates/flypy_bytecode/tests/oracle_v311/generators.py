def countdown(n):
    while n > 0:
        received = yield n
        if received:
            n = received
        n -= 1
    return "done"


def delegate(items):
    result = yield from countdown(len(items))
    yield from items
    return result


def pipeline(data):
    evens = (x for x in data if not x & 1)
    return sum(x * x for x in evens)


def chained(a, b, c):
    if a < b < c and (d := a + c) > b:
        return d
    x, *ys, z = a
    a[1:2], b[::2] = c[-1:], c[:]
    del a[0], b.attr
    return not (a is b or a is not c or a in b or a not in c)
