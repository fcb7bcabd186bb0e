def outer(a, b=2, *args, c, d=4, **kw):
    e = a + b

    def inner(x):
        nonlocal e
        e += x
        return e, c, kw

    def other():
        return inner(1) + (a,)

    return inner, other


def counter():
    count = 0

    def inc():
        nonlocal count
        count += 1
        return count

    return inc


def defaults(x: int = 1, *, y: "str" = "s") -> list[int]:
    return lambda z=x: (z, y)


class C:
    def method(self):
        return __class__

    def sup(self):
        return super().method(), super().attr
