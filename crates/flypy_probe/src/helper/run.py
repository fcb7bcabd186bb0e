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
        out.write(json.dumps(info))


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
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as e:
        report(channel, {"ending": "syntax-error", "type": type(e).__name__,
                         "message": str(e.msg), "line": e.lineno, "offset": e.offset})
        return 0
    counts = {}
    codes = preorder(code)
    stop = start_counting(count, codes, counts)
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


def instruction_counters(codes, counts):
    """Counters of executed instructions of `codes` in `counts`: a list per code object with a
    slot per byte offset, by the code object's id (the program's own code objects, not its file
    name: "-c" code and this helper are both "<string>"). Hashing a code object hashes its whole
    bytecode and constants (~220 us an event for a 20,000-line function, measured), so ids; the
    last code object's list is kept at hand. Returns the lists by id, and the count(code,
    offset) callback."""
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


def start_counting(how, codes, counts):
    """Starts counting executed instructions of `codes` (the program's code objects, see
    preorder); returns the stop."""
    if how in ("none", "adaptive"):
        return lambda: None
    if how == "settrace":
        own, bump = instruction_counters(codes, counts)

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
                sys.settrace(calls)
            return tracer

        sys.settrace(calls)
        return lambda: sys.settrace(None)
    if how == "monitoring":
        _, bump = instruction_counters(codes, counts)
        mon = sys.monitoring
        tool = mon.PROFILER_ID
        mon.use_tool_id(tool, "flypy")
        # RESUMEs get PY_START (a call starting) or PY_RESUME (a generator or coroutine
        # resuming) at their offset, never an INSTRUCTION event.
        starts = mon.events.PY_START | mon.events.PY_RESUME
        mon.register_callback(tool, mon.events.INSTRUCTION, bump)
        mon.register_callback(tool, mon.events.PY_START, bump)
        mon.register_callback(tool, mon.events.PY_RESUME, bump)
        for c in codes:
            mon.set_local_events(tool, c, mon.events.INSTRUCTION | starts)

        def stop():
            for c in codes:
                mon.set_local_events(tool, c, 0)
            mon.register_callback(tool, mon.events.INSTRUCTION, None)
            mon.register_callback(tool, mon.events.PY_START, None)
            mon.register_callback(tool, mon.events.PY_RESUME, None)
            mon.free_tool_id(tool)

        return stop
    if how == "edges":
        return start_edges(codes, counts)
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


def start_edges(codes, counts):
    """Counts control-flow events of `codes` into `counts`: for each kind of event, a list of
    counters per code object, one slot per byte offset (see edges_report). A callback does one
    list increment; the counters of the code object it saw last are kept at hand, so a loop's
    jump back costs no lookup. The branch of each FOR_ITER going on into the body is switched
    off where it fires (sys.monitoring.DISABLE): flypy derives a loop's iterations from its
    jump back, its entries and its exits.

    With a plan from flypy (flypy_bytecode::flow::plan: per code object, by pre-order index,
    the offsets whose JUMP, BRANCH (3.12-3.13), PY_RETURN/PY_YIELD and INSTRUCTION events to
    keep), every other such event of that code object is switched off where it first fires:
    its slot holds None instead of a count. Entries and exceptions are always counted."""
    mon = sys.monitoring
    ev = mon.events
    tool = mon.PROFILER_ID
    mon.use_tool_id(tool, "flypy")
    disable = mon.DISABLE
    import opcode
    for_iter = opcode.opmap["FOR_ITER"]
    tables = {}
    plan = edge_plan()
    planned = set()
    if plan is not None:
        planned = set(id(c) for i, c in enumerate(codes) if i in plan)

    def slots_of(kind, i, c):
        """Counters of `kind` for code object `c` (index `i`): None where the plan switches
        the event off."""
        if plan is None or i not in plan:
            return [0] * len(c.co_code)
        slots = [None] * len(c.co_code)
        for offset in plan[i].get(kind, ()):
            slots[offset] = 0
        return slots

    def counter(kind, arity=3, planned_kind=False):
        """A callback counting events of `kind` at their offset (the second argument); the
        events' callbacks take `arity` arguments (a fixed arity: *args would cost a tuple).
        With `planned_kind`, the plan says which offsets count; the others are switched off."""
        if planned_kind:
            table = tables[kind] = dict((id(c), slots_of(kind, i, c))
                                        for i, c in enumerate(codes))
        else:
            table = tables[kind] = dict((id(c), [0] * len(c.co_code)) for c in codes)
        last = [None, None]

        def count(code, offset, _id=id, _last=last, _table=table, _disable=disable):
            if code is _last[0]:
                slots = _last[1]
            else:
                slots = _table.get(_id(code))
                if slots is None:
                    return  # a global event of another code object
                _last[0], _last[1] = code, slots
            try:
                slots[offset] += 1
            except TypeError:  # None: switched off (a try costs nothing until it raises)
                return _disable

        def count3(code, offset, _, _id=id, _last=last, _table=table, _disable=disable):
            if code is _last[0]:
                slots = _last[1]
            else:
                slots = _table.get(_id(code))
                if slots is None:
                    return
                _last[0], _last[1] = code, slots
            try:
                slots[offset] += 1
            except TypeError:  # None: switched off (a try costs nothing until it raises)
                return _disable
        return count if arity == 2 else count3

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

    pop_iter = opcode.opmap.get("POP_ITER")

    def after_pop_iter(c):
        """Per byte offset of `c` (and two past its end): 1 right after a POP_ITER. From 3.14 a
        POP_ITER reports a BRANCH_RIGHT from the instruction before it to there, on behalf of a
        FOR_ITER's way out; when a jump reached the POP_ITER instead, that report repeats a
        departure already counted where it happened."""
        raw = bytearray(c.co_code)
        out = [0] * (len(raw) + 2)
        if pop_iter is not None:
            for k in range(0, len(raw), 2):
                if raw[k] == pop_iter:
                    out[k + 2] = 1
        return out

    split = hasattr(ev, "BRANCH_LEFT")

    def branch(departures, arrivals, skip_for_iter):
        """A callback counting a branch where it left (`departures`) and where it went
        (`arrivals`): flypy's flow needs only how much leaves each branch and how much arrives
        where. With `skip_for_iter`, a FOR_ITER's branch is switched off instead."""
        leave = tables[departures] = dict((id(c), [0] * len(c.co_code)) for c in codes)
        arrive = tables[arrivals] = dict((id(c), [0] * (len(c.co_code) + 2)) for c in codes)
        kinds = dict((id(c), branches_of(c, None if split else i)) for i, c in enumerate(codes))
        landings = dict((id(c), after_pop_iter(c)) for c in codes)
        last = [None, None, None, None, None]

        def count(code, src, dst, _id=id, _last=last, _leave=leave, _arrive=arrive,
                  _kinds=kinds, _landings=landings, _frame=sys._getframe):
            if code is _last[0]:
                out, into, kind, landing = _last[1], _last[2], _last[3], _last[4]
            else:
                k = _id(code)
                out, into, kind, landing = _leave[k], _arrive[k], _kinds[k], _landings[k]
                _last[0], _last[1], _last[2], _last[3], _last[4] = code, out, into, kind, landing
            if landing[dst] and kind[src] != 2:
                # Either a branch over a loop to the instruction after its POP_ITER, or that
                # POP_ITER repeating the jump that reached it (3.14+): the frame says which.
                frame = _frame(1)
                if frame.f_code is code and frame.f_lasti == dst - 2:
                    return None
            if kind[src] == 1:
                out[src] += 1
                into[dst] += 1
                return None
            if kind[src] == 2 and not skip_for_iter:
                # A FOR_ITER's way out (3.14+): its event names where the way ends (past
                # END_FOR and POP_ITER), not where it lands (POP_ITER); flypy knows where.
                out[src] += 1
                return None
            return disable
        return count

    def kept_branch():
        """3.12-3.13: a BRANCH callback counting where a conditional jump left and where it
        went, at the conditional jumps kept (the plan's, else every one); every other BRANCH
        (a FOR_ITER's) is switched off where it first fires (its slot holds None)."""
        leave = tables["branch"] = {}
        arrive = tables["arrive"] = {}
        for i, c in enumerate(codes):
            leave[id(c)] = [0 if k == 1 else None for k in branches_of(c, i)]
            arrive[id(c)] = [0] * (len(c.co_code) + 2)
        last = [None, None, None]

        def count(code, src, dst, _id=id, _last=last, _leave=leave, _arrive=arrive,
                  _disable=disable):
            if code is _last[0]:
                out, into = _last[1], _last[2]
            else:
                k = _id(code)
                out, into = _leave[k], _arrive[k]
                _last[0], _last[1], _last[2] = code, out, into
            try:
                out[src] += 1
            except TypeError:
                return _disable
            into[dst] += 1
        return count

    kinds = dict((id(c), branches_of(c)) for c in codes)
    count_left = counter("left", 2)

    def left(code, src, dst, _count=count_left, _kinds=kinds, _id=id):
        # 3.14+: the way on into a loop's body is switched off, the rest counted.
        if _kinds[_id(code)][src] != 1:
            return disable
        _count(code, src)

    raised, stopped = counter("raise", 2), counter("stop", 2)

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

    start = counter("start", 2)
    callbacks = [(ev.PY_START, start), (ev.PY_RESUME, start),
                 (ev.PY_RETURN, counter("exit", 3, True)),
                 (ev.JUMP, counter("jump", 3, True))]
    callbacks.append((ev.PY_YIELD, callbacks[2][1]))
    # INSTRUCTION events only where the plan places a counter: enabled for those code objects
    # and switched off at every other offset where they first fire.
    callbacks.append((ev.INSTRUCTION, counter("count", 2, True)))
    if hasattr(ev, "BRANCH_LEFT"):
        # 3.14+: the way on into the body ("left") is switched off at a FOR_ITER, the way out
        # ("right", once per loop) is counted.
        callbacks += [(ev.BRANCH_LEFT, left), (ev.BRANCH_RIGHT, branch("right", "arrive", False))]
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
        pairs = [[offset, n] for offset, n in enumerate(slots or ()) if n]
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
            for offset, n in enumerate(table[id(c)]):
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
