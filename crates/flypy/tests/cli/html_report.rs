//! The HTML reports opened in headless Chromium (Debian's package), network off: for a default
//! dive, a `--pythons all --quick` dive, a trace, a cost and a time, the page loads without
//! console errors or exceptions, makes no request beyond its own file, is not blank, draws one
//! CFG node per basic block of flypy's CFG (the trace's code objects and every counted dive
//! variant's), shows the JSON's numbers, and lights up a source line's instructions on hover
//! (on the dive page, only the hovered interpreter's). One Chromium serves every page, driven over the DevTools
//! protocol on a pipe (fds 3 and 4, NUL-terminated JSON). Screenshots go to
//! `target/html-screenshots/`.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command as Process, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const CHROMIUM: &str = "/usr/bin/chromium";
const WAIT: Duration = Duration::from_secs(30);

use crate::common::command as flypy;

/// One headless Chromium, killed (and its profile folder removed) when dropped, on every path.
struct Chrome {
    child: Child,
    to: ChildStdin,
    from: Receiver<Value>,
    next: u64,
    session: String,
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Drop for Chrome {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Chrome {
    /// Starts Chromium with its DevTools pipe on fds 3 and 4 (the shell wires them to our
    /// pipes, so no unsafe code), in a network namespace of its own when `unshare -n` works.
    fn start() -> Option<Chrome> {
        if !Path::new(CHROMIUM).exists() {
            return None;
        }
        let profile = tempfile::tempdir().expect("tempdir");
        let isolated = Process::new("unshare")
            .args(["-n", "true"])
            .output()
            .is_ok_and(|o| o.status.success());
        let mut cmd = if isolated {
            let mut c = Process::new("unshare");
            c.args(["-n", "sh"]);
            c
        } else {
            Process::new("sh")
        };
        cmd.arg("-c")
            .arg(r#"exec "$@" 3<&0 4>&1 0</dev/null 1>&2"#)
            .arg("sh")
            .arg(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--hide-scrollbars",
                "--remote-debugging-pipe",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = cmd.spawn().ok()?;
        let to = child.stdin.take()?;
        let out = child.stdout.take()?;
        let (tx, from) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(out);
            let mut buf = Vec::new();
            while r.read_until(0, &mut buf).is_ok_and(|n| n > 0) {
                if buf.last() == Some(&0) {
                    buf.pop();
                }
                if let Ok(v) = serde_json::from_slice::<Value>(&buf) {
                    if tx.send(v).is_err() {
                        break;
                    }
                }
                buf.clear();
            }
        });
        let mut c = Chrome {
            child,
            to,
            from,
            next: 0,
            session: String::new(),
            events: Vec::new(),
            _profile: profile,
        };
        println!("chromium: network namespace of its own: {isolated}");
        let target = c.call("Target.createTarget", json!({"url": "about:blank"}));
        let id = target["targetId"].as_str()?.to_owned();
        let attached = c.call(
            "Target.attachToTarget",
            json!({"targetId": id, "flatten": true}),
        );
        c.session = attached["sessionId"].as_str()?.to_owned();
        for domain in [
            "Runtime.enable",
            "Log.enable",
            "Network.enable",
            "Page.enable",
        ] {
            c.call(domain, json!({}));
        }
        c.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 1400, "height": 1800, "deviceScaleFactor": 1, "mobile": false}),
        );
        Some(c)
    }

    /// Sends a command (to the page's session once there is one) and waits for its answer,
    /// keeping the events that arrive meanwhile.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let mut msg = json!({"id": self.next, "method": method, "params": params});
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        let mut bytes = serde_json::to_vec(&msg).expect("json");
        bytes.push(0);
        self.to.write_all(&bytes).expect("writes to chromium");
        self.to.flush().expect("flush");
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let v = self
                .from
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("chromium did not answer {method} in {WAIT:?}"));
            if v.get("id").and_then(Value::as_u64) == Some(self.next) {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
            self.events.push(v);
        }
    }

    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expr}: {r}");
        r["result"]["value"].clone()
    }

    /// Opens `file` and waits for its load event; returns the milliseconds it took.
    fn open(&mut self, file: &Path) -> f64 {
        self.events.clear();
        let url = format!("file://{}", file.display());
        let t = Instant::now();
        let nav = self.call("Page.navigate", json!({"url": url}));
        assert!(nav.get("errorText").is_none(), "{url}: {nav}");
        // Load events of the blank page before may still be on their way: poll this page's
        // state instead of trusting the next event.
        let want = json!(format!("{url} complete"));
        while self.eval("location.href + ' ' + document.readyState") != want {
            assert!(
                t.elapsed() < WAIT,
                "{url} did not load in {WAIT:?}: {}",
                self.eval("location.href + ' ' + document.readyState")
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        t.elapsed().as_secs_f64() * 1000.0
    }
}

/// Standard base64, as the protocol sends screenshots.
fn base64(text: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for v in text.bytes().filter_map(val) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// The variance of a PNG's grey levels: a blank page has none.
fn variance(png_bytes: &[u8]) -> f64 {
    let decoder = png::Decoder::new(png_bytes);
    let mut reader = decoder.read_info().expect("a png");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = info.color_type.samples();
    let greys: Vec<f64> = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|p| p.iter().take(3).map(|&c| f64::from(c)).sum::<f64>() / 3.0)
        .collect();
    let mean = greys.iter().sum::<f64>() / greys.len() as f64;
    greys.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / greys.len() as f64
}

/// A shown number read back: its value in the JSON's unit.
fn read_back(text: &str, unit: &str) -> Option<f64> {
    if unit == "shown" {
        // As the text output prints it: signs, thousands separators.
        return text.trim().replace([',', '+'], "").parse().ok();
    }
    let t = text.trim().trim_end_matches('×');
    let (number, suffix) = t.split_once(' ').unwrap_or((t, ""));
    let x: f64 = number.parse().ok()?;
    let scale = match (unit, suffix) {
        ("s", "s") | ("J", "J") | (_, "") => 1.0,
        ("s", "ms") | ("J", "mJ") => 1e-3,
        ("s", "µs") | ("J", "µJ") => 1e-6,
        ("s", "ns") | ("J", "nJ") => 1e-9,
        _ => return None,
    };
    Some(x * scale)
}

/// The screenshot folder: `target/html-screenshots`.
fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/html-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

/// Opens one report and checks it against `doc`, the JSON it was made from.
fn check_page(chrome: &mut Chrome, name: &str, html: &Path, doc: &Value) {
    let ms = chrome.open(html);
    println!("{name}: loaded in {ms:.0} ms");
    // No request but the file itself (and data: URLs).
    for e in &chrome.events {
        if e["method"] == "Network.requestWillBeSent" {
            let url = e["params"]["request"]["url"].as_str().unwrap_or("");
            assert!(
                url.starts_with("file:") || url.starts_with("data:"),
                "{name}: a request left the file: {url}"
            );
        }
        let error = match e["method"].as_str() {
            Some("Runtime.exceptionThrown") => Some(e["params"].to_string()),
            Some("Runtime.consoleAPICalled") if e["params"]["type"] == "error" => {
                Some(e["params"].to_string())
            }
            Some("Log.entryAdded") if e["params"]["entry"]["level"] == "error" => {
                Some(e["params"].to_string())
            }
            _ => None,
        };
        assert!(error.is_none(), "{name}: {error:?}");
    }
    assert_eq!(
        chrome.eval("document.body.dataset.rendered"),
        json!("1"),
        "{name}: script ran"
    );
    // Every number shown is the JSON's.
    let shown = chrome.eval(
        "[...document.querySelectorAll('[data-ptr]')].filter(e => e.dataset.ptr).map(e => [e.dataset.ptr, e.dataset.unit, e.textContent])",
    );
    let shown = shown.as_array().expect("a list");
    assert!(!shown.is_empty(), "{name}: no numbers");
    for s in shown {
        let (ptr, unit, text) = (
            s[0].as_str().unwrap_or(""),
            s[1].as_str().unwrap_or(""),
            s[2].as_str().unwrap_or(""),
        );
        let want = doc
            .pointer(ptr)
            .and_then(Value::as_f64)
            .unwrap_or_else(|| panic!("{name}: {ptr} is not a number in the JSON"));
        let got = read_back(text, unit).unwrap_or_else(|| panic!("{name}: {ptr}: {text:?}"));
        let ok = if unit == "count" {
            (got - want).abs() <= 0.0005 + want.abs() * 1e-12
        } else if unit == "shown" {
            // Rounded to the digits shown (3 significant ones, or 2 decimals).
            let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
            (got - want).abs() <= 0.51 * 10f64.powi(-(decimals as i32)) + want.abs() * 1e-12
        } else {
            (got - want).abs() <= want.abs() * 1e-3
        };
        assert!(ok, "{name}: {ptr} shows {text:?}, the JSON has {want}");
    }
    println!("{name}: {} numbers equal the JSON's", shown.len());
    // Not blank.
    let shot = chrome.call(
        "Page.captureScreenshot",
        json!({"format": "png", "captureBeyondViewport": false}),
    );
    let bytes = base64(shot["data"].as_str().unwrap_or(""));
    let v = variance(&bytes);
    std::fs::write(screenshots().join(format!("{name}.png")), &bytes).expect("screenshot");
    assert!(
        v > 100.0,
        "{name}: the page looks blank (grey variance {v:.1})"
    );
}

fn run_json(args: &[&str]) -> Value {
    let out = flypy().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "flypy {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// `flypy report DOC -o FILE`: the page of a saved document.
fn report(dir: &Path, name: &str, doc: &Value) -> PathBuf {
    let json_path = dir.join(format!("{name}.json"));
    std::fs::write(&json_path, doc.to_string()).expect("write");
    let html = dir.join(format!("{name}.html"));
    flypy()
        .arg("report")
        .arg(&json_path)
        .arg("-o")
        .arg(&html)
        .assert()
        .success();
    html
}

/// The program the trace page shows: a loop, a branch, a comprehension, a handler.
const PROGRAM: &str = "def f(n):\n    total = 0\n    for i in range(n):\n        if i % 3:\n            total += i\n    return total\n\n\ndef g(n):\n    try:\n        return [i * 2 for i in range(n)]\n    except ValueError:\n        return []\n\n\nprint(f(100), len(g(50)))\n";

#[test]
fn reports_open_in_headless_chromium() {
    let Some(mut chrome) = Chrome::start() else {
        println!(
            "SKIPPED: {CHROMIUM} is missing (scripts/test-all installs Debian's chromium when it can)"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let t = Instant::now();

    // A trace, through --format html itself, and its JSON (counts are exact, runs agree).
    let program = dir.path().join("program.py");
    std::fs::write(&program, PROGRAM).expect("write");
    let python = flypy_probe::discover()
        .into_iter()
        .rfind(|i| i.version.at_least(3, 12))
        .or_else(|| flypy_probe::discover().into_iter().last())
        .expect("an interpreter");
    let py = python.path.to_string_lossy().into_owned();
    let prog = program.to_string_lossy().into_owned();
    let trace = run_json(&["trace", "--format", "json", "--python", &py, &prog]);
    let trace_html = dir.path().join("trace.html");
    flypy()
        .args(["trace", "--format", "html", "--python", &py, "-o"])
        .arg(&trace_html)
        .arg(&prog)
        .assert()
        .success();
    check_page(&mut chrome, "trace", &trace_html, &trace);
    // One CFG node per basic block of flypy's CFG (flypy_bytecode::cfg::basic_blocks).
    let module = compiled(&python, &program);
    let codes = module.preorder();
    let drawn = chrome.eval(
        "[...document.querySelectorAll('.cfgcard')].map(c => [+c.dataset.code, c.querySelectorAll('g.node').length])",
    );
    let drawn = drawn.as_array().expect("a list");
    assert_eq!(drawn.len(), codes.len(), "a graph for every code object");
    for d in drawn {
        let i = usize::try_from(d[0].as_u64().expect("index")).expect("index");
        let blocks = basic_blocks(codes[i], python.version);
        assert_eq!(d[1].as_u64(), Some(blocks), "code object {i}");
    }
    // Hovering a source line lights up its instructions.
    let at = chrome.eval(
        "(() => { const d = document.querySelector('.src div[data-line=\"5\"]'); d.scrollIntoView({block: 'center'}); const r = d.getBoundingClientRect(); return [r.x + 40, r.y + r.height / 2]; })()",
    );
    let (x, y) = (at[0].as_f64().unwrap_or(0.0), at[1].as_f64().unwrap_or(0.0));
    chrome.call(
        "Input.dispatchMouseEvent",
        json!({"type": "mouseMoved", "x": x, "y": y}),
    );
    // Lit: the instructions whose positions span line 5 (a `def` spans its whole body).
    let lit = chrome.eval(
        "[...document.querySelectorAll('tr.ins.hl')].map(r => [+r.dataset.l0, +r.dataset.l1])",
    );
    let lit = lit.as_array().expect("a list");
    assert!(!lit.is_empty(), "hovering line 5 lights up no instruction");
    let span = |r: &Value| (r[0].as_u64().unwrap_or(0), r[1].as_u64().unwrap_or(0));
    assert!(
        lit.iter().map(span).all(|(a, b)| a <= 5 && 5 <= b),
        "{lit:?}"
    );
    assert!(lit.iter().map(span).any(|s| s == (5, 5)), "{lit:?}");
    let all = chrome.eval(
        "[...document.querySelectorAll('tr.ins')].filter(r => +r.dataset.l0 <= 5 && 5 <= +r.dataset.l1).length",
    );
    assert_eq!(
        all.as_u64(),
        Some(lit.len() as u64),
        "every instruction of line 5 lit"
    );
    let shot = chrome.call("Page.captureScreenshot", json!({"format": "png"}));
    std::fs::write(
        screenshots().join("trace-hover.png"),
        base64(shot["data"].as_str().unwrap_or("")),
    )
    .expect("screenshot");

    // Time, cost, and the two dives: each saved JSON drawn by `flypy report`.
    let time = run_json(&[
        "time",
        "--format",
        "json",
        "--python",
        &py,
        "--processes",
        "4",
        "--",
        "[i for i in range(50)]",
        "list(range(50))",
    ]);
    let html = report(dir.path(), "time", &time);
    check_page(&mut chrome, "time", &html, &time);
    let valgrind = Process::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if valgrind {
        let cost = run_json(&[
            "cost",
            "--format",
            "json",
            "--python",
            &py,
            "[i for i in range(50)]",
        ]);
        let html = report(dir.path(), "cost", &cost);
        check_page(&mut chrome, "cost", &html, &cost);
    } else {
        println!("SKIPPED the cost page: valgrind is missing");
    }
    let dive = run_json(&["dive", "--format", "json", "--quick"]);
    let html = report(dir.path(), "dive", &dive);
    let size = std::fs::metadata(&html).expect("size").len();
    println!("dive: {size} bytes");
    check_page(&mut chrome, "dive", &html, &dive);
    let all = run_json(&["dive", "--format", "json", "--pythons", "all", "--quick"]);
    let html = report(dir.path(), "dive-all", &all);
    check_page(&mut chrome, "dive-all", &html, &all);
    dive_graphs_and_source(&mut chrome, &all, dir.path());
    println!("all pages checked in {:.1} s", t.elapsed().as_secs_f64());
}

/// `path` compiled by `python`, read by flypy: the module's code object.
fn compiled(python: &flypy_probe::Interpreter, path: &Path) -> std::sync::Arc<flypy_marshal::Code> {
    let compiled = flypy_probe::compile_files(python, &[path.to_owned()])
        .expect("the compile helper runs")
        .remove(0)
        .expect("it compiles");
    let module = compiled.load(python.version).expect("flypy reads it");
    module.as_code().expect("a code object").clone()
}

/// How many basic blocks flypy's CFG splits `code` into (flypy_bytecode::cfg::basic_blocks).
fn basic_blocks(code: &flypy_marshal::Code, version: flypy_marshal::PyVersion) -> u64 {
    let instrs = flypy_bytecode::dis::instructions(code, version).expect("dis");
    let handlers: Vec<u32> = flypy_bytecode::exception_table::parse(&code.exceptiontable)
        .expect("table")
        .iter()
        .map(|e| e.target)
        .collect();
    flypy_bytecode::cfg::basic_blocks(&instrs, &handlers).len() as u64
}

/// The `--pythons all` dive page (open in `chrome`): every counted variant's code objects have
/// a graph with one node per basic block of flypy's CFG of that code, compiled here by the same
/// interpreter from the document's source; and hovering a line of the open interpreter's source
/// lights up exactly that interpreter's instructions of the line, in every variant.
fn dive_graphs_and_source(chrome: &mut Chrome, doc: &Value, dir: &Path) {
    let pythons = doc["pythons"].as_array().expect("pythons");
    let interps = flypy_probe::discover();
    let drawn = chrome.eval(
        "[...document.querySelectorAll('details.py')].map(d => [...d.querySelectorAll('.cfgcard')].map(c => [+c.dataset.variant, +c.dataset.graph, c.querySelectorAll('g.node').length]))",
    );
    let drawn = drawn.as_array().expect("a list per interpreter");
    assert_eq!(drawn.len(), pythons.len());
    let mut checked = 0;
    for (p, (py, cards)) in pythons.iter().zip(drawn).enumerate() {
        let cards = cards.as_array().expect("cards");
        let graphs: usize = py["variants"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| v["graphs"].as_array().map_or(0, Vec::len))
            .sum();
        assert_eq!(cards.len(), graphs, "python {p}: a card per code object");
        if cards.is_empty() {
            continue;
        }
        let interp = interps
            .iter()
            .find(|i| i.path.display().to_string() == py["path"].as_str().unwrap_or(""))
            .expect("the dive's interpreter is found here");
        let path = dir.join(format!("case_{p}.py"));
        std::fs::write(&path, py["source"].as_str().expect("source")).expect("write");
        let module = compiled(interp, &path);
        let codes = module.preorder();
        for c in cards {
            let (k, g) = (c[0].as_u64().expect("k"), c[1].as_u64().expect("g"));
            let graph = &py["variants"][k as usize]["graphs"][g as usize];
            let code = codes
                .iter()
                .find(|code| {
                    code.firstlineno as u64 == graph["firstlineno"].as_u64().unwrap_or(0)
                        && code
                            .qualname
                            .as_ref()
                            .or(Some(&code.name))
                            .and_then(|q| q.as_text())
                            .is_some_and(|q| graph["code"].as_str() == Some(&*q))
                })
                .unwrap_or_else(|| panic!("python {p}: no code object {graph}"));
            assert_eq!(
                c[2].as_u64(),
                Some(basic_blocks(code, interp.version)),
                "python {p}, variant {k}, graph {g}"
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no dive graph drawn");
    println!("dive-all: {checked} graphs have flypy's basic blocks");
    // The open interpreter (the last): hover the line with `.append(`.
    let last = pythons.len() - 1;
    let source = pythons[last]["source"].as_str().expect("source");
    let line = source
        .lines()
        .position(|l| l.contains(".append("))
        .expect("the default case appends")
        + 1;
    let at = chrome.eval(&format!(
        "(() => {{ const d = [...document.querySelectorAll('details.py')][{last}].querySelector('.src div[data-line=\"{line}\"]'); d.scrollIntoView({{block: 'center'}}); const r = d.getBoundingClientRect(); return [r.x + 40, r.y + r.height / 2]; }})()"
    ));
    let (x, y) = (at[0].as_f64().unwrap_or(0.0), at[1].as_f64().unwrap_or(0.0));
    chrome.call(
        "Input.dispatchMouseEvent",
        json!({"type": "mouseMoved", "x": x, "y": y}),
    );
    let lit = chrome.eval(&format!(
        "(() => {{ const own = [...document.querySelectorAll('details.py')][{last}]; const lit = [...document.querySelectorAll('tr.ins.hl')]; return [lit.length, lit.filter(r => own.contains(r)).length, [...own.querySelectorAll('tr.ins')].filter(r => +r.dataset.l0 <= {line} && {line} <= +r.dataset.l1).length]; }})()"
    ));
    assert!(
        lit[0].as_u64() > Some(0),
        "hovering line {line} lights up nothing"
    );
    assert_eq!(
        lit[0], lit[1],
        "only the hovered interpreter's instructions: {lit}"
    );
    assert_eq!(lit[0], lit[2], "every instruction of line {line}: {lit}");
    let shot = chrome.call("Page.captureScreenshot", json!({"format": "png"}));
    std::fs::write(
        screenshots().join("dive-all-hover.png"),
        base64(shot["data"].as_str().unwrap_or("")),
    )
    .expect("screenshot");
}

/// Bad input to the HTML exporter: a clear error, exit 2, no panic and no page.
#[test]
fn html_output_errors_are_clear() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = dir.path().join("dis.json");
    std::fs::write(&doc, r#"{"schema": "flypy.dis/1", "files": []}"#).expect("write");
    let out = flypy()
        .arg("report")
        .arg(&doc)
        .arg("-o")
        .arg(dir.path().join("x.html"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a document flypy draws"));
    let program = dir.path().join("p.py");
    std::fs::write(&program, "x = 1\n").expect("write");
    let out = flypy()
        .args(["trace", "--format", "html", "-o"])
        .arg(dir.path().join("no/such/folder/x.html"))
        .arg(&program)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("writing the HTML report to"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
