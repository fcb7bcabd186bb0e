//! The charts, as SVG written here: bars with confidence intervals, plain and stacked bars,
//! lines across versions. Every value label is a number with its JSON pointer.

use std::fmt::Write as _;

use crate::markup::{esc, num_attrs, show, Unit};

const PALETTE: &[&str] = &[
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#2f4b7c", "#a05195", "#665191", "#d45087", "#003f5c", "#ffa600",
];

pub fn colour(k: usize) -> &'static str {
    PALETTE[k % PALETTE.len()]
}

/// One bar: a value with its pointer, and a confidence interval when there is one.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub ptr: String,
    pub ci: Option<(f64, f64)>,
}

/// The top of an axis with four round ticks (1, 2, 2.5 or 5 times a power of ten) covering `max`.
fn nice_top(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let raw = max / 4.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * power);
    step * 4.0
}

const LABEL_W: f64 = 200.0;
const PLOT_W: f64 = 430.0;
const VALUE_W: f64 = 110.0;
const ROW_H: f64 = 26.0;

/// Horizontal bars, one per item, CI whiskers where given.
pub fn bars(items: &[Bar], unit: Unit) -> String {
    let max = items
        .iter()
        .map(|b| b.ci.map_or(b.value, |(_, hi)| hi.max(b.value)))
        .fold(0.0_f64, f64::max);
    let max = nice_top(max);
    let scale = PLOT_W / max;
    let h = ROW_H * items.len() as f64 + 24.0;
    let w = LABEL_W + PLOT_W + VALUE_W;
    let mut s = format!(r##"<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img">"##);
    for k in 0..=4 {
        let x = LABEL_W + PLOT_W * f64::from(k) / 4.0;
        let _ = write!(
            s,
            r##"<line class="grid" x1="{x}" y1="4" x2="{x}" y2="{}"/><text x="{x}" y="{}" text-anchor="middle" fill="#5b6475">{}</text>"##,
            h - 18.0,
            h - 4.0,
            esc(&show(max * f64::from(k) / 4.0, unit))
        );
    }
    for (i, b) in items.iter().enumerate() {
        let y = 6.0 + ROW_H * i as f64;
        let bw = (b.value * scale).max(0.0);
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" text-anchor="end">{}</text><rect x="{LABEL_W}" y="{y}" width="{bw:.1}" height="{}" rx="3" fill="{}"><title>{}</title></rect>"##,
            LABEL_W - 8.0,
            y + 14.0,
            esc(&b.label),
            ROW_H - 8.0,
            colour(i),
            esc(&b.label)
        );
        if let Some((lo, hi)) = b.ci {
            let (x0, x1) = (LABEL_W + lo * scale, LABEL_W + hi * scale);
            let ym = y + (ROW_H - 8.0) / 2.0;
            let _ = write!(
                s,
                r##"<line class="ci" x1="{x0:.1}" y1="{ym}" x2="{x1:.1}" y2="{ym}"/><line class="ci" x1="{x0:.1}" y1="{}" x2="{x0:.1}" y2="{}"/><line class="ci" x1="{x1:.1}" y1="{}" x2="{x1:.1}" y2="{}"/>"##,
                ym - 5.0,
                ym + 5.0,
                ym - 5.0,
                ym + 5.0
            );
        }
        let _ = write!(
            s,
            r##"<text x="{}" y="{}"{}>{}</text>"##,
            LABEL_W + PLOT_W + 8.0,
            y + 14.0,
            num_attrs(&b.ptr, unit),
            esc(&show(b.value, unit))
        );
    }
    s.push_str("</svg>");
    s
}

/// One segment of a stacked bar: its key (the legend's), value and pointer.
pub struct Segment {
    pub key: String,
    pub value: f64,
    pub ptr: String,
}

/// Horizontal stacked bars, one per row, segments coloured by key; the total at the end.
pub fn stacked(rows: &[(String, Vec<Segment>)], unit: Unit) -> String {
    let mut keys: Vec<&str> = Vec::new();
    for (_, segs) in rows {
        for seg in segs {
            if !keys.contains(&seg.key.as_str()) {
                keys.push(&seg.key);
            }
        }
    }
    let total = |segs: &[Segment]| segs.iter().map(|g| g.value.max(0.0)).sum::<f64>();
    let max = rows.iter().map(|(_, g)| total(g)).fold(0.0_f64, f64::max);
    let scale = if max > 0.0 { PLOT_W / max } else { 0.0 };
    let legend_rows = keys.len().div_ceil(4);
    let h = ROW_H * rows.len() as f64 + 10.0 + 18.0 * legend_rows as f64;
    let w = LABEL_W + PLOT_W + VALUE_W;
    let mut s = format!(r##"<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img">"##);
    for (i, (label, segs)) in rows.iter().enumerate() {
        let y = 4.0 + ROW_H * i as f64;
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" text-anchor="end">{}</text>"##,
            LABEL_W - 8.0,
            y + 14.0,
            esc(label)
        );
        let mut x = LABEL_W;
        for seg in segs {
            let k = keys.iter().position(|&k| k == seg.key).unwrap_or(0);
            let bw = seg.value.max(0.0) * scale;
            let _ = write!(
                s,
                r##"<rect x="{x:.1}" y="{y}" width="{bw:.1}" height="{}" fill="{}" stroke="#fff" stroke-width="0.5" data-src="{}"><title>{}: {}</title></rect>"##,
                ROW_H - 8.0,
                colour(k),
                esc(&seg.ptr),
                esc(&seg.key),
                esc(&show(seg.value, unit))
            );
            x += bw;
        }
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{}" fill="#5b6475">{}</text>"##,
            x + 6.0,
            y + 14.0,
            esc(&show(total(segs), unit))
        );
    }
    let y0 = ROW_H * rows.len() as f64 + 10.0;
    for (k, key) in keys.iter().enumerate() {
        let x = 10.0 + 185.0 * (k % 4) as f64;
        let y = y0 + 18.0 * (k / 4) as f64;
        let _ = write!(
            s,
            r##"<rect x="{x}" y="{y}" width="12" height="10" fill="{}"/><text x="{}" y="{}">{}</text>"##,
            colour(k),
            x + 16.0,
            y + 9.5,
            esc(key)
        );
    }
    s.push_str("</svg>");
    s
}

/// One line across the x labels: points with their pointers, `None` where there is none.
pub struct Series {
    pub name: String,
    pub points: Vec<Option<(f64, String)>>,
}

/// Lines across `xs` (the versions), a dot and its number at every point.
pub fn lines(xs: &[String], series: &[Series], unit: Unit) -> String {
    let (w, h, left, top, bottom) = (760.0, 300.0, 70.0, 14.0, 60.0);
    let plot_w = w - left - 150.0;
    let plot_h = h - top - bottom;
    let max = series
        .iter()
        .flat_map(|s| s.points.iter().flatten().map(|p| p.0))
        .fold(0.0_f64, f64::max);
    let max = nice_top(max);
    let step = if xs.len() > 1 {
        plot_w / (xs.len() - 1) as f64
    } else {
        0.0
    };
    let px = |i: usize| left + step * i as f64;
    let py = |v: f64| top + plot_h * (1.0 - v / max);
    let mut s = format!(r##"<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img">"##);
    for k in 0..=4 {
        let v = max * f64::from(k) / 4.0;
        let y = py(v);
        let _ = write!(
            s,
            r##"<line class="grid" x1="{left}" y1="{y:.1}" x2="{}" y2="{y:.1}"/><text x="{}" y="{:.1}" text-anchor="end" fill="#5b6475">{}</text>"##,
            left + plot_w,
            left - 6.0,
            y + 4.0,
            esc(&show(v, unit))
        );
    }
    for (i, x) in xs.iter().enumerate() {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{}" text-anchor="middle">{}</text>"##,
            px(i),
            top + plot_h + 18.0,
            esc(x)
        );
    }
    for (k, ser) in series.iter().enumerate() {
        let pts: Vec<String> = ser
            .points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                p.as_ref()
                    .map(|(v, _)| format!("{:.1},{:.1}", px(i), py(*v)))
            })
            .collect();
        let _ = write!(
            s,
            r##"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>"##,
            pts.join(" "),
            colour(k)
        );
        for (i, p) in ser.points.iter().enumerate() {
            if let Some((v, _)) = p {
                let _ = write!(
                    s,
                    r##"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{}"><title>{} {}: {}</title></circle>"##,
                    px(i),
                    py(*v),
                    colour(k),
                    esc(&ser.name),
                    esc(&xs[i]),
                    esc(&show(*v, unit))
                );
            }
        }
        let ly = top + 16.0 * k as f64 + 6.0;
        let _ = write!(
            s,
            r##"<rect x="{}" y="{ly}" width="12" height="10" fill="{}"/><text x="{}" y="{}">{}</text>"##,
            left + plot_w + 14.0,
            colour(k),
            left + plot_w + 30.0,
            ly + 9.5,
            esc(&ser.name)
        );
    }
    let _ = write!(
        s,
        r##"<line class="axis" x1="{left}" y1="{}" x2="{}" y2="{}"/></svg>"##,
        top + plot_h,
        left + plot_w,
        top + plot_h
    );
    s
}
