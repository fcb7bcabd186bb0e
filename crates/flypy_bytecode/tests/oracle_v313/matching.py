def match_all(cmd):
    match cmd:
        case []:
            return 0
        case [x]:
            return x
        case [1, 2, *rest]:
            return rest
        case {"k": v, **others}:
            return v, others
        case Point(x=0, y=yy) | Point(x=yy, y=0):
            return yy
        case str() as s if len(s) > 3:
            return s
        case 1 | 2 | 3:
            return "small"
        case None:
            return None
        case _:
            return "other"


class Point:
    __match_args__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y
