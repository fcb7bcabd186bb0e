"""How should I build a string out of many pieces?

A string is built from 1000 pieces, each made by str(x): with += in a for loop, with
"".join() of a generator expression or of a list comprehension, and by writing each piece
to an io.StringIO. Many Python programmers believe += on a str copies the whole string
every time and is always quadratic, and that a generator is the cheaper thing to hand to
join() because it builds no intermediate list.
"""

import io

N = 1000
ITERATIONS = N  # pieces added per call (flypy divides per-call counts by it)


def setup():
    return {"data": list(range(N))}


def variant_plus_equals(data):
    """s += str(x) in a for loop"""
    s = ""
    for x in data:
        s += str(x)
    return s


def variant_join_genexpr(data):
    """join() of a generator expression, "".join(str(x) for x in data)"""
    return "".join(str(x) for x in data)


def variant_join_listcomp(data):
    """join() of a list comprehension, "".join([str(x) for x in data])"""
    return "".join([str(x) for x in data])


def variant_stringio(data):
    """io.StringIO with .write(str(x)) in a for loop"""
    buf = io.StringIO()
    for x in data:
        buf.write(str(x))
    return buf.getvalue()
