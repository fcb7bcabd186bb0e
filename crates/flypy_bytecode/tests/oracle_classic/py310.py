# flypy-oracle: min 3.10
def matching(command):
    match command.split():
        case [action]:
            return action
        case ["go", direction] | ["move", direction]:
            return direction
        case ["drop", *objects]:
            return objects
        case {"x": x, "y": y, **rest}:
            return x, y, rest
        case Point(x=0, y=0) | Point(0, 0):
            return "origin"
        case [1, 2, *_] if command:
            return "guarded"
        case str() | bytes() as s:
            return s
        case (1 | 2 | 3) as n:
            return n
        case None | True | False | -1 | 1.5 | -2j | "s" | b"b":
            return "literal"
        case _:
            return None


def contexts(a, b):
    with (
        open(a) as f,
        open(b) as g,
    ):
        return f.read() + g.read()


class Point:
    __match_args__ = ("x", "y")
    x: int | None = None
    y: int | str = 0
