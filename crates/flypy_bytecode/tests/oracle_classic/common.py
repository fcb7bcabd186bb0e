# flypy-oracle: min 2.7
# Constructs every classic CPython compiles, in syntax 2.7 and 3.6+ both accept.
from __future__ import print_function, division
import os
import os.path as osp
from sys import argv, path as syspath

INT, NEG, BIG, HUGE = 7, -3, 2 ** 40, 123456789012345678901234567890
FLOATS = (1.5, -0.0, 1e300, 3.141592653589793, float("inf"))
COMPLEX = (1j, 2 + 3j, -1.5j)
TEXT = ("", "plain", 'quote"s', "it's", "both'\"", "tab\tnl\ncr\r\\", "\x00\x7f")
UNI = (u"caf\xe9", u"\u20ac", u"\U0001f600", u"\ud800")
RAW = b"\x00\xff bytes"
NESTED = ((1, 2), (3, (4, 5)), ())
SLICED = argv[1:2], argv[::2], argv[:-1]


def defaults(a, b=1, c=(1, 2), *args, **kwargs):
    """Docstring."""
    return a, b, c, args, kwargs


def closure(x):
    y = [x]

    def inner(z):
        y.append(z)
        return x + z + len(y)

    return inner


def gen(n):
    for i in range(n):
        if i % 2:
            continue
        elif i > 10:
            break
        yield i
    else:
        yield -1


def decorator(f):
    return f


@decorator
def decorated(a, *b, **c):
    return a(*b, **c)


class Base(object):
    attr = 1

    def method(self, other):
        return self.attr == other.attr and self is not other

    @staticmethod
    def static():
        return Base

    @property
    def prop(self):
        return [self] * 3


class Child(Base):
    def method(self, other):
        result = super(Child, self).method(other)
        return not result


def control(x, items):
    total = 0
    while x > 0:
        x -= 1
        if x in (1, 2, 3) or x not in items:
            total += x
        elif 3 < x <= 10:
            total *= 2
        else:
            total //= 3
    try:
        total = items[total]
    except (KeyError, IndexError) as exc:
        total = -1
    except Exception:
        raise
    else:
        total += 1
    finally:
        del items
    with open(os.devnull) as f, open(os.devnull) as g:
        f.read()
    assert total, "message"
    return total if total else None


comprehensions = (
    [i * 2 for i in range(10) if i],
    {k: v for k, v in zip("ab", "cd")},
    {x for x in "hello"},
    list(x + y for x in range(3) for y in range(x)),
    [lambda q, i=i: q + i for i in range(3)],
)
square = lambda v: v ** 2
ops = (INT + NEG - BIG * HUGE / 2 % 3, INT << 2 >> 1 & 5 | 6 ^ 7, ~INT, -INT, +INT)
flags = INT in SLICED or INT not in SLICED and INT is None or INT is not None
a = b = c = 1
a, (b, c) = 1, (2, 3)
a += 1; b -= 1; c *= 2; a /= 2; b **= 2; c <<= 1; a >>= 1; b &= 1; c |= 1; a ^= 1
d = {"k": 1, 2: [3, {4}]}
d["k"] += 1
del d["k"], a
x = [1, 2][0]
osp.join("a", "b")
print(defaults(1), closure(2)(3), list(gen(5)), Child().method(Base()), control(3, [1, 2]))
if __name__ == "__main__":
    print(comprehensions, square(3), ops, flags, file=None)
