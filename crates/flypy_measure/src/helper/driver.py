if __name__ == "__flypy_case__":
    # flypy's driver, appended to the case module. It runs only when flypy runs the module as
    # __flypy_case__ (the timing and callgrind workers import it as flypy_case, so it stays out
    # of what they measure). Runs under CPython 2.7 and 3.x.
    #   argv: list - REPORT   what the variants are, how setup()'s data is passed to each, one
    #                         call of each (their results, and whether it changed its input),
    #                         ITERATIONS; as JSON in REPORT
    #         CALLS NAMES     each variant (comma-separated NAMES) called CALLS times (counted
    #                         and warming runs)
    def _flypy_unwrap(f):
        # A variant behind a functools.wraps decorator is called through the decorator, but
        # its own code is what flypy shows and counts.
        for _ in range(100):
            if not hasattr(f, "__wrapped__"):
                break
            f = f.__wrapped__
        return f

    def _flypy_arguments(f, kw):
        """How setup()'s dict `kw` is passed to f: positionally while each parameter in turn
        is in it, by keyword after one left to its default (keyword-only ones by keyword);
        and the required parameters it lacks."""
        f = _flypy_unwrap(f)
        code = f.__code__
        n = code.co_argcount
        posonly = getattr(code, "co_posonlyargcount", 0)
        kwonly = getattr(code, "co_kwonlyargcount", 0)
        defaults = getattr(f, "__defaults__", None) or ()
        kwdefaults = getattr(f, "__kwdefaults__", None) or {}
        positional, keyword, missing = [], [], []
        gap = False
        for k, p in enumerate(code.co_varnames[:n + kwonly]):
            if p in kw:
                if k < n and not gap:
                    positional.append(p)
                elif k >= posonly:
                    keyword.append(p)
                # (a positional-only one after a defaulted one keeps its default too)
            elif (k >= n - len(defaults)) if k < n else (p in kwdefaults):
                gap = gap or k < n
            else:
                missing.append(p)
        return positional, keyword, missing

    def _flypy_call(name, f, kw, calls):
        positional, keyword, _ = _flypy_arguments(f, kw)
        args = [kw[p] for p in positional]
        kwargs = dict((p, kw[p]) for p in keyword)
        r = None
        try:
            for _ in range(calls):
                r = f(*args, **kwargs)
        except SystemExit as e:
            # Whatever the status (0 included), a variant that exits cannot be measured.
            raise RuntimeError("%s called sys.exit(%r); a variant must return a value"
                               % (name, e.code))
        return r

    def _flypy_groups(results):
        # Variants whose results are equal (==), as groups of indexes; a comparison that
        # raises or does not give a truth value counts as different.
        groups = []
        for k, r in enumerate(results):
            for group in groups:
                try:
                    same = bool(results[group[0]] == r)
                except Exception:
                    same = False
                if same:
                    group.append(k)
                    break
            else:
                groups.append([k])
        return groups

    def _flypy_snapshot(value):
        # A deep copy that equals the original (in a 1-tuple), or None when the value cannot
        # be copied or compared: then whether a variant changes it is not checked.
        import copy
        try:
            c = copy.deepcopy(value)
            return (c,) if bool(c == value) else None
        except Exception:
            return None

    def _flypy_list(g, kw, report):
        import binascii
        import json
        import sys
        names = list(g) if sys.version_info >= (3, 6) else sorted(g)
        found = []
        codes = {}
        problems = False
        for name in names:
            if not name.startswith("variant_"):
                continue
            obj = g[name]
            v = {"name": name}
            code = getattr(_flypy_unwrap(obj), "__code__", None)
            if isinstance(obj, type) or type(obj).__name__ == "classobj":
                v["kind"] = "class"
            elif code is None or not callable(obj) or hasattr(obj, "__func__"):
                # (a bound method or a staticmethod object: its parameters are not the code's)
                v["kind"] = "other"
                v["type"] = type(obj).__name__
            else:
                positional, keyword, missing = _flypy_arguments(obj, kw)
                v.update(kind="function", code_name=code.co_name, line=code.co_firstlineno,
                         file=code.co_filename,
                         code=binascii.hexlify(code.co_code).decode("ascii"),
                         positional=positional, keyword=keyword, missing=missing,
                         same_as=codes.get(id(code)))
                codes.setdefault(id(code), name)
                problems = problems or bool(missing) or v["same_as"] is not None
            problems = problems or v["kind"] != "function"
            found.append(v)
        # In the order they are defined (2.7's globals have none).
        found.sort(key=lambda v: v.get("line", 0))
        out = {"variants": found}
        if "ITERATIONS" in g:
            it = g["ITERATIONS"]
            out["iterations"] = {"repr": repr(it)[:80], "type": type(it).__name__,
                                 # (type(1 << 100) is 2.7's long)
                                 "int": isinstance(it, (int, type(1 << 100)))
                                 and not isinstance(it, bool)}
            if out["iterations"]["int"]:
                out["iterations"]["value"] = it
        if not problems:
            # One call of each, in order: the results compared, and whether the call changed
            # setup()'s data (then the calls after the first get other data than the first).
            snapshots = dict((p, _flypy_snapshot(x)) for p, x in kw.items())
            results = []
            for v in found:
                results.append(_flypy_call(v["name"], g[v["name"]], kw, 1))
                v["changes"] = []
                for p in v["positional"] + v["keyword"]:
                    before = snapshots.get(p)
                    if before is None:
                        continue
                    try:
                        same = bool(kw[p] == before[0])
                    except Exception:
                        same = True
                    if not same:
                        v["changes"].append(p)
                        snapshots[p] = _flypy_snapshot(kw[p])
            out["groups"] = _flypy_groups(results)
        with open(report, "w") as f:
            f.write(json.dumps(out))

    def _flypy_drive():
        import sys
        g = globals()
        kw = g["setup"]() if "setup" in g else {}
        if not isinstance(kw, dict):
            raise TypeError("setup() must return a dict of the variants' arguments, not %s"
                            % type(kw).__name__)
        if sys.argv[1] == "list":
            _flypy_list(g, kw, sys.argv[3])
            return
        calls = int(sys.argv[1])
        for name in sys.argv[2].split(","):
            _flypy_call(name, g[name], kw, calls)
    _flypy_drive()
