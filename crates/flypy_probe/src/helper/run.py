# flypy: run the user's program in this process and report how it ended.
#   argv: CHANNEL MEMORY_LIMIT_BYTES (0: none) KIND (script|code) COUNT SOURCE_FILE [ARGS...]
# COUNT is "none", "settrace" (3.7+: opcode events) or "monitoring" (3.12+: INSTRUCTION
# events): every executed instruction of the program's own code objects is counted by
# (code object, byte offset), and the counts go into the report. "adaptive" (3.11+) counts
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
    main_module = type(sys)("__main__")
    main_module.__dict__["__builtins__"] = __builtins__
    if kind == "script":
        main_module.__dict__["__file__"] = path
    # Keep this helper's own module alive to the end: Python 2 clears a freed module's
    # globals, and they include report() and sys.
    KEEP_ALIVE.append(sys.modules.get("__main__"))
    sys.modules["__main__"] = main_module
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
        status = e.code
        if status is None:
            status = 0
        elif not isinstance(status, int):
            # sys.exit("message") prints the message and exits with 1.
            sys.stderr.write("%s\n" % (status,))
            status = 1
        ending = {"ending": "exit", "status": status}
    except BaseException as e:  # the user's code failed; say how
        ending = {"ending": "exception", "type": type(e).__name__, "message": str(e),
                  "traceback": traceback.format_exc()}
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    if count in ("settrace", "monitoring"):
        ending["counts"] = counts_report(counts, codes)
    elif count == "adaptive":
        ending["adaptive"] = [
            {"index": i, "code": bytearray(getattr(c, "_co_code_adaptive", b"")).hex()}
            for i, c in enumerate(codes)]
    report(channel, ending)
    return 0


def start_counting(how, codes, counts):
    """Starts counting executed instructions of `codes` (the program's code objects, see
    preorder); returns the stop."""
    if how in ("none", "adaptive"):
        return lambda: None
    if how == "settrace":
        # The program's own code objects, not its file name: "-c" code and this helper are
        # both "<string>".
        own = set(codes)

        def local(frame, event, arg):
            if event == "opcode":
                key = (frame.f_code, frame.f_lasti)
                counts[key] = counts.get(key, 0) + 1
            return local

        resume = resume_opcode()

        def calls(frame, event, arg):
            if frame.f_code not in own:
                return None
            # Every RESUME (a call starting, a generator resuming) raises this event with
            # f_lasti on it and gets no opcode event of its own (3.11-3.15, measured).
            if resume is not None and is_resume(frame.f_code, frame.f_lasti, resume):
                key = (frame.f_code, frame.f_lasti)
                counts[key] = counts.get(key, 0) + 1
            # From 3.13, f_trace_opcodes only takes effect on a frame that already has its
            # local trace function (measured: otherwise no or too few opcode events).
            frame.f_trace = local
            frame.f_trace_opcodes = True
            if sys.version_info >= (3, 12):
                # 3.12.1 only notices f_trace_opcodes set in a callback once settrace is
                # called again (cpython#103615).
                sys.settrace(calls)
            return local

        sys.settrace(calls)
        return lambda: sys.settrace(None)
    if how == "monitoring":
        mon = sys.monitoring
        tool = mon.PROFILER_ID
        mon.use_tool_id(tool, "flypy")

        def instruction(code, offset):
            key = (code, offset)
            counts[key] = counts.get(key, 0) + 1

        mon.register_callback(tool, mon.events.INSTRUCTION, instruction)
        # RESUMEs get PY_START (a call starting) or PY_RESUME (a generator or coroutine
        # resuming) at their offset, never an INSTRUCTION event.
        starts = mon.events.PY_START | mon.events.PY_RESUME
        mon.register_callback(tool, mon.events.PY_START, instruction)
        mon.register_callback(tool, mon.events.PY_RESUME, instruction)
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
    raise ValueError("unknown counting method %r" % how)


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
    """The counts grouped by code object, with what identifies a code object."""
    index = {}
    for i, c in enumerate(codes):
        index.setdefault(c, i)
    by_code = {}
    for (c, offset), n in counts.items():
        by_code.setdefault(c, []).append([offset, n])
    out = []
    for c, pairs in by_code.items():
        pairs.sort()
        out.append({"index": index.get(c), "filename": c.co_filename, "name": c.co_name,
                    "qualname": getattr(c, "co_qualname", None),
                    "firstlineno": c.co_firstlineno, "counts": pairs})
    out.sort(key=lambda e: (e["index"] is None, e["index"]))
    return out


sys.exit(main())
