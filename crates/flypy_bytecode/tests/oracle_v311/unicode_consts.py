# -*- coding: utf-8 -*-
greeting = "héllo wörld — ☃ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
escapes = "tab\tnew\nnull\x00bell\x07 quote' dq\" back\\"
lone = "\ud800\udfff"
raw = b"\x00\xff bytes 'quoted'"
mixed = ("é", b"e", 1.5, -0.0, 1e300, float("inf"), 3 + 4j, 10**40, -(2**63))
nested = ((1, ("a", None)), frozenset(), ..., True)
if greeting in {"a", "b", "c"}:
    pass
for ch in "αβγ":
    print(ch, "\u200b", "\U0001f600")
numbers = [0x7FFFFFFF, -0x80000000, 2**31, 1.0e-310, 0.1]
