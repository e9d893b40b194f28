//! Text as outlines: DejaVu Sans (compiled in, crate `dejavu`) laid out
//! with `ab_glyph` at fractional positions (advances and kerning in f32),
//! and turned into path commands that both painters fill. Drawing glyphs as
//! paths is what matplotlib does by default in SVG, and it gives PNGs even
//! glyph spacing (plotters' own text path rounds every glyph to a pixel).

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, OutlineCurve};

/// One drawing command, in pixels (y down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PathOp {
    /// Start a contour.
    Move(f32, f32),
    /// Straight segment.
    Line(f32, f32),
    /// Quadratic Bézier (control, end).
    Quad(f32, f32, f32, f32),
    /// Cubic Bézier (control 1, control 2, end).
    Cubic(f32, f32, f32, f32, f32, f32),
    /// Close the contour.
    Close,
}

struct Faces {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

fn faces() -> &'static Faces {
    static FACES: OnceLock<Faces> = OnceLock::new();
    FACES.get_or_init(|| Faces {
        // Compiled-in fonts: parsing them cannot fail at run time.
        regular: FontRef::try_from_slice(dejavu::sans::regular())
            .unwrap_or_else(|_| panic!("embedded DejaVu Sans parses")),
        bold: FontRef::try_from_slice(dejavu::sans::bold())
            .unwrap_or_else(|_| panic!("embedded DejaVu Sans Bold parses")),
    })
}

fn face(bold: bool) -> &'static FontRef<'static> {
    if bold {
        &faces().bold
    } else {
        &faces().regular
    }
}

/// Font units to pixels for a font of `size` pixels per em (matplotlib's
/// font size, where plotters' own text used the ascent-to-descent height).
fn scale(font: &FontRef<'static>, size: f32) -> f32 {
    size / font.units_per_em().unwrap_or(2048.0)
}

/// Horizontal metrics of a line of text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    /// Advance width.
    pub width: f32,
    /// Ascent above the baseline.
    pub ascent: f32,
    /// Descent below the baseline (positive).
    pub descent: f32,
}

/// Glyphs of `text` with their pen positions, and the line's metrics.
fn layout(text: &str, size: f32, bold: bool) -> (Vec<(ab_glyph::GlyphId, f32)>, Metrics) {
    let font = face(bold);
    let s = scale(font, size);
    let mut x = 0.0f32;
    let mut prev = None;
    let mut glyphs = Vec::with_capacity(text.len());
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            x += font.kern_unscaled(p, id) * s;
        }
        glyphs.push((id, x));
        x += font.h_advance_unscaled(id) * s;
        prev = Some(id);
    }
    let m = Metrics {
        width: x,
        ascent: font.ascent_unscaled() * s,
        descent: -font.descent_unscaled() * s,
    };
    (glyphs, m)
}

/// The metrics of `text` at `size` pixels per em.
pub fn measure(text: &str, size: f32, bold: bool) -> Metrics {
    layout(text, size, bold).1
}

/// Outlines of `text` with its baseline starting at the origin, transformed
/// by `place` (which maps a point of the unrotated line, y down, to the page).
pub fn outline(
    text: &str,
    size: f32,
    bold: bool,
    place: impl Fn(f32, f32) -> (f32, f32),
) -> Vec<PathOp> {
    let font = face(bold);
    let s = scale(font, size);
    let (glyphs, _) = layout(text, size, bold);
    let mut ops = Vec::new();
    for (id, pen) in glyphs {
        let Some(o) = font.outline(id) else { continue };
        // Font units are y-up; the page is y-down.
        let pt = |p: ab_glyph::Point| place(pen + p.x * s, -p.y * s);
        let mut last: Option<ab_glyph::Point> = None;
        for curve in &o.curves {
            let (start, end) = match curve {
                OutlineCurve::Line(a, b) => (*a, *b),
                OutlineCurve::Quad(a, _, b) => (*a, *b),
                OutlineCurve::Cubic(a, _, _, b) => (*a, *b),
            };
            if last != Some(start) {
                if last.is_some() {
                    ops.push(PathOp::Close);
                }
                let (x, y) = pt(start);
                ops.push(PathOp::Move(x, y));
            }
            match curve {
                OutlineCurve::Line(_, b) => {
                    let (x, y) = pt(*b);
                    ops.push(PathOp::Line(x, y));
                }
                OutlineCurve::Quad(_, c, b) => {
                    let ((cx, cy), (x, y)) = (pt(*c), pt(*b));
                    ops.push(PathOp::Quad(cx, cy, x, y));
                }
                OutlineCurve::Cubic(_, c1, c2, b) => {
                    let ((ax, ay), (bx, by), (x, y)) = (pt(*c1), pt(*c2), pt(*b));
                    ops.push(PathOp::Cubic(ax, ay, bx, by, x, y));
                }
            }
            last = Some(end);
        }
        if last.is_some() {
            ops.push(PathOp::Close);
        }
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advances_are_fractional_and_kerned() {
        let one = measure("Size", 10.0, false).width;
        let two = measure("SizeSize", 10.0, false).width;
        assert!((two - 2.0 * one).abs() < 1e-3, "{one} {two}");
        assert!(one.fract() != 0.0);
        // DejaVu Sans: ascent 1901, descent 483 units per 2048-unit em.
        let m = measure("x", 2048.0, false);
        assert_eq!((m.ascent.round(), m.descent.round()), (1901.0, 483.0));
        // Kerning pulls "AV" together.
        assert!(
            measure("AV", 20.0, false).width
                < measure("A", 20.0, false).width + measure("V", 20.0, false).width
        );
    }

    #[test]
    fn outlines_close_their_contours() {
        let ops = outline("o", 20.0, false, |x, y| (x, y));
        let moves = ops.iter().filter(|o| matches!(o, PathOp::Move(..))).count();
        let closes = ops.iter().filter(|o| matches!(o, PathOp::Close)).count();
        // "o" has an outer and an inner contour.
        assert_eq!((moves, closes), (2, 2));
        assert!(outline(" ", 20.0, false, |x, y| (x, y)).is_empty());
    }
}
