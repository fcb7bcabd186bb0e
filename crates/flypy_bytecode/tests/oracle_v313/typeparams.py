type Alias = list[int]
type Generic[T] = dict[str, T]


def first[T](xs: list[T]) -> T:
    return xs[0]


class Box[T: (int, str), *Ts, **P]:
    def get[U = int](self, u: U) -> T | U:
        return u


def annotated(a: int, b: "B") -> None:
    x: int = 1
    y: list[str]
