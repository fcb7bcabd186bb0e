# Prints, as JSON on stdout, the opcode facts this interpreter's own `dis` works from.
#
#   python2.7 tools/opcode_facts.py > crates/flypy_dev/facts/2.7.json
#
# Runs unchanged on CPython 2.7 and 3.6 onwards (so: no f-strings, no keyword-only arguments).
# `cargo dev refresh-facts` runs it on every interpreter flypy finds; `cargo dev generate-all`
# turns the JSON into Rust tables. Only opcode numbers below 256 are kept: the others are 3.12+
# pseudo-ops, which never occur in code objects.
import dis
import inspect
import json
import opcode
import sys

NUM_OPS = 256


def ops_in(name):
    """Opcode numbers of category list `name` (e.g. 'hasconst'), or None when this version has
    no such list, so the generator can tell "absent" from "empty"."""
    values = getattr(opcode, name, None)
    if values is None:
        return None
    return sorted(set(op for op in values if 0 <= op < NUM_OPS))


def cache_entries_by_name():
    """opname -> number of inline CACHE code units (3.11+). 3.11/3.12 index a list by opcode,
    3.13+ key a dict by name."""
    entries = getattr(opcode, "_inline_cache_entries", None)
    if entries is None:
        return {}
    if isinstance(entries, list):
        return dict((opcode.opname[op], n) for op, n in enumerate(entries)
                    if n and op < len(opcode.opname))
    return dict((name, n) for name, n in entries.items() if n)


def cache_format():
    """opname -> [[field, size], ...] in declaration order (what show_caches prints)."""
    fmt = getattr(opcode, "_cache_format", None)
    if fmt is None:
        return {}
    return dict((name, [[field, size] for field, size in layout.items()])
                for name, layout in fmt.items())


def all_opname():
    """dis._all_opname (3.11+): opname with the specialized instructions filled in."""
    names = getattr(dis, "_all_opname", None)
    if names is None:
        names = opcode.opname
    return [names[op] if op < len(names) else "<%d>" % op for op in range(NUM_OPS)]


def deopt():
    """dis._deoptop(op) for every opcode: the base instruction a specialized one stands for."""
    deoptop = getattr(dis, "_deoptop", None)
    if deoptop is None:
        return list(range(NUM_OPS))
    return [deoptop(op) for op in range(NUM_OPS)]


def specializations():
    """opcode._specializations: base name -> its specialized family (3.11+)."""
    spec = getattr(opcode, "_specializations", None)
    if spec is None:
        return {}
    return dict((base, list(family)) for base, family in spec.items())


def common_constant_reprs():
    """How dis shows LOAD_COMMON_CONSTANT's argument (3.14+): a class by its name, anything
    else by repr()."""
    consts = getattr(opcode, "_common_constants", None)
    if consts is None:
        return None
    return [c.__name__ if isinstance(c, type) else repr(c) for c in consts]


def function_attr_flags():
    """The names dis gives MAKE_FUNCTION's flag bits (3.8-3.12 MAKE_FUNCTION_FLAGS) or
    SET_FUNCTION_ATTRIBUTE's argument (3.13+ FUNCTION_ATTR_FLAGS), bit 0 first."""
    flags = getattr(dis, "FUNCTION_ATTR_FLAGS", None)
    if flags is None:
        flags = getattr(dis, "MAKE_FUNCTION_FLAGS", None)
    return None if flags is None else list(flags)


def optional_list(name):
    values = getattr(opcode, name, None)
    return None if values is None else [v if isinstance(v, str) else list(v) for v in values]


def magic_number():
    """The 16-bit magic number this interpreter writes at the start of its .pyc files."""
    try:
        from importlib.util import MAGIC_NUMBER
    except ImportError:  # 2.7
        import imp

        MAGIC_NUMBER = imp.get_magic()
    return bytearray(MAGIC_NUMBER)[0] | (bytearray(MAGIC_NUMBER)[1] << 8)


def interpreter_features():
    """The version differences flypy branches on that this interpreter shows by itself: an
    attribute of code objects, frames or `sys`, or a parameter of `dis`. flypy_dev writes them
    into the version profiles; what cannot be read here is kept by hand there."""
    code = compile("x = 1", "<facts>", "exec")
    frame = sys._getframe()
    monitoring = getattr(sys, "monitoring", None)
    events = getattr(monitoring, "events", None)
    try:
        dis_params = inspect.signature(dis.dis).parameters
    except AttributeError:  # 2.7 has no inspect.signature
        dis_params = {}
    return {
        "co_qualname": hasattr(code, "co_qualname"),
        "co_posonlyargcount": hasattr(code, "co_posonlyargcount"),
        "co_exceptiontable": hasattr(code, "co_exceptiontable"),
        "co_positions": hasattr(code, "co_positions"),
        "co_lines": hasattr(code, "co_lines"),
        "f_trace_opcodes": hasattr(frame, "f_trace_opcodes"),
        "sys_monitoring": monitoring is not None,
        "branch_left_right": events is not None and hasattr(events, "BRANCH_LEFT"),
        "dis_adaptive": "adaptive" in dis_params,
        "dis_show_positions": "show_positions" in dis_params,
        "dis_recursive": "depth" in dis_params,
        "co_has_docstring_flag": hasattr(inspect, "CO_HAS_DOCSTRING"),
    }


def main():
    opname = [opcode.opname[op] for op in range(NUM_OPS)]
    defined = sorted(op for op in opcode.opmap.values() if op < NUM_OPS)
    facts = {
        "version": list(sys.version_info[:2]),
        "full_version": "%d.%d.%d" % sys.version_info[:3],
        "opname": opname,
        "defined": defined,
        "have_argument": opcode.HAVE_ARGUMENT,
        "extended_arg": opcode.EXTENDED_ARG,
        "cmp_op": list(opcode.cmp_op),
        "hasarg": ops_in("hasarg"),
        "hasconst": ops_in("hasconst"),
        "hasname": ops_in("hasname"),
        "hasjrel": ops_in("hasjrel"),
        "hasjabs": ops_in("hasjabs"),
        "hasjump": ops_in("hasjump"),
        "haslocal": ops_in("haslocal"),
        "hasfree": ops_in("hasfree"),
        "hascompare": ops_in("hascompare"),
        "hasnargs": ops_in("hasnargs"),
        "hasexc": ops_in("hasexc"),
        "inline_cache_entries": cache_entries_by_name(),
        "cache_format": cache_format(),
        "nb_ops": optional_list("_nb_ops"),
        "intrinsic_1_descs": optional_list("_intrinsic_1_descs"),
        "intrinsic_2_descs": optional_list("_intrinsic_2_descs"),
        "common_constants": common_constant_reprs(),
        "special_method_names": optional_list("_special_method_names"),
        "function_attr_flags": function_attr_flags(),
        "specialized_opname": all_opname(),
        "specializations": specializations(),
        "deopt": deopt(),
        "magic_number": magic_number(),
        "features": interpreter_features(),
    }
    # Sorted keys and fixed separators: the same facts always print the same bytes on every
    # version (2.7's json would otherwise leave a space before each line break).
    sys.stdout.write(json.dumps(facts, indent=1, sort_keys=True, separators=(",", ": ")))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
