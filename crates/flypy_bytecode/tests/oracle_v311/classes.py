import functools


class Base:
    """A docstring."""

    attr: int = 3
    other: "str"

    def __init__(self, value):
        self.value = value

    @property
    def double(self):
        return self.value * 2

    @classmethod
    def make(cls, *args):
        return cls(*args)

    @staticmethod
    def helper(a, b=2, /, c=3, *, d=4):
        return a, b, c, d


class Child(Base, metaclass=type):
    def __init__(self, value, extra):
        super().__init__(value)
        self.extra = extra

    @functools.lru_cache(maxsize=None)
    def method(self):
        return super().double + self.extra.real

    def __repr__(self):
        return f"{type(self).__name__}({self.value!r})"

    class Inner:
        def __init_subclass__(cls, **kw):
            super().__init_subclass__()
            cls.__class__
