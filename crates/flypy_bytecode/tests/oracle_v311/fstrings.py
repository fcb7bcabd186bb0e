name = "world"
width = 12
value = 3.14159
print(f"hello {name}!")
print(f"{name!r:>{width}} {value:.2f} {value!s} {value!a}")
print(f"{'nested ' + f'{name}'}")
print(f"{width=}, {value = :8.3f}")
msg = "a" "b" f"{name}" "c"
print(f"{{literal}} {name}")
