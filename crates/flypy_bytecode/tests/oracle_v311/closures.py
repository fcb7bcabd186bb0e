def counter(start=0):
    count = start

    def inc(step=1):
        nonlocal count
        count += step
        return count

    def peek():
        return count

    return inc, peek


def outer(a, b, *args, key=None, **kwargs):
    def middle(c):
        def inner(d):
            return a + b + c + d + len(args) + len(kwargs)
        return inner
    return middle(key)


adder = lambda x, y=10: x + y
make = lambda n: (lambda m: n * m)


def shadow(x):
    x = [x for x in range(x)]
    del x
    x = 1
    return lambda: x
