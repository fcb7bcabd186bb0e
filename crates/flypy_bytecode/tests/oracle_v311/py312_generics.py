type Alias = list[int]
type Pair[T] = tuple[T, T]


def first[T](items: list[T]) -> T:
    return items[0]


class Box[T: (int, str), *Ts, **P]:
    def get(self) -> T:
        return super().get()


from os import *
