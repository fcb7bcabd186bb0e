"""Module docstring."""
from __future__ import annotations

import os as _os
from os.path import join, dirname as dn
from . import sibling  # noqa
from .. import parent  # noqa
from os import *


class Base:
    """Doc."""
    attr: int = 0
    __slots__ = ()

    @staticmethod
    def s(a, /, b, *, c):
        return a < b <= c != a and not (a is b) and a is not c and a in b and a not in c

    @property
    def p(self):
        return self.attr.real.imag

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)


class Derived(Base, metaclass=type, flag=True):
    def __init__(self):
        self.x, self.y = 1, 2
        a, *b, c = range(5)
        self.x[1:2] = b[::2]
        del self.x[0], self.y
        global G
        G = -self.x @ ~self.y ** 2 // 3 >> 1 << 2 & 4 | 5 ^ 6 % 7
        x = y = z = 0
        x += 1; y -= 1; z *= 2; x /= 3; y //= 4; z %= 5; x **= 6; y >>= 1; z <<= 1; x &= 1; y |= 1; z ^= 1; x @= 1
        print(*a, **{"sep": ""}, end="")
        return [*b, *c], {**{}}, {*b}
