# flypy: run the user's program in this process and report how it ended.
#   argv: CHANNEL MEMORY_LIMIT_BYTES (0: none) KIND (script|code) COUNT SOURCE_FILE [ARGS...]
# COUNT is "none", "settrace" (3.7+: opcode events) or "monitoring" (3.12+: INSTRUCTION
# events): every executed instruction of the program's own code objects is counted by
# (code object, byte offset), and the counts go into the report. "edges" (3.12+) counts only
# what moves control (sys.monitoring entries, jumps, branches, returns, yields, raises and
# handled exceptions); flypy derives every instruction's count from them on its own CFG. "adaptive" (3.11+) counts
# nothing (instrumentation would change what specializes) and reports each code object's
# quickened bytecode as the run left it.
# The report is one line of JSON written to CHANNEL, never to stdout, which belongs to the user's
# program. The source is read from a file; nothing of it is spliced into this helper.
# Runs under CPython 2.7 and 3.x, so it uses only what both have.
import json
import sys
import traceback


KEEP_ALIVE = []


def report(channel, info):
    with open(channel, "w") as out:
        out.write(json.dumps(valid_text(info)))


def valid_text(obj):
    """`obj` with every string valid Unicode, as a JSON reader requires: Python decodes a path's
    non-UTF-8 bytes to lone surrogates (surrogateescape), which become U+FFFD here."""
    if isinstance(obj, dict):
        return dict((k, valid_text(v)) for k, v in obj.items())
    if isinstance(obj, list):
        return [valid_text(v) for v in obj]
    if sys.version_info[0] >= 3 and isinstance(obj, str):
        try:
            obj.encode("utf-8")
        except UnicodeEncodeError:
            try:
                return obj.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            except UnicodeEncodeError:  # a surrogate that stands for no byte
                return obj.encode("utf-8", "replace").decode("utf-8")
    return obj


def main():
    channel, limit, kind, count, path = (sys.argv[1], int(sys.argv[2]), sys.argv[3],
                                         sys.argv[4], sys.argv[5])
    args = sys.argv[6:]
    # "module:NAME": a script run as a module of that name, not as __main__ (a dive's case
    # file, whose own `if __name__ == "__main__":` block must not run in the measured run).
    module_name = "__main__"
    if kind.startswith("module:"):
        module_name, kind = kind[len("module:"):], "script"
    if limit > 0:
        try:
            import resource
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ImportError, ValueError, OSError) as e:
            report(channel, {"ending": "setup", "detail": "memory limit: %s" % e})
            return 0
    with open(path, "rb") as f:
        source = f.read()
    filename = path if kind == "script" else "<string>"
    sys.argv = [path if kind == "script" else "-c"] + args
    if kind == "script":
        import os
        sys.path[0] = os.path.dirname(os.path.abspath(path))
    main_module = type(sys)(module_name)
    main_module.__dict__["__builtins__"] = __builtins__
    if kind == "script":
        main_module.__dict__["__file__"] = path
    # Keep this helper's own module alive to the end: Python 2 clears a freed module's
    # globals, and they include report() and sys.
    KEEP_ALIVE.append(sys.modules.get("__main__"))
    sys.modules["__main__"] = main_module
    sys.modules[module_name] = main_module
    ending = {"ending": "finished"}
    lines_of_string(source if kind == "code" else None)
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as e:
        report(channel, {"ending": "syntax-error", "type": type(e).__name__,
                         "message": str(e.msg), "line": e.lineno, "offset": e.offset})
        return 0
    counts = {}
    codes = preorder(code)
    tally, no_tally = load_tally(count)
    stop = start_counting(count, codes, counts, tally)
    try:
        try:
            exec(code, main_module.__dict__)
        finally:
            stop()
    except SystemExit as e:
        ending = {"ending": "exit", "status": exit_status(e.code)}
    except BaseException as e:  # the user's code failed; say how
        ending = {"ending": "exception", "type": type(e).__name__, "message": safe_str(e),
                  "traceback": user_traceback()}
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    if count in ("monitoring", "edges") and no_tally is not None:
        ending["tally"] = no_tally
    if "incomplete" in counts:
        ending["incomplete"] = counts["incomplete"]
    if count in ("settrace", "monitoring"):
        ending["counts"] = counts_report(counts, codes)
    elif count == "edges":
        ending["edges"] = edges_report(counts, codes)
    elif count == "adaptive":
        ending["adaptive"] = [
            {"index": i, "code": bytearray(getattr(c, "_co_code_adaptive", b"")).hex()}
            for i, c in enumerate(codes)]
    report(channel, ending)
    return 0


def lines_of_string(source):
    """From 3.13 `python -c` keeps its code's lines for tracebacks, as linecache's "<string>":
    this helper's own lines, here. Tracebacks of `-c` code show the program's lines, as Python's
    would (`source`); of other code named "<string>" (exec), none."""
    linecache = sys.modules.get("linecache")
    if linecache is None or sys.version_info < (3, 13):
        return
    linecache.cache.pop("<string>", None)
    if source is not None:
        text = source.decode("utf-8", "replace")
        linecache.cache["<string>"] = (len(text), None,
                                       [line + "\n" for line in text.splitlines()], "<string>")


def safe_str(e):
    """str(e) as Python's traceback prints it: an exception whose __str__ fails is
    "<exception str() failed>" (3.x; 2.7 says "<unprintable X object>")."""
    try:
        return str(e)
    except BaseException:
        return "<exception str() failed>"


def user_traceback():
    """The traceback of the exception being handled, without this helper's own frames (the
    user's program starts at its first frame, as when Python runs it directly)."""
    etype, value, tb = sys.exc_info()
    own = globals()
    while tb is not None and tb.tb_frame.f_globals is own:
        tb = tb.tb_next
    try:
        return "".join(traceback.format_exception(etype, value, tb))
    except BaseException:
        return "%s: %s\n" % (etype.__name__, safe_str(value))


def exit_status(code):
    """The exit status CPython gives `sys.exit(code)` (pythonrun.c, _Py_HandleSystemExit): None
    is 0; an int (a bool too: False is 0) is read as a C long and cast to int, and one out of
    a long's range is -1; anything else is printed to stderr and the status is 1. (2.7 takes
    only `int`, so a `long` is printed, as there.)"""
    if code is None:
        return 0
    if isinstance(code, int):
        code = int(code)
        if not -(1 << 63) <= code < (1 << 63):
            return -1
        return ((code + (1 << 31)) % (1 << 32)) - (1 << 31)
    try:
        text = str(code)
    except Exception:
        text = ""  # CPython clears the error and writes just the newline
    sys.stderr.write("%s\n" % (text,))
    return 1


def load_tally(count):
    """flypy's C counting callbacks (helper/tally.c, 3.12+), loaded from the file named by
    FLYPY_TALLY, as (tally, None); or (None, why not). The variable is removed, so the program
    does not see it, and so is the module from sys.modules. Counting `count` ("none" and
    "adaptive" count nothing) needs it."""
    import os
    path = os.environ.pop("FLYPY_TALLY", None)
    if count in ("none", "adaptive"):
        return None, None
    if sys.version_info < (3, 12):
        return None, "needs 3.12+"
    if not path:
        return None, "not given"
    if path == "off":
        return None, "switched off by FLYPY_TALLY=off"
    flags = getattr(sys, "abiflags", "")
    if "d" in flags or "t" in flags:
        # Built for the stable ABI of a GIL, non-debug build: its layouts differ.
        return None, "a debug or free-threaded build (abiflags %r)" % flags
    try:
        from importlib.machinery import ExtensionFileLoader, ModuleSpec
        loader = ExtensionFileLoader("_flypy_tally", path)
        module = loader.create_module(ModuleSpec("_flypy_tally", loader, origin=path))
        loader.exec_module(module)
        return module.tally, None
    except Exception as e:
        return None, "%s: %s" % (type(e).__name__, safe_str(e))
    finally:
        sys.modules.pop("_flypy_tally", None)


def int64s(n, counting=True):
    """`n` counters for a tally: native int64s in a bytearray, 0 (counting) or -1 (switched off:
    the callback returns DISABLE there)."""
    return bytearray(8 * n) if counting else bytearray(b"\xff" * (8 * n))


def counter_values(counters):
    """A table's counters as a list of ints (a switched-off slot is 0)."""
    if isinstance(counters, bytearray):
        return [n if n > 0 else 0 for n in memoryview(counters).cast("q").tolist()]
    return [n or 0 for n in counters]


def python_tally(mode, entries, disable, guard):
    """What tally.c's tally() does, in Python: when the C callbacks cannot be loaded. `entries`
    is a list of (code, counters...) tuples; see tally.c for the modes."""
    views = dict((id(e[0]), tuple(memoryview(x).cast("q") if isinstance(x, bytearray) else x
                                  for x in e[1:]) + (None,) * (5 - len(e))) for e in entries)
    last = [None, None]

    def find(code, _id=id, _last=last, _views=views):
        if code is _last[0]:
            return _last[1]
        v = _views.get(_id(code))
        if v is not None:
            _last[0], _last[1] = code, v
        return v

    if mode == 0:
        # The lookup written out, not find(): one Python call an event, not two (this also
        # counts every opcode event of settrace counting, 3.7-3.11).
        def count(code, offset, _=None, _id=id, _last=last, _views=views, _disable=disable):
            if code is _last[0]:
                slots = _last[1][0]
            else:
                v = _views.get(_id(code))
                if v is None:
                    return None
                _last[0], _last[1] = code, v
                slots = v[0]
            n = slots[offset]
            if n < 0:
                return _disable
            slots[offset] = n + 1
        return count

    def branch(code, src, dst, _find=find, _disable=disable):
        v = _find(code)
        if v is None:
            return None
        leave, arrive, flags, landing = v
        arrives = not (flags is not None and src < len(flags) and flags[src] & 1)
        if (arrives and guard is not None and landing is not None and dst < len(landing)
                and landing[dst] and guard(code, src, dst, 2)):
            return None
        n = leave[src]
        if n < 0:
            return _disable
        leave[src] = n + 1
        if arrives and dst < len(arrive):
            arrive[dst] += 1
    return branch


def instruction_counters(codes, counts, tally=None):
    """Counters of executed instructions of `codes` in `counts`: a list per code object with a
    slot per byte offset, by the code object's id (the program's own code objects, not its file
    name: "-c" code and this helper are both "<string>"). Hashing a code object hashes its whole
    bytecode and constants (~220 us an event for a 20,000-line function, measured), so ids; the
    last code object's list is kept at hand. With flypy's C `tally`, its counters and its
    callback instead. Returns the counters by id, and the count(code, offset) callback. (Not
    python_tally: this bump, without its switched-off check, costs ~7% fewer machine
    instructions for settrace counting on 3.11, measured with bench/trace_overhead.)"""
    if tally is not None:
        slots_of = counts["slots"] = dict((id(c), int64s(len(c.co_code) + 2)) for c in codes)
        return slots_of, tally(0, [(c, slots_of[id(c)]) for c in codes], None, None)
    slots_of = counts["slots"] = dict((id(c), [0] * (len(c.co_code) + 2)) for c in codes)
    last = [None, None]

    def bump(code, offset, _id=id, _last=last, _slots=slots_of):
        if code is _last[0]:
            slots = _last[1]
        else:
            slots = _slots.get(_id(code))
            if slots is None:
                return
            _last[0], _last[1] = code, slots
        slots[offset] += 1
    return slots_of, bump


TOOL = 4


def own_tool():
    """The sys.monitoring tool id flypy counts with, taken: 4, one of the two ids Python leaves
    for general use (a program profiling itself with cProfile takes PROFILER_ID, 2, from
    3.12)."""
    sys.monitoring.use_tool_id(TOOL, "flypy")
    return TOOL


def still_own(tool, counts):
    """Whether flypy's tool id is still flypy's at the end. A program that freed it (or, 3.14+,
    cleared it) stopped the counting there: the counts are incomplete, and what is left of the
    tool is the program's business."""
    if sys.monitoring.get_tool(tool) == "flypy":
        return True
    counts.setdefault("incomplete", "the program freed sys.monitoring tool %d, which flypy "
                      "counted with" % tool)
    return False


def watch_settrace(counts, why, any_call):
    """Notes in `counts` when the program calls sys.settrace (with `any_call`; else only to set
    a tracer): `why` the counts are then incomplete. Returns what puts sys.settrace back."""
    real = sys.settrace

    def settrace(function):
        if any_call or function is not None:
            counts.setdefault("incomplete", "the program called sys.settrace: " + why)
        return real(function)
    settrace.__doc__ = real.__doc__
    sys.settrace = settrace

    def unwatch():
        if sys.settrace is settrace:
            sys.settrace = real
    return unwatch


def start_counting(how, codes, counts, tally):
    """Starts counting executed instructions of `codes` (the program's code objects, see
    preorder), with flypy's C `tally` when there is one (see load_tally); returns the stop."""
    if how in ("none", "adaptive"):
        return lambda: None
    if how == "settrace":
        own, bump = instruction_counters(codes, counts, tally)

        def local(frame, event, arg, _bump=bump):
            if event == "opcode":
                _bump(frame.f_code, frame.f_lasti)
            return local

        resume = resume_opcode()

        def calls(frame, event, arg, _id=id):
            if _id(frame.f_code) not in own:
                return None
            # Every RESUME (a call starting, a generator resuming) raises this event with
            # f_lasti on it and gets no opcode event of its own (3.11-3.15, measured). But from
            # 3.13 throw() and close() raise it too with f_lasti on the RESUME after the yield,
            # and enter the frame past it, raising at once (ceval.c 3.12+: the throwflag path
            # "avoids the RESUME"; measured: sys.monitoring reports no PY_RESUME there). So the
            # RESUME counts once the frame's first event shows it ran: anything but that
            # exception.
            tracer = local
            if resume is not None and is_resume(frame.f_code, frame.f_lasti, resume):
                code, offset = frame.f_code, frame.f_lasti

                def first(frame, event, arg):
                    if event != "exception":
                        bump(code, offset)
                    frame.f_trace = local
                    return local(frame, event, arg)
                tracer = first
            # From 3.13, f_trace_opcodes only takes effect on a frame that already has its
            # local trace function (measured: otherwise no or too few opcode events).
            frame.f_trace = tracer
            frame.f_trace_opcodes = True
            if sys.version_info >= (3, 12):
                # 3.12.1 only notices f_trace_opcodes set in a callback once settrace is
                # called again (cpython#103615).
                settrace(calls)
            return tracer

        settrace = sys.settrace
        settrace(calls)
        unwatch = watch_settrace(counts, "it replaces flypy's tracer", True)

        def stop():
            unwatch()
            settrace(None)
        return stop
    if how == "monitoring":
        _, bump = instruction_counters(codes, counts, tally)
        mon = sys.monitoring
        tool = own_tool()
        unwatch = watch_settrace(counts, "a tracer stops sys.monitoring's INSTRUCTION events "
                                 "for good (measured on 3.12-3.14)", False)
        # RESUMEs get PY_START (a call starting) or PY_RESUME (a generator or coroutine
        # resuming) at their offset, never an INSTRUCTION event.
        starts = mon.events.PY_START | mon.events.PY_RESUME
        mon.register_callback(tool, mon.events.INSTRUCTION, bump)
        mon.register_callback(tool, mon.events.PY_START, bump)
        mon.register_callback(tool, mon.events.PY_RESUME, bump)
        for c in codes:
            mon.set_local_events(tool, c, mon.events.INSTRUCTION | starts)

        def stop():
            unwatch()
            if still_own(tool, counts):
                for c in codes:
                    mon.set_local_events(tool, c, 0)
                mon.register_callback(tool, mon.events.INSTRUCTION, None)
                mon.register_callback(tool, mon.events.PY_START, None)
                mon.register_callback(tool, mon.events.PY_RESUME, None)
                mon.free_tool_id(tool)

        return stop
    if how == "edges":
        return start_edges(codes, counts, tally)
    raise ValueError("unknown counting method %r" % how)


def edge_plan():
    """The plan flypy passed (see start_edges), or None; its variable is removed, so the
    program does not see it."""
    import os
    path = os.environ.pop("FLYPY_EDGE_PLAN", None)
    if not path:
        return None
    with open(path) as f:
        return dict((int(i), p) for i, p in json.load(f).items())


def start_edges(codes, counts, tally):
    """Counts control-flow events of `codes` into `counts`: for each kind of event, counters
    per code object, one slot per byte offset (see edges_report), kept by a tally callback
    (flypy's C one when loaded, else python_tally): one increment an event, the counters of the
    code object it saw last at hand, so a loop's jump back costs no lookup. The branch of each
    FOR_ITER going on into the body is switched off where it fires (sys.monitoring.DISABLE):
    flypy derives a loop's iterations from its jump back, its entries and its exits.

    With a plan from flypy (flypy_bytecode::flow::plan: per code object, by pre-order index,
    the offsets whose JUMP, BRANCH (3.12-3.13), PY_RETURN/PY_YIELD and INSTRUCTION events to
    keep), every other such event of that code object is switched off where it first fires:
    its slot holds -1 instead of a count. Entries and exceptions are always counted."""
    mon = sys.monitoring
    ev = mon.events
    tool = own_tool()
    disable = mon.DISABLE
    if tally is None:
        tally = python_tally
    import opcode
    for_iter = opcode.opmap["FOR_ITER"]
    tables = {}
    plan = edge_plan()
    planned = set()
    if plan is not None:
        planned = set(id(c) for i, c in enumerate(codes) if i in plan)

    def slots_of(kind, i, c):
        """Counters of `kind` for code object `c` (index `i`): -1 where the plan switches the
        event off."""
        if plan is None or i not in plan:
            return int64s(len(c.co_code))
        slots = int64s(len(c.co_code), False)
        view = memoryview(slots).cast("q")
        for offset in plan[i].get(kind, ()):
            view[offset] = 0
        return slots

    def counter(kind, planned_kind=False):
        """A callback counting events of `kind` at their offset (the second argument). With
        `planned_kind`, the plan says which offsets count; the others are switched off."""
        table = tables[kind] = dict(
            (id(c), slots_of(kind, i, c) if planned_kind else int64s(len(c.co_code)))
            for i, c in enumerate(codes))
        return tally(0, [(c, table[id(c)]) for c in codes], disable, None)

    conditional = set(opcode.opmap[name] for name in (
        "POP_JUMP_IF_FALSE", "POP_JUMP_IF_TRUE", "POP_JUMP_IF_NONE", "POP_JUMP_IF_NOT_NONE"))

    def branches_of(c, i=None):
        """Per byte offset of `c`: 1 at a conditional jump, 2 at a FOR_ITER, else 0. Other
        instructions' branch events (3.14's END_ASYNC_FOR reports one from its END_SEND) are
        switched off: flypy's flow derives them. With a plan for `c` (index `i`, 3.12-3.13),
        a conditional jump it does not keep is 0 too."""
        raw = bytearray(c.co_code)
        out = [0 if k % 2 else 1 if raw[k] in conditional else 2 if raw[k] == for_iter else 0
               for k in range(len(raw))]
        if i is not None and plan is not None and i in plan:
            keep = set(plan[i].get("branch", ()))
            for k in range(0, len(raw), 2):
                if out[k] == 1 and k not in keep:
                    out[k] = 0
        return out

    def departures(kinds, counted):
        """Counters by departure offset: 0 where `kinds` (see branches_of) is in `counted`,
        else -1 (switched off)."""
        slots = int64s(len(kinds), False)
        view = memoryview(slots).cast("q")
        for k, kind in enumerate(kinds):
            if kind in counted:
                view[k] = 0
        return slots

    pop_iter = opcode.opmap.get("POP_ITER")

    def after_pop_iter(c):
        """Per byte offset of `c` (and two past its end): 1 right after a POP_ITER. From 3.14 a
        POP_ITER reports a BRANCH_RIGHT from the instruction before it to there, on behalf of a
        FOR_ITER's way out; when a jump reached the POP_ITER instead, that report repeats a
        departure already counted where it happened."""
        raw = bytearray(c.co_code)
        out = bytearray(len(raw) + 2)
        if pop_iter is not None:
            for k in range(0, len(raw), 2):
                if raw[k] == pop_iter:
                    out[k + 2] = 1
        return bytes(out)

    def repeated(code, src, dst, depth=1, _frame=sys._getframe):
        """Whether a 3.14+ branch event to right after a POP_ITER is that POP_ITER repeating
        the jump that reached it (the frame is on the POP_ITER), not a branch over a loop to
        the same place. `depth`: frames between this and the program's (1 from C)."""
        frame = _frame(depth)
        return frame.f_code is code and frame.f_lasti == dst - 2

    split = hasattr(ev, "BRANCH_LEFT")

    def right():
        """3.14+: a BRANCH_RIGHT callback counting a conditional jump where it left ("right")
        and where it went ("arrive"), and a FOR_ITER's way out where it left only (its event
        names where the way ends, past END_FOR and POP_ITER, not where it lands, POP_ITER;
        flypy knows where); every other branch event is switched off. flypy's flow needs only
        how much leaves each branch and how much arrives where."""
        leave, arrive = tables["right"], tables["arrive"] = {}, {}
        entries = []
        for c in codes:
            kinds = branches_of(c)
            leave[id(c)] = departures(kinds, (1, 2))
            arrive[id(c)] = int64s(len(c.co_code) + 2)
            for_iters = bytes(bytearray(1 if k == 2 else 0 for k in kinds))
            entries.append((c, leave[id(c)], arrive[id(c)], for_iters, after_pop_iter(c)))
        return tally(1, entries, disable, repeated)

    def kept_branch():
        """3.12-3.13: a BRANCH callback counting where a conditional jump left and where it
        went, at the conditional jumps kept (the plan's, else every one); every other BRANCH
        (a FOR_ITER's) is switched off where it first fires."""
        leave, arrive = tables["branch"], tables["arrive"] = {}, {}
        for i, c in enumerate(codes):
            leave[id(c)] = departures(branches_of(c, i), (1,))
            arrive[id(c)] = int64s(len(c.co_code) + 2)
        return tally(1, [(c, leave[id(c)], arrive[id(c)]) for c in codes], disable, None)

    def left():
        """3.14+: BRANCH_LEFT counted at conditional jumps; a FOR_ITER's way on into its loop's
        body (and anything else) is switched off."""
        table = tables["left"] = dict((id(c), departures(branches_of(c), (1,))) for c in codes)
        return tally(0, [(c, table[id(c)]) for c in codes], disable, None)

    raised, stopped = counter("raise"), counter("stop")

    lost = counts["lost"] = []

    def on_raise(code, offset, exc, _frame=sys._getframe):
        # The event's offset is a code unit off on some versions (3.13: the unit before a CALL
        # whose callee raised, the cache after a BINARY_OP); the frame's f_lasti is the
        # instruction that raised (or one of its caches).
        frame = _frame(1)
        if frame.f_code is code:
            offset = frame.f_lasti
        if isinstance(exc, StopIteration):
            stopped(code, offset)
        else:
            raised(code, offset)
            if isinstance(exc, RecursionError):
                # At the recursion limit the callbacks themselves cannot run (3.12: a RAISE
                # went uncounted, test_exceptions), and with exits derived the loss would go
                # unseen: flypy refuses to derive.
                lost.append(1)

    start = counter("start")
    callbacks = [(ev.PY_START, start), (ev.PY_RESUME, start),
                 (ev.PY_RETURN, counter("exit", True)),
                 (ev.JUMP, counter("jump", True))]
    callbacks.append((ev.PY_YIELD, callbacks[2][1]))
    # INSTRUCTION events only where the plan places a counter: enabled for those code objects
    # and switched off at every other offset where they first fire.
    callbacks.append((ev.INSTRUCTION, counter("count", True)))
    if split:
        # 3.14+: the way on into the body ("left") is switched off at a FOR_ITER, the way out
        # ("right", once per loop) is counted.
        callbacks += [(ev.BRANCH_LEFT, left()), (ev.BRANCH_RIGHT, right())]
    else:
        callbacks.append((ev.BRANCH, kept_branch()))
    local = 0
    for e, f in callbacks:
        mon.register_callback(tool, e, f)
        local |= e
    # Exception events can only be watched globally; they are rare, and those of other code
    # objects are dropped by the callbacks.
    rare = [(ev.RAISE, on_raise), (ev.RERAISE, counter("reraise")),
            (ev.PY_THROW, counter("throw")), (ev.EXCEPTION_HANDLED, counter("handled"))]
    watched = 0
    for e, f in rare:
        mon.register_callback(tool, e, f)
        watched |= e
    local &= ~ev.INSTRUCTION
    for i, c in enumerate(codes):
        if plan is not None and plan.get(i, {}).get("count"):
            mon.set_local_events(tool, c, local | ev.INSTRUCTION)
        else:
            mon.set_local_events(tool, c, local)
    mon.set_events(tool, watched)
    counts["tables"] = tables
    counts["planned"] = planned

    def stop():
        if not still_own(tool, counts):
            return
        mon.set_events(tool, 0)
        for c in codes:
            mon.set_local_events(tool, c, 0)
        for e, _ in callbacks + rare:
            mon.register_callback(tool, e, None)
        mon.free_tool_id(tool)

    return stop


def resume_opcode():
    """RESUME's opcode (3.11+), else None."""
    try:
        import opcode
        return opcode.opmap.get("RESUME")
    except ImportError:
        return None


def is_resume(code, offset, resume):
    """Whether the instruction at `offset` is a RESUME."""
    raw = code.co_code
    return 0 <= offset < len(raw) and raw[offset] == resume


def preorder(code):
    """`code` then, depth first in co_consts order, every code object nested in it: the
    order flypy walks the same tree in, so a code object's index identifies it exactly."""
    found, stack = [], [code]
    while stack:
        c = stack.pop()
        found.append(c)
        stack.extend(reversed([k for k in c.co_consts if isinstance(k, type(code))]))
    return found


def counts_report(counts, codes):
    """The counts by code object (those that ran), with what identifies a code object."""
    slots_of = counts.get("slots", {})
    out = []
    for i, c in enumerate(codes):
        slots = slots_of.get(id(c))
        pairs = [[offset, n] for offset, n in enumerate(counter_values(slots or ())) if n]
        if pairs:
            out.append({"index": i, "filename": c.co_filename, "name": c.co_name,
                        "qualname": getattr(c, "co_qualname", None),
                        "firstlineno": c.co_firstlineno, "counts": pairs})
    return out


def edges_report(counts, codes):
    """The events counted by start_edges, by code object: [kind, offset, times] for every
    offset with a count. (For "arrive", the offset is where a branch went.)"""
    out = []
    for i, c in enumerate(codes):
        events = []
        for kind, table in sorted(counts.get("tables", {}).items()):
            for offset, n in enumerate(counter_values(table[id(c)])):
                if n:
                    events.append([kind, offset, n])
        if events and id(c) in counts.get("planned", ()):
            events.append(["planned", 0, 1])
        if events and counts.get("lost"):
            events.append(["lost", 0, 1])
        if events:
            out.append({"index": i, "filename": c.co_filename, "name": c.co_name,
                        "qualname": getattr(c, "co_qualname", None),
                        "firstlineno": c.co_firstlineno, "events": events})
    return out


sys.exit(main())
