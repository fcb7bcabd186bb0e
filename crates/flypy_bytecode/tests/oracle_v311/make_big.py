"""Writes big_function.py: a function with more than 256 constants, names and locals and
jumps longer than 255 code units (EXTENDED_ARG), over 1000 lines and 10000 bytes of code so
the line-number and offset columns widen. Run: python3 make_big.py > big_function.py"""

N = 1100


def main():
    print("def big(flag):")
    for i in range(N):
        print(f"    v{i} = {i} + flag")
    print("    if flag:")
    for i in range(N):
        print(f"        g{i % 300} = v{i} * {i + 0.5}")
    print("    while flag:")
    print("        flag -= 1")
    for i in range(0, N, 3):
        print(f"        attr_{i} = flag.name_{i}")
    print("    return flag")
    print()
    print("x = big(0)")


if __name__ == "__main__":
    main()
