def describe(obj):
    match obj:
        case None:
            return "none"
        case 0 | 1 | 2:
            return "small"
        case int(n) if n > 100:
            return "big"
        case [x, y, *rest]:
            return f"seq {x} {y} {rest}"
        case {"kind": "point", "x": x, **extra}:
            return f"point {x} {extra}"
        case Point(x=0, y=yy) as p:
            return f"on axis {yy} {p}"
        case str() | bytes():
            return "text"
        case (1, 2) | [3, 4]:
            return "pair"
        case _:
            return "other"


class Point:
    __match_args__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y
