# flypy: time statements in this process, as the standard library's timeit does.
#   argv: CHANNEL SPEC_FILE
# SPEC_FILE holds JSON: {"statements": [...], "setup": "...", "module_level": false,
#   "loops": [n per statement, 0 = calibrate], "values": V, "warmups": W, "min_time": seconds,
#   "order": [statement indices, in the order to time them], "report_times": true}
# Each statement is compiled inside a function, exactly as timeit.Timer compiles it (the
# statement's names are that function's locals; setup runs in the same function before the
# timed loop), or, with module_level, as a loop at module level with the statement's names
# global. The garbage collector is off while a value is timed, as timeit does.
# Calibration (loops 0) doubles the loop count from 1 until one value takes min_time.
# The report is one line of JSON on CHANNEL: per statement, loops, warmup values and values,
# each the seconds of one whole value (all its loops), as time.perf_counter measures them
# (timeit's default timer on 2.7, which has no perf_counter). Runs under CPython 2.7 and 3.x.
import gc
import itertools
import json
import sys
import time
import timeit

# time.perf_counter from 3.3; CPython 2.7 has timeit's default timer (time.time on Linux).
TIMER = getattr(time, "perf_counter", None) or timeit.default_timer


def report(channel, info):
    with open(channel, "w") as out:
        out.write(json.dumps(info))


def module_level(stmt, setup):
    """A function timing `number` loops of `stmt` run at module level (its names global),
    after `setup` at module level, in a fresh namespace."""
    body = "for _flypy_i in _flypy_it:\n" + "".join(
        "    " + line + "\n" for line in (stmt or "pass").splitlines()) + "    pass\n"
    setup_code = compile(setup or "pass", "<flypy-setup>", "exec")
    loop_code = compile(body, "<flypy-stmt>", "exec")

    def run(number):
        ns = {"__name__": "__flypy_time__", "__builtins__": __builtins__}
        exec(setup_code, ns)
        ns["_flypy_it"] = itertools.repeat(None, number)
        timer = TIMER
        t0 = timer()
        exec(loop_code, ns)
        return timer() - t0
    return run


def timed(run):
    """`run` with the garbage collector off, as timeit.Timer.timeit does."""
    def value(number):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return run(number)
        finally:
            if enabled:
                gc.enable()
    return value


def main():
    channel, spec_file = sys.argv[1], sys.argv[2]
    # flypy writes UTF-8; open() would decode with the locale's encoding (ASCII under LANG=C
    # on 3.6, which coerces no locale to UTF-8).
    with open(spec_file, "rb") as f:
        spec = json.loads(f.read().decode("utf-8"))
    setup = spec.get("setup") or "pass"
    runners = []
    for i, stmt in enumerate(spec["statements"]):
        try:
            if spec.get("module_level"):
                run = module_level(stmt, setup)
            else:
                run = timeit.Timer(stmt, setup, timer=TIMER).inner
                run = (lambda inner: lambda number: inner(itertools.repeat(None, number),
                                                          TIMER))(run)
        except SyntaxError as e:
            report(channel, {"ending": "syntax-error", "statement": i, "message": str(e.msg),
                             "line": e.lineno, "offset": e.offset})
            return 0
        runners.append(timed(run))
    loops = list(spec["loops"])
    results = [{"loops": 0, "warmups": [], "values": []} for _ in runners]
    current = None
    try:
        for i in spec["order"]:
            current = i
            if not loops[i]:
                loops[i] = calibrate(runners[i], spec["min_time"])
            results[i]["loops"] = loops[i]
            for _ in range(spec["warmups"]):
                results[i]["warmups"].append(runners[i](loops[i]))
        # Values interleaved (ABAB..., not AA...BB...): what disturbs the machine for a
        # while disturbs every statement alike, and their ratio less.
        for _ in range(spec["values"]):
            for i in spec["order"]:
                current = i
                results[i]["values"].append(runners[i](loops[i]))
    except SystemExit as e:
        report(channel, {"ending": "exit", "statement": current,
                         "status": e.code if isinstance(e.code, int) else 1})
        return 0
    except BaseException as e:  # the statement failed; say how and which
        import traceback
        report(channel, {"ending": "exception", "statement": current,
                         "type": type(e).__name__, "message": str(e),
                         "traceback": traceback.format_exc()})
        return 0
    if not spec.get("report_times", True):
        # Under callgrind: the report's text must not depend on the times measured (a float's
        # repr costs a different number of instructions for different digits).
        for r in results:
            r["warmups"], r["values"] = [], []
        report(channel, {"ending": "finished", "results": results, "timer": ""})
        return 0
    if hasattr(time, "get_clock_info"):
        info = time.get_clock_info("perf_counter")
        timer = "%s, resolution %.0f ns" % (info.implementation, info.resolution * 1e9)
    else:
        timer = "time.time, the wall clock (gettimeofday, 1 us resolution; Python 2 has no " \
                "perf_counter)"
    report(channel, {"ending": "finished", "results": results, "timer": timer})
    return 0


def calibrate(value, min_time):
    """Loops for one value to take at least `min_time` seconds (doubling from 1)."""
    number = 1
    while True:
        if value(number) >= min_time or number >= 1 << 40:
            return number
        number *= 2


sys.exit(main())
