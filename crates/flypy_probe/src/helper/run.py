# flypy: run the user's program in this process and report how it ended.
#   argv: CHANNEL MEMORY_LIMIT_BYTES (0: none) KIND (script|code) SOURCE_FILE [ARGS...]
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
    channel, limit, kind, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    args = sys.argv[5:]
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
    try:
        exec(code, main_module.__dict__)
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
    report(channel, ending)
    return 0


sys.exit(main())
