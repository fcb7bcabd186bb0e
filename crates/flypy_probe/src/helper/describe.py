# flypy: describe this interpreter as one line of JSON on the channel file argv[1].
# Runs under CPython 2.7 and 3.x, so it uses only what both have.
import json
import platform
import sys

try:
    import sysconfig
    config = sysconfig.get_config_var
except ImportError:  # pragma: no cover - very old builds
    def config(name):
        return None

info = {
    "version": "%d.%d" % sys.version_info[:2],
    "full_version": "%d.%d.%d%s" % (
        sys.version_info[0], sys.version_info[1], sys.version_info[2],
        "" if sys.version_info[3] == "final"
        else "%s%d" % (sys.version_info[3][0] if sys.version_info[3] != "candidate" else "rc",
                       sys.version_info[4])),
    "implementation": platform.python_implementation(),
    "executable": sys.executable,
    "prefix": sys.prefix,
    "debug": bool(config("Py_DEBUG")),
    "free_threaded": bool(config("Py_GIL_DISABLED")),
    # What a wrapper script could change without changing the interpreter: flypy runs
    # sys.executable directly only when these are the same through the wrapper and without it.
    "sys_path": sys.path,
    "flags": repr(sys.flags),
}

def code_files():
    """The files the interpreter's machine code runs from (the executable and, in a shared
    build, libpython): their executable mappings in /proc/self/maps (Linux; none elsewhere)."""
    found = []
    try:
        # Bytes: a path in it need not decode with the locale's encoding (ASCII under LANG=C).
        with open("/proc/self/maps", "rb") as maps:
            for raw in maps:
                line = raw.decode("utf-8", "replace")
                parts = line.split(None, 5)
                if len(parts) == 6 and "x" in parts[1]:
                    path = parts[5].strip()
                    base = path.rsplit("/", 1)[-1]
                    if (base.startswith("python") or base.startswith("libpython")) and path not in found:
                        found.append(path)
    except (IOError, OSError):
        pass
    return found


info["code_files"] = code_files()
with open(sys.argv[1], "w") as channel:
    channel.write(json.dumps(info))
