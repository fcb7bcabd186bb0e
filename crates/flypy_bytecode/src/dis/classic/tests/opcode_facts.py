# The opcode facts dis needs, as JSON on stdout: for building a throwaway table in tests.
# Runs under CPython 2.7 and 3.x.
import json
import opcode
import sys

flags = []
for op in range(256):
    f = 0
    if op >= opcode.HAVE_ARGUMENT:
        f |= 1
    for bit, group in ((2, "hasconst"), (4, "hasname"), (8, "hasjrel"), (16, "hasjabs"),
                       (32, "haslocal"), (64, "hasfree"), (128, "hascompare"), (256, "hasnargs")):
        if op in getattr(opcode, group, ()):
            f |= bit
    if opcode.opname[op] in opcode.opmap:
        f |= 1024
    flags.append(f)
json.dump({"opname": list(opcode.opname), "flags": flags,
           "have_argument": opcode.HAVE_ARGUMENT, "extended_arg": opcode.EXTENDED_ARG,
           "cmp_op": list(opcode.cmp_op)}, sys.stdout)
