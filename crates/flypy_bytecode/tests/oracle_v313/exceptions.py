import contextlib


def handler(x):
    try:
        y = 1 / x
    except ZeroDivisionError as e:
        y = e
    except (TypeError, ValueError):
        raise
    else:
        y += 1
    finally:
        print("done")
    return y


def groups():
    try:
        raise ExceptionGroup("eg", [ValueError(1), TypeError(2)])
    except* ValueError as eg:
        print(eg)
    except* TypeError:
        pass


def withs(path):
    with open(path) as f, contextlib.suppress(OSError):
        data = f.read()
    with contextlib.nullcontext():
        return data


def loop_finally(items):
    for i in items:
        try:
            if i:
                continue
            break
        finally:
            print(i)
    else:
        return 0
    while True:
        try:
            return 1
        except Exception:
            pass


def reraise():
    try:
        pass
    except Exception as exc:
        raise RuntimeError("x") from exc
    assert reraise, "msg"
    del reraise
