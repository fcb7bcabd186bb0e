# flypy-oracle: min 3.6
# Python 3 constructs: f-strings, keyword-only arguments, annotations, async, unpacking.
import asyncio
from collections import *

name, width, value = "x", 10, 3.14159
fstrings = (
    f"{name}",
    f"{name!r} {name!s} {name!a}",
    f"{value:.2f} {value:{width}} {value!r:>{width}}",
    f"{f'{name}'}",
    f"a{{b}}c {name} d",
    rf"\d{name}",
    f"{'café'} \N{EURO SIGN}",
)
café, ñ = "unicode identifiers", "\U0001f600 emoji"
LONG_SET = {"alpha", "beta", "gamma"}
x: int = 5
y: "str"
counter: dict = {}


def annotated(a: int, b: "str" = "d", *args: tuple, c: float, d=4, **kw: dict) -> list:
    return [a, b, args, c, d, kw]


def kwonly(*, key=None, other):
    nonlocal_user = 0

    def inner():
        nonlocal nonlocal_user
        nonlocal_user += 1
        return nonlocal_user

    return inner


def unpacking(a, b, c, d):
    first, *rest = a
    *init, last = b
    lst = [*a, *b, 1]
    tup = (*c, *d)
    st = {*a, 2}
    dct = {**c, **d, "k": 1}
    call = print(*a, *b, sep="", **c, **d)
    return first, rest, init, last, lst, tup, st, dct, call, a @ b


def generators(it):
    yield from it
    received = yield
    return received


async def coroutine(session, urls):
    async with session as s, session as t:
        result = await s.get(urls)
    async for item in result:
        print(item)
    values = [v async for v in result if await v]
    awaited = [await u for u in urls]
    return values, awaited


async def agen():
    for i in range(3):
        yield i
        await asyncio.sleep(0)


class Meta(type):
    def __new__(mcs, name, bases, ns, **kw):
        return super().__new__(mcs, name, bases, ns)


class WithMeta(metaclass=Meta, flag=True):
    attr: int = 3
    other: str

    def method(self):
        return __class__, super().method()


def raising(e):
    try:
        raise ValueError("x") from e
    except ValueError as err:
        raise
    finally:
        pass


lambda *, k: k
lambda *a, **k: (a, k)
print(annotated(1, c=2.0), kwonly(other=1)(), unpacking([1], [2], {}, {}), fstrings)
