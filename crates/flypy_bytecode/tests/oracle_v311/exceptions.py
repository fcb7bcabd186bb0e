import contextlib


def risky(x):
    try:
        return 1 / x
    except ZeroDivisionError as exc:
        print(exc)
        raise ValueError("bad") from exc
    except (TypeError, KeyError):
        return None
    else:
        print("no error")
    finally:
        print("cleanup")


def groups(items):
    try:
        raise ExceptionGroup("g", [ValueError(1), TypeError(2)])
    except* ValueError as eg:
        print("values", eg.exceptions)
    except* TypeError:
        print("types")


def managers(path):
    with open(path) as f, contextlib.suppress(OSError):
        data = f.read()
    with contextlib.ExitStack() as stack:
        for i in range(3):
            stack.callback(print, i)
            if i == 1:
                break
    return data


def loops(n):
    while True:
        try:
            n -= 1
            if n < 0:
                break
            continue
        finally:
            n = n
    assert n == -1, "countdown"
    raise
