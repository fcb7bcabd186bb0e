//! A real callgrind profile kept in the repository, so the parser meets real syntax even where
//! valgrind is missing: `/bin/true` under valgrind 3.19,
//! `valgrind --tool=callgrind --dump-instr=yes --collect-jumps=yes` (instruction and line
//! positions with relative and hexadecimal subpositions, name compression, `cob=`/`cfi=`/
//! `cfn=`/`calls=`, inlined `fi=`/`fe=`, `jump=`/`jcnd=`/`jfi=`/`jfn=`, `summary:`/`totals:`).

use std::path::PathBuf;

use flypy_callgrind::{parse_file, CostKind, Profile};

fn fixture() -> Profile {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/true_instr_jumps.callgrind");
    match parse_file(&path) {
        Ok(p) => p,
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

#[test]
fn real_profile_of_bin_true() {
    let p = fixture();
    assert_eq!(p.events, ["Ir"]);
    assert_eq!(p.header.creator.as_deref(), Some("callgrind-3.19.0"));
    assert_eq!(p.header.cmd.as_deref(), Some("/bin/true"));
    assert_eq!(p.parts.len(), 1);
    assert_eq!(p.parts[0].positions, ["instr", "line"]);
    // valgrind printed "I refs: 126,559" for this run; the file says so twice.
    assert_eq!(p.totals, [126_559]);
    assert_eq!(p.parts[0].summary, Some(vec![126_559]));
    assert_eq!(p.parts[0].stated_totals, Some(vec![126_559]));
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    let self_sum: u64 = p.functions.iter().map(|f| f.self_cost[0]).sum();
    assert_eq!(self_sum, 126_559);

    // Every call edge's cost is inside its caller's inclusive cost, and inclusive = self +
    // the calls it makes.
    for (i, f) in p.functions.iter().enumerate() {
        let calls: u64 = p.calls_from(i).map(|c| c.inclusive[0]).sum();
        assert_eq!(f.inclusive[0], f.self_cost[0] + calls, "{}", f.key);
        let called: u64 = p.calls_to(i).map(|c| c.count).sum();
        assert_eq!(f.called, called, "{}", f.key);
    }

    // The dynamic loader's entry runs everything: its inclusive cost is the program's.
    let top = p.top(0, CostKind::Inclusive, 1);
    let root = top
        .first()
        .map(|f| (f.key.name.as_str(), f.key.object.as_str(), f.inclusive[0]));
    assert_eq!(
        root,
        Some((
            "0x000000000001ab70",
            "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
            126_559
        ))
    );
    // Inclusive costs as `callgrind_annotate --inclusive=yes` prints them for this file.
    for (name, inclusive) in [
        ("_dl_start", 123_885),
        ("_dl_sysdep_start", 123_210),
        ("dl_main", 95_342),
        ("_dl_relocate_object", 68_989),
    ] {
        let costs: Vec<u64> = p.functions_named(name).map(|f| f.inclusive[0]).collect();
        assert_eq!(costs, [inclusive], "{name}");
    }

    // Functions known to run in every glibc program, found by name across objects.
    for name in ["_dl_start", "exit"] {
        assert!(p.functions_named(name).count() >= 1, "{name} missing");
    }
    // "(below main)" is callgrind's own name for the code that calls main.
    assert!(p.functions_named("(below main)").count() >= 1);
}
