//! Property tests: no input makes the parser panic, and profiles generated from a known model,
//! written with random use of the format's compressions, read back to the model's costs.

use std::collections::BTreeMap;

use flypy_callgrind::{parse_bytes, parse_str, Profile};
use proptest::prelude::*;

/// Invariants of any profile the parser accepts.
fn check_invariants(p: &Profile) {
    for event in 0..p.events.len() {
        let self_sum: u128 = p
            .functions
            .iter()
            .map(|f| u128::from(f.self_cost[event]))
            .sum();
        assert_eq!(self_sum, u128::from(p.totals[event]));
        let parts: u128 = p
            .parts
            .iter()
            .map(|part| u128::from(part.totals[event]))
            .sum();
        assert_eq!(parts, u128::from(p.totals[event]));
        for f in &p.functions {
            assert!(f.inclusive[event] >= f.self_cost[event]);
        }
    }
    for call in &p.calls {
        assert!(call.caller < p.functions.len() && call.callee < p.functions.len());
    }
}

/// Lines that look like callgrind, to get past the first line more often than random bytes.
fn callgrind_ish_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("events: Ir Dr".to_owned()),
        Just("events: Ir".to_owned()),
        Just("positions: instr line".to_owned()),
        Just("positions: line".to_owned()),
        Just("part: 2".to_owned()),
        Just("summary: 10 2".to_owned()),
        Just("totals: 3".to_owned()),
        Just("# comment".to_owned()),
        Just(String::new()),
        Just("ob=(1) /bin/x".to_owned()),
        Just("cob=(1)".to_owned()),
        Just("fl=(1) a.c".to_owned()),
        Just("fi=(2) b.h".to_owned()),
        Just("fe=(1)".to_owned()),
        Just("cfi=(2)".to_owned()),
        Just("fn=(1) main".to_owned()),
        Just("fn=(1)".to_owned()),
        Just("fn=(below main)".to_owned()),
        Just("cfn=(2) f".to_owned()),
        Just("cfn=(2)".to_owned()),
        Just("calls=2 +3".to_owned()),
        Just("calls=1 0x10 -2".to_owned()),
        Just("jcnd=1/2 +1 *".to_owned()),
        Just("jump=1 5".to_owned()),
        Just("jfn=(3) g".to_owned()),
        "[0-9+*-][0-9a-fx]{0,4}( [+*-]?[0-9]{1,5}){0,4}",
        "[a-z]{1,4}[=:][ (0-9)a-z]{0,8}",
        "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(p) = parse_bytes(&data) {
            check_invariants(&p);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        if let Ok(p) = parse_str(&text) {
            check_invariants(&p);
        }
    }

    #[test]
    fn callgrind_like_lines_never_panic(lines in proptest::collection::vec(callgrind_ish_line(), 0..40)) {
        let text = lines.join("\n");
        match parse_str(&text) {
            Ok(p) => check_invariants(&p),
            // Every syntax error names a line of the input.
            Err(e) => if let Some(line) = e.line() {
                prop_assert!(line >= 1 && line <= lines.len().max(1), "{e}");
            },
        }
    }
}

// ---- round trip of generated profiles -------------------------------------------------------

#[derive(Debug, Clone)]
enum Item {
    Cost(Vec<u64>),
    Call {
        callee: usize,
        count: u64,
        cost: Vec<u64>,
    },
}

#[derive(Debug, Clone)]
struct Model {
    events: usize,
    /// (function, its lines), in file order.
    blocks: Vec<(usize, Vec<Item>)>,
    /// Where the second part starts (a block index), if there are two.
    split: Option<usize>,
    instr: bool,
    seed: u64,
}

/// Function i is (object i%2, file i%3, name i%4): unique for i < 12, and with names shared
/// across files and objects.
fn key(i: usize) -> (String, String, String) {
    (
        format!("/lib/obj{}.so", i % 2),
        format!("src/file{}.c", i % 3),
        format!("func{}", i % 4),
    )
}

fn model() -> impl Strategy<Value = Model> {
    (1usize..=3, 1usize..=6).prop_flat_map(|(events, functions)| {
        let costs = proptest::collection::vec(0u64..2_000_000, 0..=events);
        let item = prop_oneof![
            3 => costs.clone().prop_map(Item::Cost),
            1 => (0..functions, 1u64..50, costs).prop_map(|(callee, count, cost)| Item::Call { callee, count, cost }),
        ];
        let block = (0..functions, proptest::collection::vec(item, 0..6));
        (
            Just(events),
            proptest::collection::vec(block, 1..8),
            any::<bool>(),
            any::<u64>(),
            any::<bool>(),
        )
            .prop_map(|(events, blocks, two_parts, seed, instr)| {
                let split = (two_parts && blocks.len() > 1).then_some(blocks.len() / 2);
                Model { events, blocks, split, instr, seed }
            })
    })
}

/// A small deterministic generator for the writer's choices.
struct Choices(u64);

impl Choices {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Writes names with or without compression.
#[derive(Default)]
struct NameWriter {
    defined: BTreeMap<(char, String), u64>,
}

impl NameWriter {
    /// `kind` is the name space: 'o' objects, 'f' files, 'n' functions.
    fn name(&mut self, kind: char, name: &str, choices: &mut Choices) -> String {
        if choices.below(4) == 0 {
            return name.to_owned();
        }
        let next = self.defined.len() as u64 + 1;
        match self.defined.get(&(kind, name.to_owned())) {
            Some(id) if choices.below(5) != 0 => format!("({id})"),
            Some(id) => format!("({id}) {name}"),
            None => {
                self.defined.insert((kind, name.to_owned()), next);
                format!("({next}) {name}")
            }
        }
    }
}

fn number(value: u64, choices: &mut Choices) -> String {
    if choices.below(4) == 0 {
        format!("{value:#x}")
    } else {
        value.to_string()
    }
}

/// A position column value, written absolute or relative to `last`.
fn position(value: u64, last: u64, choices: &mut Choices) -> String {
    match choices.below(3) {
        0 => number(value, choices),
        _ if value == last => "*".to_owned(),
        _ if value > last => format!("+{}", value - last),
        _ => format!("-{}", last - value),
    }
}

/// Costs with trailing zeros left out at random (they default to zero).
fn costs(values: &[u64], choices: &mut Choices) -> String {
    let mut values = values.to_vec();
    if choices.coin() {
        while values.last() == Some(&0) {
            values.pop();
        }
    }
    values
        .iter()
        .map(|&v| number(v, choices))
        .collect::<Vec<_>>()
        .join(" ")
}

struct Writer<'a> {
    model: &'a Model,
    choices: Choices,
    names: NameWriter,
    out: String,
    last: Vec<u64>,
    object: Option<String>,
    file: Option<String>,
}

impl Writer<'_> {
    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
        if self.choices.below(8) == 0 {
            self.out.push_str(if self.choices.coin() {
                "# noise\n"
            } else {
                "\n"
            });
        }
    }

    fn positions(&mut self, update: bool) -> String {
        let mut tokens = Vec::new();
        for column in 0..self.last.len() {
            let value = self.choices.below(3000);
            let token = position(value, self.last[column], &mut self.choices);
            if update {
                self.last[column] = value;
            }
            tokens.push(token);
        }
        tokens.join(" ")
    }

    fn part_header(&mut self, number: usize, events: &str) {
        self.line(&format!("part: {number}"));
        if self.model.instr {
            self.line("positions: instr line");
        } else if self.choices.coin() {
            self.line("positions: line");
        }
        self.line(&format!("events: {events}"));
        self.last = vec![0; if self.model.instr { 2 } else { 1 }];
        self.object = None;
        self.file = None;
    }

    fn block(&mut self, function: usize, items: &[Item]) {
        let (object, file, name) = key(function);
        if self.object.as_deref() != Some(object.as_str()) || self.choices.coin() {
            let text = self.names.name('o', &object, &mut self.choices);
            self.line(&format!("ob={text}"));
            self.object = Some(object.clone());
        }
        if self.file.as_deref() != Some(file.as_str()) || self.choices.coin() {
            let text = self.names.name('f', &file, &mut self.choices);
            self.line(&format!("fl={text}"));
            self.file = Some(file.clone());
        }
        let text = self.names.name('n', &name, &mut self.choices);
        self.line(&format!("fn={text}"));
        for item in items {
            // Inlined code from another file stays the function's.
            let inlined = self.choices.below(5) == 0;
            if inlined {
                let text = self.names.name('f', "include/inline.h", &mut self.choices);
                self.line(&format!("fi={text}"));
                self.file = Some("include/inline.h".to_owned());
            }
            match item {
                Item::Cost(values) => {
                    let position = self.positions(true);
                    let costs = costs(values, &mut self.choices);
                    self.line(format!("{position} {costs}").trim_end());
                }
                Item::Call {
                    callee,
                    count,
                    cost,
                } => {
                    let (c_object, c_file, c_name) = key(*callee);
                    if self.object.as_deref() != Some(c_object.as_str()) || self.choices.coin() {
                        let text = self.names.name('o', &c_object, &mut self.choices);
                        self.line(&format!("cob={text}"));
                    }
                    if self.file.as_deref() != Some(c_file.as_str()) || self.choices.coin() {
                        let text = self.names.name('f', &c_file, &mut self.choices);
                        let key = if self.choices.coin() { "cfi" } else { "cfl" };
                        self.line(&format!("{key}={text}"));
                    }
                    let text = self.names.name('n', &c_name, &mut self.choices);
                    self.line(&format!("cfn={text}"));
                    let target = self.positions(false);
                    let count = number(*count, &mut self.choices);
                    self.line(&format!("calls={count} {target}"));
                    let position = self.positions(true);
                    let costs = costs(cost, &mut self.choices);
                    self.line(format!("{position} {costs}").trim_end());
                }
            }
            if inlined {
                let text = self.names.name('f', &file, &mut self.choices);
                self.line(&format!("fe={text}"));
                self.file = Some(file.clone());
            }
        }
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Expected {
    self_cost: Vec<u64>,
    inclusive: Vec<u64>,
    called: u64,
}

fn add(into: &mut [u64], values: &[u64]) {
    for (i, v) in into.iter_mut().zip(values) {
        *i += v;
    }
}

fn expected(model: &Model) -> (BTreeMap<usize, Expected>, Vec<Vec<u64>>) {
    let new = || Expected {
        self_cost: vec![0; model.events],
        inclusive: vec![0; model.events],
        called: 0,
    };
    let mut functions: BTreeMap<usize, Expected> = BTreeMap::new();
    let mut part_totals = vec![vec![0; model.events]];
    for (index, (function, items)) in model.blocks.iter().enumerate() {
        if Some(index) == model.split {
            part_totals.push(vec![0; model.events]);
        }
        // A function appears once a cost or call line is charged to it, or it is called.
        if !items.is_empty() {
            functions.entry(*function).or_insert_with(new);
        }
        for item in items {
            match item {
                Item::Cost(values) => {
                    let f = functions.entry(*function).or_insert_with(new);
                    add(&mut f.self_cost, values);
                    add(&mut f.inclusive, values);
                    if let Some(totals) = part_totals.last_mut() {
                        add(totals, values);
                    }
                }
                Item::Call {
                    callee,
                    count,
                    cost,
                } => {
                    add(
                        &mut functions.entry(*function).or_insert_with(new).inclusive,
                        cost,
                    );
                    functions.entry(*callee).or_insert_with(new).called += count;
                }
            }
        }
    }
    (functions, part_totals)
}

fn write(model: &Model) -> String {
    let events: Vec<String> = (0..model.events).map(|e| format!("E{e}")).collect();
    let events = events.join(" ");
    let (_, part_totals) = expected(model);
    let mut w = Writer {
        model,
        choices: Choices(model.seed | 1),
        names: NameWriter::default(),
        out: String::from("# callgrind format\nversion: 1\ncreator: proptest\ncmd: generated\n"),
        last: Vec::new(),
        object: None,
        file: None,
    };
    let mut part = 0;
    for (index, (function, items)) in model.blocks.iter().enumerate() {
        if index == 0 || Some(index) == model.split {
            if index > 0 {
                let totals = costs(&part_totals[part - 1], &mut w.choices);
                w.line(&format!("totals: {totals}"));
            }
            part += 1;
            w.part_header(part, &events);
            if w.choices.coin() {
                let summary = costs(&part_totals[part - 1], &mut w.choices);
                w.line(&format!("summary: {summary}"));
            }
        }
        w.block(*function, items);
    }
    if w.choices.coin() {
        let totals = costs(&part_totals[part - 1], &mut w.choices);
        w.line(&format!("totals: {totals}"));
    }
    w.out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn generated_profiles_read_back(model in model()) {
        let text = write(&model);
        let p = match parse_str(&text) {
            Ok(p) => p,
            Err(e) => return Err(TestCaseError::fail(format!("{e}\n{text}"))),
        };
        check_invariants(&p);
        prop_assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let (functions, part_totals) = expected(&model);
        prop_assert_eq!(p.parts.len(), part_totals.len());
        for (part, totals) in p.parts.iter().zip(&part_totals) {
            prop_assert_eq!(&part.totals, totals);
        }
        let mut totals = vec![0u64; model.events];
        for t in &part_totals {
            add(&mut totals, t);
        }
        prop_assert_eq!(&p.totals, &totals);
        prop_assert_eq!(p.functions.len(), functions.len(), "{:#?}\n{}", p.functions, text);
        for (index, want) in &functions {
            let (object, file, name) = key(*index);
            let got = p.functions.iter().find(|f| f.key.object == object && f.key.file == file && f.key.name == name);
            let got = got.map(|f| Expected { self_cost: f.self_cost.clone(), inclusive: f.inclusive.clone(), called: f.called });
            prop_assert_eq!(got.as_ref(), Some(want), "function {} in\n{}", index, text);
        }
    }
}
