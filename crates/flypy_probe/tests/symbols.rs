//! `Interpreter::symbols` against an independent reading of the same files: each interpreter
//! found reads its own code files' ELF section headers with Python's `struct`.

const ORACLE: &str = r#"
import os, struct, sys
def has_symbols(path):
    data = open(path, "rb").read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    entsize, num, strndx = struct.unpack_from("<HHH", data, 0x3A)
    heads = [struct.unpack_from("<IIQQQQ", data, shoff + i * entsize) for i in range(num)]
    names_off, names_size = heads[strndx][4], heads[strndx][5]
    names = data[names_off:names_off + names_size]
    found, build_id = False, None
    for name, kind, _, _, off, size in heads:
        label = names[name:names.index(b"\0", name)]
        if label in (b".symtab", b".debug_info") and size > 0:
            found = True
        if kind == 7 and label == b".note.gnu.build-id":
            namesz, descsz = struct.unpack_from("<II", data, off)
            start = off + 12 + ((namesz + 3) & ~3)
            build_id = "".join("%02x" % c for c in bytearray(data[start:start + descsz]))
    if not found and build_id:
        found = os.path.isfile("/usr/lib/debug/.build-id/%s/%s.debug" % (build_id[:2], build_id[2:]))
    return found
print(all(has_symbols(p) for p in sys.argv[1:]))
"#;

#[test]
fn symbols_agree_with_the_interpreters_own_reading() {
    let found = flypy_probe::discover();
    let mut checked = Vec::new();
    for i in &found {
        let Some(ours) = i.symbols else {
            eprintln!(
                "{}: symbols unknown (no code files seen), skipped",
                i.path.display()
            );
            continue;
        };
        let out = std::process::Command::new(&i.path)
            .arg("-c")
            .arg(ORACLE)
            .args(&i.code_files)
            .output()
            .expect("the interpreter runs");
        assert!(out.status.success(), "{}: {out:?}", i.path.display());
        let theirs = String::from_utf8_lossy(&out.stdout).trim() == "True";
        assert_eq!(ours, theirs, "{}: {:?}", i.path.display(), i.code_files);
        checked.push(format!("{} {}", i.version, if ours { "yes" } else { "no" }));
    }
    eprintln!("symbols checked: {}", checked.join(", "));
    if cfg!(target_os = "linux") {
        assert!(
            !checked.is_empty() || found.is_empty(),
            "no interpreter could be checked"
        );
    }
}
