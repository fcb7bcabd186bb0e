# flypy-oracle: min 3.8
def posonly(a, b, /, c, *, d):
    return a, b, c, d


def walrus(data):
    if (n := len(data)) > 10:
        return [y for x in data if (y := x * 2)]
    while chunk := data[:n]:
        data = data[n:]
    return f"{n=} {data=!r:>10}"


def finally_continue(items):
    for i in items:
        try:
            pass
        finally:
            continue
    return {**{i: i for i in items}}


lambda a, /, b: a + b
print(posonly(1, 2, 3, d=4), walrus([1]), finally_continue([1, 2]))
