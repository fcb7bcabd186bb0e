"""flypy's default case: two ways to build the list [0, 1, ..., n-1]."""


def with_loop(n):
    result = []
    for i in range(n):
        result.append(i)
    return result


def with_comprehension(n):
    return [i for i in range(n)]


if __name__ == "__main__":
    assert with_loop(1000) == with_comprehension(1000)
