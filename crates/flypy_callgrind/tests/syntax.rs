//! Hand-written profiles, one per feature of the format, with the expected costs worked out
//! by hand in the comments.

use flypy_callgrind::{parse_bytes, parse_str, CostKind, Error, ErrorKind, FunctionCost, Profile};

fn parse(text: &str) -> Profile {
    match parse_str(text) {
        Ok(profile) => profile,
        Err(e) => panic!("should parse: {e}\n{text}"),
    }
}

fn function<'a>(profile: &'a Profile, name: &str, file: &str, object: &str) -> &'a FunctionCost {
    profile
        .functions
        .iter()
        .find(|f| f.key.name == name && f.key.file == file && f.key.object == object)
        .unwrap_or_else(|| {
            panic!(
                "no function {name} in {file} / {object}: {:#?}",
                profile.functions
            )
        })
}

/// The line and kind of the error parsing `text` gives.
fn error(text: &str) -> (usize, ErrorKind) {
    match parse_str(text) {
        Ok(profile) => panic!("should fail: {text}\n{profile:#?}"),
        Err(Error::Syntax { line, kind }) => (line, kind),
        Err(other) => panic!("expected a syntax error, got {other}"),
    }
}

#[test]
fn simple_example_of_the_specification() {
    // main: line 15 costs 90 14 2, line 16 costs 20 12 (Flops missing = 0).
    // self = (90+20, 14+12, 2+0) = (110, 26, 2).
    let p = parse(
        "# callgrind format\nevents: Cycles Instructions Flops\nfl=file.f\nfn=main\n15 90 14 2\n16 20 12\n",
    );
    assert_eq!(p.events, ["Cycles", "Instructions", "Flops"]);
    let main = function(&p, "main", "file.f", "");
    assert_eq!(main.self_cost, [110, 26, 2]);
    assert_eq!(main.inclusive, [110, 26, 2]);
    assert_eq!(p.totals, [110, 26, 2]);
    assert_eq!(p.parts.len(), 1);
    assert_eq!(p.parts[0].positions, ["line"]);
}

const EXTENDED: &str = "# callgrind format
events: Instructions
fl=file1.c
fn=main
16 20
cfn=func1
calls=1 50
16 400
cfi=file2.c
cfn=func2
calls=3 20
16 400
fn=func1
51 100
cfi=file2.c
cfn=func2
calls=2 20
51 300
fl=file2.c
fn=func2
20 700
";

const EXTENDED_COMPRESSED: &str = "# callgrind format
events: Instructions
fl=(1) file1.c
fn=(1) main
16 20
cfn=(2) func1
calls=1 50
16 400
cfi=(2) file2.c
cfn=(3) func2
calls=3 20
16 400
fn=(2)
51 100
cfi=(2)
cfn=(3)
calls=2 20
51 300
fl=(2)
fn=(3)
20 700
";

const EXTENDED_PREDEFINED: &str = "# callgrind format
events: Instructions
# define file ID mapping
fl=(1) file1.c
fl=(2) file2.c
# define function ID mapping
fn=(1) main
fn=(2) func1
fn=(3) func2
fl=(1)
fn=(1)
16 20
cfn=(2)
calls=1 50
16 400
cfi=(2)
cfn=(3)
calls=3 20
16 400
fn=(2)
51 100
cfi=(2)
cfn=(3)
calls=2 20
51 300
fl=(2)
fn=(3)
20 700
";

#[test]
fn extended_example_plain_compressed_and_predefined_agree() {
    for text in [EXTENDED, EXTENDED_COMPRESSED, EXTENDED_PREDEFINED] {
        let p = parse(text);
        // main: self 20; calls func1 once (400) and func2 3 times (400): inclusive 820.
        let main = function(&p, "main", "file1.c", "");
        assert_eq!(
            (main.self_cost[0], main.inclusive[0], main.called),
            (20, 820, 0)
        );
        // func1 is in file1.c (no cfi= for it): self 100 + 2 calls of func2 (300) = 400.
        let func1 = function(&p, "func1", "file1.c", "");
        assert_eq!(
            (func1.self_cost[0], func1.inclusive[0], func1.called),
            (100, 400, 1)
        );
        // func2 in file2.c: self 700, called 3 + 2 times.
        let func2 = function(&p, "func2", "file2.c", "");
        assert_eq!(
            (func2.self_cost[0], func2.inclusive[0], func2.called),
            (700, 700, 5)
        );
        assert_eq!(p.functions.len(), 3, "{:#?}", p.functions);
        assert_eq!(p.totals, [820]);
        let index = |name: &str| p.functions.iter().position(|f| f.key.name == name);
        let edges: Vec<(Option<&str>, Option<&str>, u64, u64)> = p
            .calls
            .iter()
            .map(|c| {
                let name = |i: usize| p.functions.get(i).map(|f| f.key.name.as_str());
                (name(c.caller), name(c.callee), c.count, c.inclusive[0])
            })
            .collect();
        assert_eq!(
            edges,
            [
                (Some("main"), Some("func1"), 1, 400),
                (Some("main"), Some("func2"), 3, 400),
                (Some("func1"), Some("func2"), 2, 300),
            ]
        );
        let main_index = index("main").unwrap_or(usize::MAX);
        assert_eq!(p.calls_from(main_index).count(), 2);
        assert_eq!(p.calls_to(index("func2").unwrap_or(usize::MAX)).count(), 2);
        assert_eq!(p.functions_named("func2").count(), 1);
    }
}

#[test]
fn subposition_compression_with_instr_and_line() {
    // Both columns: 0x80001234 90, then +3 * = 0x80001237 90, then +1 +1 = 0x80001238 91.
    // Costs 1 + 5 + 6 = 12. A misread of the columns would take `90`/`*` as costs.
    let text = "positions: instr line\nevents: ticks\nfn=func\n0x80001234 90 1\n+3 * 5\n+1 +1 6\n";
    let p = parse(text);
    assert_eq!(function(&p, "func", "", "").self_cost, [12]);
    assert_eq!(p.parts[0].positions, ["instr", "line"]);

    // The instr column is at 0x80001238 now: going back 0x80001239 is below zero.
    let (line, kind) = error(&format!("{text}-0x80001239 * 1\n"));
    assert_eq!(line, 7);
    assert_eq!(
        kind,
        ErrorKind::PositionBelowZero {
            found: "-0x80001239".into(),
            base: 0x8000_1238
        }
    );
    // The line column is at 91.
    assert!(matches!(
        error(&format!("{text}* -92 1\n")),
        (7, ErrorKind::PositionBelowZero { base: 91, .. })
    ));
    // A hex relative step and a hex cost.
    let p = parse(&format!("{text}+0x10 -0x1 0x10\n"));
    assert_eq!(p.totals, [12 + 16]);
}

#[test]
fn call_target_positions_do_not_move_the_base() {
    // The base stays at line 10 across `calls=1 -10` (target line 0); `* 5` is the call at
    // line 10, and `-10 1` goes to line 0 — only valid if the base is still 10.
    let p = parse("events: Ir\nfn=a\n10 1\ncfn=b\ncalls=1 -10\n* 5\n-10 1\n");
    let a = function(&p, "a", "", "");
    assert_eq!((a.self_cost[0], a.inclusive[0]), (2, 7));
    assert_eq!(function(&p, "b", "", "").called, 1);
    // The target position itself is checked.
    assert!(matches!(
        error("events: Ir\nfn=a\n10 1\ncfn=b\ncalls=1 -11\n* 5\n"),
        (5, ErrorKind::PositionBelowZero { base: 10, .. })
    ));
    assert_eq!(
        error("events: Ir\nfn=a\n10 1\ncfn=b\ncalls=1\n* 5\n"),
        (
            5,
            ErrorKind::Missing {
                expected: "a target position after the count"
            }
        )
    );
    assert_eq!(
        error("events: Ir\nfn=a\n10 1\ncfn=b\ncalls=\n* 5\n"),
        (
            5,
            ErrorKind::Missing {
                expected: "a call count"
            }
        )
    );
    assert!(matches!(
        error("events: Ir\nfn=a\n10 1\ncfn=b\ncalls=x 1\n* 5\n"),
        (5, ErrorKind::Expected { .. })
    ));
    // Extra target tokens (xdebug writes `calls=1 0 0` with one `line` column) are accepted.
    let p = parse("events: Ir\nfn=a\n10 1\ncfn=b\ncalls=1 0 0\n* 5\n");
    assert_eq!(function(&p, "a", "", "").inclusive, [6]);
}

#[test]
fn missing_cost_columns_are_zero() {
    // Ir: 5 + 5 + 0 = 10; Dr: 0 + 3 + 0 = 3; Dw: 0.
    let p = parse("events: Ir Dr Dw\nfn=f\n1 5\n2 5 3\n3\n");
    assert_eq!(function(&p, "f", "", "").self_cost, [10, 3, 0]);
    // The call's cost line may be short too: inclusive Ir 10 + 7, Dr 3 + 0.
    let p = parse("events: Ir Dr Dw\nfn=f\n1 5\n2 5 3\n3\ncfn=g\ncalls=1 1\n3 7\n");
    assert_eq!(function(&p, "f", "", "").inclusive, [17, 3, 0]);
    assert_eq!(p.totals, [10, 3, 0]);
}

#[test]
fn comments_blank_lines_crlf_and_tabs() {
    // f: 1 + 2 + 4 = 7 self; the call (with comments and a blank line between `calls=` and
    // its cost line) adds 8.
    let text = "# callgrind format\r\n\r\nevents:\tIr\r\n# a comment\r\nfn=f\r\n\r\n1\t1\r\n  \r\n2  2\r\n# c\r\ncfn=g\r\ncalls=1\t9\r\n# between\r\n\r\n3 8\r\n4 4 \r\n";
    let p = parse(text);
    let f = function(&p, "f", "", "");
    assert_eq!((f.self_cost[0], f.inclusive[0]), (7, 15));
}

#[test]
fn several_parts_are_summed_and_share_name_ids() {
    // Part 1: main self 10, calls f twice (20), f self 20 -> total 30.
    // Part 2: f self 7 (ids from part 1) -> total 7. Whole: f self 27, main incl 30, 37.
    let p = parse(
        "version: 1
creator: test
cmd: prog arg
pid: 42
part: 1
desc: Trigger: test
events: Ir
summary: 30
fl=(1) a.c
fn=(1) main
1 10
cfn=(2) f
calls=2 5
1 20
fn=(2)
5 20
totals: 30

part: 2
events: Ir
summary: 7
fl=(1)
fn=(2)
5 7
totals: 7
",
    );
    assert_eq!(p.parts.len(), 2);
    assert_eq!(p.parts[0].number.as_deref(), Some("1"));
    assert_eq!(p.parts[1].number.as_deref(), Some("2"));
    assert_eq!(p.parts[0].totals, [30]);
    assert_eq!(p.parts[1].totals, [7]);
    assert_eq!(p.parts[1].first_line, 19);
    assert_eq!(p.parts[1].stated_totals, Some(vec![7]));
    assert_eq!(p.totals, [37]);
    let f = function(&p, "f", "a.c", "");
    assert_eq!((f.self_cost[0], f.inclusive[0], f.called), (27, 27, 2));
    let main = function(&p, "main", "a.c", "");
    assert_eq!((main.self_cost[0], main.inclusive[0]), (10, 30));
    assert_eq!(p.header.cmd.as_deref(), Some("prog arg"));
    assert_eq!(p.header.pid.as_deref(), Some("42"));
    assert_eq!(p.header.creator.as_deref(), Some("test"));
    assert_eq!(p.header.version.as_deref(), Some("1"));
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);

    // A later part without `events:`/`positions:` keeps the earlier ones; relative
    // positions start from 0 again: `+5` is line 5.
    let p = parse(
        "positions: instr\nevents: Ir\nfn=f\n0x10 1\ntotals: 1\npart: 2\nfn=f\n+5 2\ntotals: 2\n",
    );
    assert_eq!(p.parts.len(), 2);
    assert_eq!(p.parts[1].positions, ["instr"]);
    assert_eq!(p.totals, [3]);

    // Parts must count the same events.
    assert!(matches!(
        error("events: Ir\nfn=f\n1 1\nevents: Dr\n"),
        (4, ErrorKind::EventsChanged { .. })
    ));
    // The totals of each part are checked on their own.
    let (line, kind) =
        error("events: Ir\nfn=f\n1 1\ntotals: 1\nevents: Ir\nfn=f\n1 1\ntotals: 2\n");
    assert_eq!(line, 8);
    assert_eq!(
        kind,
        ErrorKind::TotalsMismatch {
            event: "Ir".into(),
            stated: 2,
            computed: 1
        }
    );
}

#[test]
fn same_name_in_different_files_and_objects_are_different_functions() {
    // helper in (prog, a.c) 5, in (prog, b.c) 7, in (libx.so, a.c) 11. Two ids may name the
    // same string.
    let p = parse(
        "events: Ir
ob=(1) /bin/prog
fl=(1) a.c
fn=(1) helper
1 5
fl=(2) b.c
fn=(2) helper
1 7
ob=(2) /lib/libx.so
fl=(1)
fn=(1)
1 11
",
    );
    assert_eq!(p.functions.len(), 3);
    assert_eq!(function(&p, "helper", "a.c", "/bin/prog").self_cost, [5]);
    assert_eq!(function(&p, "helper", "b.c", "/bin/prog").self_cost, [7]);
    assert_eq!(
        function(&p, "helper", "a.c", "/lib/libx.so").self_cost,
        [11]
    );
    assert_eq!(p.functions_named("helper").count(), 3);
}

#[test]
fn call_targets_default_to_the_current_object_and_file() {
    // main (prog, main.c): self 1 + 6 (inlined code from inline.h stays main's) + 2 = 9;
    // calls memcpy (libc.so, string.c) 100, local (prog, main.c: cob/cfi apply to one call
    // only) 50, and from inlined code inl_callee (prog, inline.h: the current file) 40.
    // Inclusive 9 + 190 = 199; the callees' own lines give the same costs; total 199.
    let p = parse(
        "events: Ir
ob=(1) prog
fl=(1) main.c
fn=(1) main
1 1
cob=(2) libc.so
cfi=(2) string.c
cfn=(2) memcpy
calls=1 10
1 100
cfn=(3) local
calls=1 20
1 50
fi=(3) inline.h
cfn=(4) inl_callee
calls=1 30
2 40
+1 6
fe=(1)
3 2
ob=(2)
fl=(2)
fn=(2)
10 100
ob=(1)
fl=(1)
fn=(3)
20 50
fl=(3)
fn=(4)
30 40
",
    );
    let main = function(&p, "main", "main.c", "prog");
    assert_eq!((main.self_cost[0], main.inclusive[0]), (9, 199));
    assert_eq!(
        function(&p, "memcpy", "string.c", "libc.so").self_cost,
        [100]
    );
    assert_eq!(function(&p, "local", "main.c", "prog").called, 1);
    assert_eq!(
        function(&p, "inl_callee", "inline.h", "prog").inclusive,
        [40]
    );
    assert_eq!(p.functions.len(), 4, "{:#?}", p.functions);
    assert_eq!(p.totals, [199]);
    // `cfl=` is the old spelling of `cfi=`.
    let p = parse("events: Ir\nfl=a.c\nfn=f\ncfl=b.c\ncfn=g\ncalls=1 1\n1 3\n");
    assert_eq!(function(&p, "g", "b.c", "").called, 1);
    // `cfn=` applies to one call only.
    assert_eq!(
        error("events: Ir\nfn=f\ncfn=g\ncalls=1 1\n1 3\ncalls=1 1\n1 3\n"),
        (6, ErrorKind::CallWithoutTarget)
    );
}

#[test]
fn jumps_are_read_and_cost_nothing() {
    // f: 3 + 4 = 7 (the `* *` lines callgrind writes after jumps carry no cost);
    // g (b.c, named through jfi=/jfn= ids): 1. Total 8.
    let p = parse(
        "positions: instr line
events: Ir
fl=(1) a.c
fn=(1) f
0x10 1 3
jcnd=1/2 +0x20 +5
* *
jump=3 0x40 9
* *
jfi=(2) b.c
jfn=(2) g
jcnd=4 5 +2 *
+2 +1 4
fl=(2)
fn=(2)
0x50 10 1
",
    );
    assert_eq!(function(&p, "f", "a.c", "").self_cost, [7]);
    assert_eq!(function(&p, "g", "b.c", "").self_cost, [1]);
    assert_eq!(p.totals, [8]);
    assert!(matches!(
        error("events: Ir\nfn=f\n1 1\njcnd=1/x 3\n"),
        (4, ErrorKind::Expected { .. })
    ));
    assert!(matches!(
        error("events: Ir\nfn=f\n1 1\njump=1\n"),
        (4, ErrorKind::Missing { .. })
    ));
    assert!(matches!(
        error("events: Ir\nfn=f\n1 1\njcnd=1\n"),
        (
            4,
            ErrorKind::Missing {
                expected: "a jump count"
            }
        )
    ));
}

#[test]
fn names_in_parentheses_that_are_not_ids() {
    // callgrind's own "(below main)" is a name, not an id; with an id it is `(7) (below main)`.
    let p = parse("events: Ir\nfn=(below main)\n1 1\nfn=(7) (below main)\n1 2\nfn=(7)\n1 3\n");
    assert_eq!(p.functions.len(), 1);
    assert_eq!(function(&p, "(below main)", "", "").self_cost, [6]);
}

#[test]
fn summary_and_totals_checks() {
    let body = "events: Ir Dr\nfn=f\n1 5 1\n";
    // Equal: fine, no warning.
    let p = parse(&format!("{body}totals: 5 1\n"));
    assert!(p.warnings.is_empty());
    assert_eq!(p.parts[0].stated_totals, Some(vec![5, 1]));
    // Missing columns are zero on these lines too.
    assert!(matches!(
        error(&format!("{body}totals: 5\n")),
        (
            4,
            ErrorKind::TotalsMismatch {
                stated: 0,
                computed: 1,
                ..
            }
        )
    ));
    assert!(matches!(
        error(&format!("{body}totals: 5 1 0\n")),
        (4, ErrorKind::TooManyCosts { events: 2 })
    ));
    assert!(matches!(
        error(&format!("{body}totals: 5 1\ntotals: 5 1\n")),
        (5, ErrorKind::DuplicateHeader { key: "totals" })
    ));
    // A summary in the header (line 2) smaller than the cost lines is an error; larger, with
    // no `totals:` line, a warning naming the line.
    assert!(matches!(
        error("events: Ir\nsummary: 4\nfn=f\n1 5\n"),
        (
            2,
            ErrorKind::SummaryTooSmall {
                stated: 4,
                computed: 5,
                ..
            }
        )
    ));
    let p = parse("events: Ir\nsummary: 9\nfn=f\n1 5\n");
    assert_eq!(p.warnings.len(), 1);
    assert_eq!(p.warnings[0].line, 2);
    assert!(
        p.warnings[0].message.contains("incomplete"),
        "{}",
        p.warnings[0]
    );
    assert_eq!(p.parts[0].summary, Some(vec![9]));
    assert_eq!(p.totals, [5]);
    // With a matching `totals:` a larger summary is normal (callgrind with --cache-sim=yes).
    let p = parse("events: Ir\nsummary: 9\nfn=f\n1 5\ntotals: 5\n");
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    assert_eq!(p.parts[0].summary, Some(vec![9]));
}

#[test]
fn errors_name_the_line_and_what_was_expected() {
    let many_events = format!(
        "events:{}\n",
        (0..65).map(|i| format!(" e{i}")).collect::<String>()
    );
    let cases: Vec<(&str, usize, ErrorKind)> = vec![
        (
            "events: Ir\nfn=(3)\n",
            2,
            ErrorKind::UndefinedName {
                key: "fn".into(),
                id: 3,
            },
        ),
        (
            "events: Ir\nfl=(1) a\nfl=(1) b\n",
            3,
            ErrorKind::NameRedefined {
                key: "fl".into(),
                id: 1,
                old: "a".into(),
                new: "b".into(),
            },
        ),
        (
            "events: Ir\nob=(1 a\n",
            2,
            ErrorKind::UnclosedId {
                found: "(1 a".into(),
            },
        ),
        (
            "events: Ir\nfn=a\ncfn=b\ncalls=1 1\nfn=c\n",
            5,
            ErrorKind::MissingCallCost {
                calls_line: 4,
                found: "`fn=c`".into(),
            },
        ),
        (
            "events: Ir\nfn=a\ncfn=b\ncalls=1 1\n",
            4,
            ErrorKind::MissingCallCost {
                calls_line: 4,
                found: "the end of the input".into(),
            },
        ),
        (
            "events: Ir\nfn=a\ncfn=b\ncalls=1 1\ntotals: 0\n",
            5,
            ErrorKind::MissingCallCost {
                calls_line: 4,
                found: "`totals: 0`".into(),
            },
        ),
        (
            "events: Ir\nfn=a\n1 2 3\n",
            3,
            ErrorKind::TooManyCosts { events: 1 },
        ),
        (
            "events: Ir\nfn=a\n1 x\n",
            3,
            ErrorKind::Expected {
                expected: "a cost (number)",
                found: "x".into(),
            },
        ),
        (
            "events: Ir\nfn=a\n1 -2\n",
            3,
            ErrorKind::Expected {
                expected: "a cost (number)",
                found: "-2".into(),
            },
        ),
        (
            "events: Ir\nfn=a\n1 99999999999999999999\n",
            3,
            ErrorKind::NumberTooLarge {
                found: "99999999999999999999".into(),
            },
        ),
        ("events: Ir\n1 2\n", 2, ErrorKind::CostOutsideFunction),
        (
            "events: Ir\ncfn=b\ncalls=1 1\n",
            3,
            ErrorKind::CostOutsideFunction,
        ),
        ("fn=a\n1 2\n", 2, ErrorKind::CostBeforeEvents),
        (
            "positions: instr line\nevents: Ir\nfn=a\n0x10\n",
            4,
            ErrorKind::TooFewPositions {
                expected: 2,
                names: "instr line".into(),
                found: 1,
            },
        ),
        (
            "events: Ir\nfn=a\n+x 1\n",
            3,
            ErrorKind::Expected {
                expected: "a position (number, `+n`, `-n` or `*`)",
                found: "+x".into(),
            },
        ),
        (
            "events: Ir\nhello world\n",
            2,
            ErrorKind::Unrecognised {
                found: "hello world".into(),
            },
        ),
        (
            "events: Ir\n=x\n",
            2,
            ErrorKind::Unrecognised { found: "=x".into() },
        ),
        ("events:\n", 1, ErrorKind::NoEventNames),
        (
            "events: Ir Ir\n",
            1,
            ErrorKind::DuplicateEvent { name: "Ir".into() },
        ),
        (&many_events, 1, ErrorKind::TooManyEvents { limit: 64 }),
        (
            "events: Ir\nevents: Ir\n",
            2,
            ErrorKind::DuplicateHeader { key: "events" },
        ),
        (
            "positions: line line\n",
            1,
            ErrorKind::BadPositions {
                found: "line line".into(),
            },
        ),
        (
            "positions: addr\n",
            1,
            ErrorKind::BadPositions {
                found: "addr".into(),
            },
        ),
        (
            "positions:\n",
            1,
            ErrorKind::BadPositions {
                found: String::new(),
            },
        ),
        (
            "events: Ir\nfn=a\n1 18446744073709551615\n2 1\n",
            4,
            ErrorKind::CostOverflow,
        ),
        (
            "events: Ir\nfn=a\ncfn=b\ncalls=18446744073709551615 1\n1 1\ncfn=b\ncalls=1 1\n1 1\n",
            8,
            ErrorKind::CostOverflow,
        ),
        ("totals: 1\nevents: Ir\n", 1, ErrorKind::CostBeforeEvents),
        (
            "jcnd=1/2 +1 *\nevents: Ir Dr\n",
            1,
            ErrorKind::CostBeforeEvents,
        ),
    ];
    for (text, line, kind) in cases {
        match parse_str(text) {
            Err(Error::Syntax { line: l, kind: k }) => {
                assert_eq!((l, &k), (line, &kind), "{text}");
                let message = Error::Syntax { line: l, kind: k }.to_string();
                assert!(message.starts_with(&format!("line {line}: ")), "{message}");
            }
            other => panic!("{text}: expected line {line}: {kind}, got {other:?}"),
        }
    }
    for text in [
        "",
        "\n\n",
        "# callgrind format\n# only comments\n",
        "version: 1\ncreator: x\n",
    ] {
        assert!(matches!(parse_str(text), Err(Error::NoEvents)), "{text:?}");
    }
    assert_eq!(Error::NoEvents.line(), None);
    let long = format!("events: Ir\nfn={}\n", "x".repeat(5 << 20));
    assert!(matches!(
        parse_str(&long),
        Err(Error::Syntax {
            line: 2,
            kind: ErrorKind::LineTooLong { .. }
        })
    ));
}

#[test]
fn unknown_lines_are_skipped_with_warnings() {
    let p = parse("version: 2\nevents: Ir\nfrobnicate: yes\nfn=f\nxyz=1\n1 1\n");
    let lines: Vec<usize> = p.warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, [1, 3, 5], "{:?}", p.warnings);
    assert_eq!(p.totals, [1]);
    // Warnings are capped.
    let mut text = String::from("events: Ir\n");
    for _ in 0..(Profile::MAX_WARNINGS + 5) {
        text.push_str("odd: 1\n");
    }
    let p = parse(&text);
    assert_eq!(
        (p.warnings.len(), p.warnings_dropped),
        (Profile::MAX_WARNINGS, 5)
    );
}

#[test]
fn names_need_not_be_utf8() {
    let p = match parse_bytes(b"events: Ir\nfl=caf\xe9.c\nfn=f\xff\n1 3\n") {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(p.functions[0].key.file, "caf\u{fffd}.c");
    assert_eq!(p.functions[0].key.name, "f\u{fffd}");
    assert_eq!(p.totals, [3]);
}

#[test]
fn top_functions_by_self_and_inclusive() {
    let p = parse(EXTENDED);
    let names = |fs: Vec<&FunctionCost>| fs.iter().map(|f| f.key.name.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(p.top(0, CostKind::SelfCost, 10)),
        ["func2", "func1", "main"]
    );
    assert_eq!(names(p.top(0, CostKind::Inclusive, 2)), ["main", "func2"]);
    assert_eq!(
        names(p.top(0, CostKind::Inclusive, 0)),
        Vec::<String>::new()
    );
    assert_eq!(p.event_index("Instructions"), Some(0));
    assert_eq!(p.event_index("Ir"), None);
    // Ties are broken by name, so the order is stable: all cost 0 in column 5.
    assert_eq!(
        names(p.top(5, CostKind::SelfCost, 3)),
        ["func1", "func2", "main"]
    );
}

#[test]
fn subtract_and_scale_per_call() {
    // "2N" run: main self 20, f self 1000 called 10 times, g self 5.
    // "N" run: main self 20, f self 500 called 5 times, h self 3.
    let big = parse(
        "events: Ir Dr\nfn=main\n1 20\ncfn=f\ncalls=10 1\n1 1000 10\nfn=f\n1 1000 10\nfn=g\n1 5\n",
    );
    let small = parse(
        "events: Dr Ir\nfn=main\n1 0 20\ncfn=f\ncalls=5 1\n1 5 500\nfn=f\n1 5 500\nfn=h\n1 0 3\n",
    );
    let diff = match big.subtract(&small) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(diff.events, ["Ir", "Dr"]);
    // main: self 0 (left out of self ranking but kept: inclusive +500, +5).
    // f: self +500 +5, called +5; g +5; h -3. Totals: 1025-523 = 502, 10-5 = 5.
    assert_eq!(diff.totals, [502, 5]);
    let get = |name: &str| diff.functions.iter().find(|f| f.key.name == name);
    let f = get("f").map(|f| (f.self_cost.clone(), f.inclusive.clone(), f.called));
    assert_eq!(f, Some((vec![500, 5], vec![500, 5], 5)));
    let main = get("main").map(|f| (f.self_cost.clone(), f.inclusive.clone(), f.called));
    assert_eq!(main, Some((vec![0, 0], vec![500, 5], 0)));
    assert_eq!(get("h").map(|f| f.self_cost.clone()), Some(vec![-3, 0]));
    assert_eq!(get("g").map(|f| f.self_cost.clone()), Some(vec![5, 0]));
    // Identical functions drop out: a profile minus itself is empty.
    let zero = big.subtract(&big).map(|d| (d.functions.len(), d.totals));
    assert_eq!(zero, Ok((0, vec![0, 0])));
    // Ranking by magnitude: h (-3) comes before nothing smaller; f first.
    let ranked: Vec<&str> = diff
        .top(0, CostKind::SelfCost, 3)
        .iter()
        .map(|f| f.key.name.as_str())
        .collect();
    assert_eq!(ranked, ["f", "g", "h"]);

    let per_call = match diff.per_call(5) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(per_call.calls, 5);
    assert_eq!(per_call.totals, [100.4, 1.0]);
    let f = per_call.functions.iter().find(|f| f.key.name == "f");
    assert_eq!(
        f.map(|f| (f.self_cost.clone(), f.called)),
        Some((vec![100.0, 1.0], 1.0))
    );
    let ranked: Vec<&str> = per_call
        .top(0, CostKind::Inclusive, 2)
        .iter()
        .map(|f| f.key.name.as_str())
        .collect();
    assert_eq!(ranked, ["f", "main"]);
    assert_eq!(
        diff.per_call(0).err(),
        Some(flypy_callgrind::DiffError::ZeroCalls)
    );

    // Differences of differences: (big - small) - (big - small) = nothing.
    let again = diff.subtract(&diff).map(|d| d.functions.len());
    assert_eq!(again, Ok(0));

    let other_events = parse("events: Ir\nfn=main\n1 1\n");
    assert!(matches!(
        big.subtract(&other_events),
        Err(flypy_callgrind::DiffError::EventsDiffer { .. })
    ));
}

#[test]
fn results_serialize_to_json() {
    let p = parse(EXTENDED);
    let json = serde_json::to_value(&p.functions[0]).unwrap_or_default();
    assert_eq!(
        json,
        serde_json::json!({"name": "main", "file": "file1.c", "object": "", "self": [20], "inclusive": [820], "called": 0})
    );
    let whole = serde_json::to_value(&p).unwrap_or_default();
    assert_eq!(whole["totals"], serde_json::json!([820]));
    assert_eq!(
        whole["calls"][0],
        serde_json::json!({"caller": 0, "callee": 1, "count": 1, "inclusive": [400]})
    );
    let small = parse("events: Instructions\nfn=main\n1 30\n");
    let diff = small.subtract(&p).unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_value(&diff).unwrap_or_default();
    let main = json["functions"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["name"] == "main").cloned());
    assert_eq!(
        main,
        Some(
            serde_json::json!({"name": "main", "file": "", "object": "", "self": [30], "inclusive": [30], "called": 0})
        )
    );
    let per_call = diff.per_call(2).unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_value(&per_call).unwrap_or_default();
    assert_eq!(json["totals"], serde_json::json!([-395.0]));
}

#[test]
fn large_profiles_read_in_one_pass() {
    // 20,000 functions × (40 cost lines + 5 calls) ≈ 1.3 million lines, 10 MB: the size of a
    // CPython run's profile. Anything quadratic in lines or functions would not finish.
    let functions = 20_000u64;
    let mut text = String::from("# callgrind format\nversion: 1\npositions: line\nevents: Ir Dr\n");
    let (mut self_total, mut call_total) = (0u64, 0u64);
    for f in 0..functions {
        text.push_str(&format!(
            "fl=({}) file{}.c\nfn=({f}) function_{f}\n",
            f % 100,
            f % 100
        ));
        text.push_str("100 3 1\n");
        self_total += 3;
        for line in 1..40 {
            text.push_str(&format!("+{} {} 1\n", line % 3, line));
            self_total += line;
        }
        for call in 0..5 {
            let callee = (f * 7 + call) % functions;
            let file = callee % 100;
            text.push_str(&format!("cfi=({file}) file{file}.c\ncfn=({callee}) function_{callee}\ncalls=2 -{call}\n* 50\n"));
            call_total += 50;
        }
    }
    text.push_str(&format!("totals: {self_total} {}\n", functions * 40));
    let started = std::time::Instant::now();
    let p = parse(&text);
    let elapsed = started.elapsed();
    eprintln!(
        "{} bytes, {} lines: parsed in {elapsed:?}",
        text.len(),
        text.lines().count()
    );
    assert!(elapsed.as_secs() < 60, "{elapsed:?}");
    assert_eq!(p.functions.len(), functions as usize);
    assert_eq!(p.totals, [self_total, functions * 40]);
    let inclusive: u64 = p.functions.iter().map(|f| f.inclusive[0]).sum();
    assert_eq!(inclusive, self_total + call_total);
    assert_eq!(p.calls.len(), functions as usize * 5);
}
