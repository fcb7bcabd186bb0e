//! The page shell (CSP, styles, script) and the small pieces every page uses: escaping,
//! numbers that carry their JSON pointer, the heat scale.

use std::fmt::Write as _;

use flypy_markup::number::sig;

use crate::limits;

/// Text made safe for HTML and SVG, in content and in quoted attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// How a number is shown. The browser test reads the text back with the same units.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Seconds, shown in s, ms, µs or ns with 4 significant digits.
    Seconds,
    /// A count: integers exactly, fractions with up to 3 decimals.
    Count,
    /// A ratio, `1.234×`.
    Ratio,
    /// Joules, with 4 significant digits.
    Joules,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::Seconds => "s",
            Unit::Count => "count",
            Unit::Ratio => "ratio",
            Unit::Joules => "J",
        }
    }
}

/// The text of `x` in `unit`.
pub fn show(x: f64, unit: Unit) -> String {
    match unit {
        Unit::Seconds => {
            let (scale, suffix) = match x.abs() {
                a if a >= 1.0 => (1.0, "s"),
                a if a >= 1e-3 => (1e3, "ms"),
                a if a >= 1e-6 => (1e6, "µs"),
                _ => (1e9, "ns"),
            };
            format!("{} {suffix}", sig(x * scale, 4))
        }
        Unit::Count => {
            if x.fract() == 0.0 && x.abs() < 1e15 {
                format!("{}", x as i64)
            } else {
                let s = format!("{x:.3}");
                s.trim_end_matches('0').trim_end_matches('.').to_owned()
            }
        }
        Unit::Ratio => format!("{}×", sig(x, 4)),
        Unit::Joules => {
            let (scale, suffix) = match x.abs() {
                a if a >= 1.0 => (1.0, "J"),
                a if a >= 1e-3 => (1e3, "mJ"),
                a if a >= 1e-6 => (1e6, "µJ"),
                _ => (1e9, "nJ"),
            };
            format!("{} {suffix}", sig(x * scale, 4))
        }
    }
}

/// A number in running text, carrying where it comes from in the JSON document.
pub fn num(ptr: &str, x: f64, unit: Unit) -> String {
    format!(
        r#"<span class="num" data-ptr="{}" data-unit="{}">{}</span>"#,
        esc(ptr),
        unit.name(),
        show(x, unit)
    )
}

/// The attributes that make an SVG `<text>` such a number.
pub fn num_attrs(ptr: &str, unit: Unit) -> String {
    format!(
        r#" class="num" data-ptr="{}" data-unit="{}""#,
        esc(ptr),
        unit.name()
    )
}

/// Heat from 0 (cold) to 1 (the hottest), on a log scale: counts span orders of magnitude.
pub fn heat(count: f64, max: f64) -> f64 {
    if count <= 0.0 || max <= 0.0 {
        return 0.0;
    }
    ((1.0 + count).ln() / (1.0 + max).ln()).clamp(0.0, 1.0)
}

/// The colour of a heat: pale yellow to deep red.
pub fn heat_colour(h: f64) -> String {
    if h <= 0.0 {
        return "#f4f5f7".to_owned();
    }
    let hue = 55.0 - 50.0 * h;
    let light = 88.0 - 38.0 * h;
    format!("hsl({hue:.0},90%,{light:.0}%)")
}

/// A legend for the heat scale up to `max`.
pub fn heat_legend(max: f64) -> String {
    let mut s = String::from(r#"<div class="legend">heat: "#);
    for k in 0..=5 {
        let h = f64::from(k) / 5.0;
        // The count at that heat, inverting the log scale.
        let c = ((1.0 + max).ln() * h).exp() - 1.0;
        let _ = write!(
            s,
            r#"<span class="sw" style="background:{}"></span>{} "#,
            heat_colour(h),
            show(c.round(), Unit::Count)
        );
    }
    s.push_str("</div>");
    s
}

/// A JSON pointer from its parts.
pub fn ptr(parts: &[&dyn std::fmt::Display]) -> String {
    let mut s = String::new();
    for p in parts {
        let part = p.to_string().replace('~', "~0").replace('/', "~1");
        s.push('/');
        s.push_str(&part);
    }
    s
}

const STYLE: &str = r#"
:root{--fg:#1d2330;--mute:#5b6475;--line:#dde1e8;--accent:#2f6fdf;--bg:#fff;--panel:#f8f9fb}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0}
header{background:linear-gradient(90deg,#1b2a4a,#2f4f8f);color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;color:#cfd8ea}
main{padding:8px 28px 40px;max-width:1500px}
h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
.note{background:#fff7e0;border-left:4px solid #e0a800;padding:6px 10px;margin:8px 0;color:#5a4500}
.muted{color:var(--mute)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:18px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 14px;overflow:auto}
pre,code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px}
pre.explain{white-space:pre-wrap;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px}
div.explain{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:4px 12px}
div.why{border-bottom:1px solid var(--line);padding:4px 0}
div.why:last-child{border-bottom:none}
div.why p{margin:6px 0}
div.why table.ops{margin:2px 0 6px 12px}
div.why table.ops td{white-space:normal}
.remark{color:var(--mute);font-size:13px}
dl.methods dt{font-weight:600;margin-top:6px}
dl.methods dd{margin:0 0 0 16px;color:var(--mute)}
table{border-collapse:collapse}
td,th{padding:1px 8px;text-align:left;white-space:pre}
th{font-weight:600;color:var(--mute);border-bottom:1px solid var(--line)}
td.r,th.r{text-align:right}
.split{display:grid;grid-template-columns:minmax(300px,1fr) minmax(420px,1.3fr);gap:16px;align-items:start}
.src{position:sticky;top:0;max-height:92vh;overflow:auto;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:6px 0}
.src div{white-space:pre;padding:0 10px;font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px;cursor:default}
.src div:hover,.src div.hl{background:#dbe7ff}
.src span.ln{display:inline-block;width:4.5em;color:var(--mute);user-select:none}
.src mark{background:#ffd24d}
.listing tr.ins.hl td{outline:1px solid var(--accent);background:#dbe7ff!important}
.legend{font-size:12px;color:var(--mute);margin:4px 0}
.legend .sw{display:inline-block;width:14px;height:10px;margin:0 3px 0 8px;border:1px solid #ccc;vertical-align:middle}
svg{display:block;max-width:100%;height:auto}
svg text{font:12px system-ui,sans-serif;fill:#1d2330}
svg .axis{stroke:#9aa3b2;stroke-width:1}
svg .grid{stroke:#e6e9ef;stroke-width:1}
svg .ci{stroke:#1d2330;stroke-width:1.5}
svg.cfg text{font:11px ui-monospace,"DejaVu Sans Mono",monospace}
svg.cfg .node rect{stroke:#6b7385;stroke-width:1}
svg.cfg .edge{fill:none;stroke:#7a8599;stroke-width:1.3}
svg.cfg .edge.exception{stroke-dasharray:3 3;stroke:#c3c8d1;stroke-width:1}
svg.cfg .edge.back{stroke:#c0504d}
svg.cfg .elabel{fill:#33415c;font-size:10.5px}
details.numbers{margin-top:6px;font-size:12px}details.numbers td{padding:0 6px}
footer{color:var(--mute);font-size:12px;padding:16px 28px;border-top:1px solid var(--line)}
"#;

/// Hover a source line: its instructions light up (by their positions' line range). Hover an
/// instruction: its source columns are marked. Each `.split` (a source pane beside its
/// listings: one on a trace page, one per interpreter on a dive page) is its own scope, so a
/// line lights up only the instructions compiled from that source. Indexes are built once.
const SCRIPT: &str = r#"
(function(){
  var lit = [];
  function clear(){ for (var k = 0; k < lit.length; k++) lit[k].classList.remove('hl'); lit = []; }
  var scopes = document.querySelectorAll('.split');
  for (var s = 0; s < scopes.length; s++) (function(scope){
    var byLine = {};
    var rows = scope.querySelectorAll('tr.ins[data-l0]');
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i], a = +r.dataset.l0, b = +(r.dataset.l1 || a);
      if (b - a > 200) b = a + 200;
      for (var l = a; l <= b; l++) (byLine[l] = byLine[l] || []).push(r);
    }
    var src = scope.querySelector('.src');
    if (!src) return;
    src.addEventListener('mouseover', function(e){
      var d = e.target.closest('div[data-line]'); if (!d) return;
      clear();
      var hit = byLine[+d.dataset.line] || [];
      for (var k = 0; k < hit.length; k++) { hit[k].classList.add('hl'); lit.push(hit[k]); }
      document.body.dataset.lit = String(hit.length);
    });
  })(scopes[s]);
  var marked = null;
  document.addEventListener('mouseover', function(e){
    var r = e.target.closest && e.target.closest('tr.ins[data-c0]');
    if (marked) { marked.textContent = marked.dataset.text; marked = null; }
    var scope = r && r.closest('.split');
    if (!scope) return;
    var d = scope.querySelector('.src div[data-line="' + r.dataset.l0 + '"] .tx');
    if (!d) return;
    var t = d.textContent, c0 = +r.dataset.c0, c1 = +r.dataset.c1;
    if (r.dataset.l1 !== r.dataset.l0) c1 = t.length;
    d.dataset.text = t;
    d.textContent = '';
    d.appendChild(document.createTextNode(t.slice(0, c0)));
    var m = document.createElement('mark'); m.textContent = t.slice(c0, c1); d.appendChild(m);
    d.appendChild(document.createTextNode(t.slice(c1)));
    marked = d;
  });
  document.body.dataset.rendered = '1';
})();
"#;

/// The whole page around `body`.
pub fn page(title: &str, subtitle: &str, body: &str) -> String {
    let mut s = String::with_capacity(body.len() + 8192);
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    s.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n",
    );
    s.push_str("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n");
    let _ = write!(
        s,
        "<title>{}</title>\n<style>{STYLE}</style></head>\n",
        esc(title)
    );
    let _ = write!(
        s,
        "<body><header><h1>{}</h1><p>{}</p></header>\n<main>\n{body}\n</main>\n",
        esc(title),
        esc(subtitle)
    );
    let _ = writeln!(
        s,
        "<footer>Made by flypy from the JSON document of the same run (docs/json.md); one file, no network. Every number carries its JSON pointer (data-ptr). This page: about __FLYPY_PAGE_KB__ kB. Limits: control-flow graphs for the {} most executed code objects of at most {} blocks, {} listed instructions, {} source lines, {} bars a chart; a note says what each left out.</footer>",
        limits::MAX_GRAPHS,
        limits::MAX_GRAPH_BLOCKS,
        limits::MAX_LISTED_INSTRUCTIONS,
        limits::MAX_SOURCE_LINES,
        limits::MAX_BARS
    );
    let _ = write!(s, "<script>{SCRIPT}</script>\n</body></html>\n");
    s
}

/// A note saying what a page left out.
pub fn note(text: &str) -> String {
    format!(r#"<p class="note">{}</p>"#, esc(text))
}
