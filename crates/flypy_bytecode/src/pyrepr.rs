//! Python's own `repr` of constants, per version (str, bytes, int, float, complex, tuple, frozenset, code).
