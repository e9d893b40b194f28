//! SVG output: the [`super::canvas::Canvas`]'s shapes as `<path>` and
//! `<polyline>` elements with coordinates to 1/100 px, text as glyph
//! outlines (as matplotlib writes it by default), so the file looks the
//! same on machines without DejaVu Sans.

use std::fmt::Write;

use super::canvas::{Join, Paint, Painter};
use super::glyphs::PathOp;

/// SVG elements being written.
pub struct Svg {
    body: String,
    size: (u32, u32),
}

impl Svg {
    /// An empty `w` x `h` drawing on white.
    pub fn new(w: u32, h: u32) -> Svg {
        Svg {
            body: String::new(),
            size: (w, h),
        }
    }

    /// The finished document.
    pub fn document(&self) -> String {
        let (w, h) = self.size;
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n\
             <rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n{}</svg>\n",
            self.body
        )
    }
}

/// A coordinate to two decimals without trailing zeros.
fn num(out: &mut String, v: f32) {
    let r = (v * 100.0).round() / 100.0;
    let r = if r == 0.0 { 0.0 } else { r };
    let _ = write!(out, "{r}");
}

fn colour(p: Paint) -> String {
    format!("#{:02x}{:02x}{:02x}", p.rgb.0, p.rgb.1, p.rgb.2)
}

fn opacity(attr: &str, p: Paint) -> String {
    if p.alpha >= 1.0 {
        String::new()
    } else {
        format!(" {attr}=\"{:.3}\"", p.alpha)
    }
}

impl Svg {
    fn path(&mut self, ops: &[PathOp], paint: Paint, even_odd: bool, label: Option<&str>) {
        if ops.is_empty() || paint.alpha <= 0.0 {
            return;
        }
        let mut d = String::with_capacity(ops.len() * 16);
        for op in ops {
            let (cmd, vals): (char, &[f32]) = match op {
                PathOp::Move(x, y) => ('M', &[*x, *y]),
                PathOp::Line(x, y) => ('L', &[*x, *y]),
                PathOp::Quad(a, b, x, y) => ('Q', &[*a, *b, *x, *y]),
                PathOp::Cubic(a, b, c, e, x, y) => ('C', &[*a, *b, *c, *e, *x, *y]),
                PathOp::Close => ('Z', &[]),
            };
            d.push(cmd);
            for (i, v) in vals.iter().enumerate() {
                if i > 0 {
                    d.push(' ');
                }
                num(&mut d, *v);
            }
        }
        let rule = if even_odd {
            " fill-rule=\"evenodd\""
        } else {
            ""
        };
        // Text keeps its words for search and screen readers.
        let label = label.map_or(String::new(), |t| format!(" aria-label=\"{}\"", escape(t)));
        let _ = writeln!(
            self.body,
            "<path{label} d=\"{d}\" fill=\"{}\"{}{rule}/>",
            colour(paint),
            opacity("fill-opacity", paint)
        );
    }
}

/// Text as an XML attribute value: markup escaped, and characters XML 1.0
/// does not allow at all (control characters but tab and newlines,
/// U+FFFE, U+FFFF) replaced by U+FFFD, so the document always parses.
fn escape(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

impl Painter for Svg {
    fn fill(&mut self, ops: &[PathOp], paint: Paint, even_odd: bool) {
        self.path(ops, paint, even_odd, None);
    }

    fn text(&mut self, ops: &[PathOp], paint: Paint, text: &str) {
        self.path(ops, paint, false, Some(text));
    }

    fn stroke(
        &mut self,
        points: &[(f32, f32)],
        paint: Paint,
        width: f32,
        closed: bool,
        join: Join,
    ) {
        if points.len() < 2 || paint.alpha <= 0.0 {
            return;
        }
        let mut pts = String::with_capacity(points.len() * 14);
        for (i, (x, y)) in points.iter().enumerate() {
            if i > 0 {
                pts.push(' ');
            }
            num(&mut pts, *x);
            pts.push(',');
            num(&mut pts, *y);
        }
        let element = if closed { "polygon" } else { "polyline" };
        let join = match join {
            Join::Round => "round",
            Join::Miter => "miter",
        };
        let mut w = String::new();
        num(&mut w, width);
        let _ = writeln!(
            self.body,
            "<{element} points=\"{pts}\" fill=\"none\" stroke=\"{}\"{} stroke-width=\"{w}\" stroke-linejoin=\"{join}\"/>",
            colour(paint),
            opacity("stroke-opacity", paint)
        );
    }
}
