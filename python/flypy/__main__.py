"""``python -m flypy ARGS``: runs the ``flypy`` executable this package was installed with.

The executable lives in the scripts folder of the installation scheme the package itself was
installed into (a venv's ``bin``, ``--user``'s ``~/.local/bin``, or a prefix's); looking there,
rather than on PATH, runs the flypy of this Python even when another one comes first on PATH.
"""

import os
import sys
import sysconfig


def find_flypy():
    """The path of the flypy executable installed with this package."""
    name = "flypy.exe" if sys.platform == "win32" else "flypy"
    here = os.path.dirname(os.path.abspath(__file__))
    schemes = [sysconfig.get_default_scheme()] if hasattr(sysconfig, "get_default_scheme") else []
    schemes += ["posix_user", "posix_prefix", "nt_user", "nt"]
    candidates = []
    for scheme in schemes:
        try:
            paths = sysconfig.get_paths(scheme)
        except KeyError:
            continue
        # The scheme this package belongs to: its purelib or platlib holds this folder.
        if any(here.startswith(os.path.abspath(paths[k]) + os.sep) for k in ("purelib", "platlib")):
            candidates.insert(0, paths["scripts"])
        else:
            candidates.append(paths["scripts"])
    for folder in candidates:
        path = os.path.join(folder, name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise FileNotFoundError(
        "the flypy executable is not in this installation's scripts folder (looked in: "
        + ", ".join(candidates)
        + "); reinstall the flypy wheel"
    )


def main():
    try:
        flypy = find_flypy()
    except FileNotFoundError as e:
        sys.stderr.write("python -m flypy: error: %s\n" % e)
        return 2
    if sys.platform == "win32":
        import subprocess

        return subprocess.call([flypy] + sys.argv[1:])
    # Replace this process: signals, exit codes and the terminal are flypy's own.
    os.execv(flypy, [flypy] + sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
