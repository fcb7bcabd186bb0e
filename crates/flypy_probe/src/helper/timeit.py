# flypy: time statements in this process, as the standard library's timeit does.
#   argv: CHANNEL SPEC_FILE [check]
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
# With `check`, nothing runs: the setup and each statement are only compiled, so that a
# mistake is reported before anything is measured ("checked", or the first syntax error with
# the other parts' in "others").
# Errors name the part they are in (the setup: "statement" null; else the statement's
# index) and the line within that part, never a line of the code timeit generates.
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


def running(channel, i):
    """Says which statement runs now, outside the timed loops: if it ends the process
    (os._exit, a crash), the report left behind names it. The final report replaces it."""
    report(channel, {"ending": "running", "statement": i})


# What compile() raises for code it cannot compile: SyntaxError (IndentationError, TabError);
# ValueError or TypeError for NUL bytes; RecursionError (a RuntimeError) or MemoryError for
# code nested too deeply; OverflowError for absurd literals.
CANNOT_COMPILE = (SyntaxError, ValueError, TypeError, OverflowError, MemoryError, RuntimeError)

# The file names the generated code is compiled under; a traceback frame in one of them is the
# user's code, at a line that `origin` maps back to the setup or the statement.
SETUP_FILE, STMT_FILE = "<flypy-setup>", "<flypy-stmt>"
TIMEIT_FILE = getattr(timeit, "dummy_src_name", "<timeit-src>")


def timeit_source(stmt, setup):
    """The function source timeit.Timer writes for stmt after setup (2.7's template is
    %-formatted, 3.x's str.format-ted)."""
    stmt, setup = timeit.reindent(stmt, 8), timeit.reindent(setup, 4)
    if "{stmt}" in timeit.template:
        return timeit.template.format(stmt=stmt, setup=setup, init="")
    return timeit.template % {"stmt": stmt, "setup": setup, "init": ""}


def lines(code):
    return code.count("\n") + 1


def origin(filename, lineno, setup, stmt, module_level):
    """(part, line, indent) of line `lineno` of generated code compiled as `filename`: part
    "setup" or "stmt", line the line number within it, indent the columns the generated code
    adds in front of it; None when the line is flypy's or timeit's own."""
    if lineno is None:
        return None
    if module_level:
        if filename == SETUP_FILE:
            return ("setup", lineno, 0)
        if filename == STMT_FILE and 2 <= lineno < 2 + lines(stmt):
            return ("stmt", lineno - 1, 4)
        return None
    if filename != TIMEIT_FILE:
        return None
    # Where each part lands, found from the template itself (it differs between versions):
    # one-line markers, then the setup's real length shifts the statement down.
    marked = timeit_source("#flypy-stmt", "#flypy-setup").split("\n")
    setup_at = [i for i, l in enumerate(marked) if "#flypy-setup" in l][0] + 1
    stmt_at = [i for i, l in enumerate(marked) if "#flypy-stmt" in l][0] + 1
    stmt_at += lines(setup) - 1
    if setup_at <= lineno < setup_at + lines(setup):
        return ("setup", lineno - setup_at + 1, 4)
    if stmt_at <= lineno < stmt_at + lines(stmt):
        return ("stmt", lineno - stmt_at + 1, 8)
    return None


def syntax_report(which, e, where=None):
    """The report of code that does not compile: which part (a statement's index, None for
    the setup), the error, and where in that part: the error's own line and column when the
    part was compiled alone; else `where`, from `origin` (no line when there is none: the
    generated code's line would point at nothing the user wrote)."""
    if where is True:
        line, offset = getattr(e, "lineno", None), getattr(e, "offset", None)
    elif where:
        line, offset = where[1], getattr(e, "offset", None)
        if isinstance(offset, int):
            offset = max(offset - where[2], 1)
    else:
        line, offset = None, None
    message = str(getattr(e, "msg", None) or e)
    if not message and isinstance(e, MemoryError):
        # 2.7's parser gives up on deep nesting with a bare MemoryError.
        message = "the parser ran out of memory (nested too deeply?)"
    return {"ending": "syntax-error", "statement": which, "type": type(e).__name__,
            "message": message, "line": line, "offset": offset}


def failures(statements, setup, module_level):
    """The reports of the parts that do not compile, the setup's first. The setup and each
    statement alone first (at module level, as timeit itself checks them), so that a mistake
    is blamed on the part that has it, at its own line; then, when the setup compiles, each
    statement that compiles alone as it is timed, together with the setup, a failure there
    mapped back to the part its line is in."""
    out = []
    for which, code in [(None, setup)] + list(enumerate(statements)):
        try:
            compile(code, SETUP_FILE if which is None else STMT_FILE, "exec", 0, True)
        except CANNOT_COMPILE as e:
            out.append(syntax_report(which, e, True))
    failed = set(r["statement"] for r in out)
    if None in failed:
        return out
    for i, stmt in enumerate(statements):
        if i in failed:
            continue
        try:
            runner(stmt, setup, module_level)
        except CANNOT_COMPILE as e:
            where = origin(getattr(e, "filename", None), getattr(e, "lineno", None), setup,
                           stmt, module_level)
            if where and where[0] == "setup":
                # The setup compiles alone, so this is the statement's doing (a `global`
                # after the setup binds the name, a `__future__` import after code).
                where = None
            out.append(syntax_report(i, e, where))
    return out


def runner(stmt, setup, module_level_):
    """A function timing `number` loops of stmt after setup (compiled now)."""
    if module_level_:
        return module_level(stmt, setup)
    inner = timeit.Timer(stmt, setup, timer=TIMER).inner
    return lambda number: inner(itertools.repeat(None, number), TIMER)


def user_traceback(e, tb, setup, stmt, index, module_level):
    """(part, text): where the exception came from ("setup" or "stmt", None if from neither)
    and its traceback from the first frame of the user's code on, the generated code's frames
    shown as `<setup>` or `<statement N>` (N = index + 1) at their own lines (flypy's and
    timeit's frames name nothing the user wrote)."""
    import traceback
    frames = traceback.extract_tb(tb)
    part, out = None, []
    for frame in frames:
        filename, lineno, name, line = tuple(frame)[:4]
        where = origin(filename, lineno, setup, stmt, module_level)
        if where is None and part is None:
            continue
        if where is not None:
            if part is None:
                part = where[0]
            code = setup if where[0] == "setup" else stmt
            own = code.split("\n")
            line = own[where[1] - 1] if where[1] <= len(own) else ""
            label = "<setup>" if where[0] == "setup" else "<statement %d>" % (index + 1)
            # The generated function itself (timeit's `inner`, or the module) is no name
            # the user gave; a function the user defined in their code is.
            named = "" if name in ("inner", "<module>") else ", in %s" % name
            out.append('  File "%s", line %d%s\n' % (label, where[1], named))
        else:
            out.append('  File "%s", line %d, in %s\n' % (filename, lineno, name))
        if line and line.strip():
            out.append("    %s\n" % line.strip())
    if part is None:
        return None, "".join(traceback.format_exception(type(e), e, tb))
    text = ["Traceback (most recent call last):\n"] + out
    text.extend(traceback.format_exception_only(type(e), e))
    return part, "".join(text)


def module_level(stmt, setup):
    """A function timing `number` loops of `stmt` run at module level (its names global),
    after `setup` at module level, in a fresh namespace."""
    body = "for _flypy_i in _flypy_it:\n" + "".join(
        "    " + line + "\n" for line in (stmt or "pass").splitlines()) + "    pass\n"
    setup_code = compile(setup or "pass", SETUP_FILE, "exec", 0, True)
    loop_code = compile(body, STMT_FILE, "exec", 0, True)

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
    statements = spec["statements"]
    level = spec.get("module_level")
    failed = failures(statements, setup, level)
    if failed:
        first = dict(failed[0])
        first["others"] = failed[1:]
        report(channel, first)
        return 0
    if sys.argv[3:] == ["check"]:
        report(channel, {"ending": "checked"})
        return 0
    runners = [timed(runner(stmt, setup, level)) for stmt in statements]
    loops = list(spec["loops"])
    results = [{"loops": 0, "warmups": [], "values": []} for _ in runners]
    current = 0
    try:
        for i in spec["order"]:
            current = i
            running(channel, i)
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
                running(channel, i)
                results[i]["values"].append(runners[i](loops[i]))
    except BaseException as e:  # the statement (or the setup before it) failed: say which
        part, traceback = user_traceback(e, sys.exc_info()[2], setup, statements[current],
                                         current, level)
        which = None if part == "setup" else current
        if isinstance(e, SystemExit):
            report(channel, {"ending": "exit", "statement": which,
                             "status": e.code if isinstance(e.code, int) else 1})
        else:
            report(channel, {"ending": "exception", "statement": which,
                             "type": type(e).__name__, "message": str(e),
                             "traceback": traceback})
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
