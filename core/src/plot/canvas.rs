//! A plotters backend with sub-pixel precision and antialiasing.
//!
//! plotters hands backends whole-pixel `i32` coordinates, which makes
//! straight lines wobble and glyphs land unevenly. The [`Canvas`] tells
//! plotters it is [`OVERSAMPLE`] times larger than the image and divides
//! every coordinate, width and font size by that factor before drawing, so
//! positions keep 1/16 px precision. The shapes then go to a [`Painter`]:
//! an antialiasing rasterizer for PNG ([`super::raster`]) or SVG elements
//! with fractional coordinates ([`super::svg`]). Text becomes glyph
//! outlines ([`super::glyphs`]), so both look the same everywhere.

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle, FontTransform,
};

use super::glyphs::{self, PathOp};

/// Virtual pixels per image pixel.
pub const OVERSAMPLE: u32 = 16;

/// A colour with opacity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paint {
    /// Red, green, blue.
    pub rgb: (u8, u8, u8),
    /// Opacity in 0..1.
    pub alpha: f32,
}

impl From<BackendColor> for Paint {
    fn from(c: BackendColor) -> Paint {
        Paint {
            rgb: c.rgb,
            alpha: c.alpha.clamp(0.0, 1.0) as f32,
        }
    }
}

/// How a line's corners and ends are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    /// Rounded corners (matplotlib's default for lines).
    Round,
    /// Sharp corners (frames and rectangles).
    Miter,
}

/// What the two output formats implement: fill a path, stroke a polyline.
pub trait Painter {
    /// Fill a path (non-zero winding, or even-odd for shapes with holes).
    fn fill(&mut self, ops: &[PathOp], paint: Paint, even_odd: bool);
    /// Stroke a polyline `width` pixels wide.
    fn stroke(&mut self, points: &[(f32, f32)], paint: Paint, width: f32, closed: bool, join: Join);
    /// Fill an axis-aligned rectangle (rasterizers have a fast path for it).
    fn fill_rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, paint: Paint) {
        self.fill(
            &polygon(&[(x0, y0), (x1, y0), (x1, y1), (x0, y1)]),
            paint,
            false,
        );
    }
    /// Fill the outlines of `text` (formats that can keep the words, as an
    /// SVG's `aria-label`, override this).
    fn text(&mut self, ops: &[PathOp], paint: Paint, _text: &str) {
        self.fill(ops, paint, false);
    }
}

impl<T: Painter> Painter for &mut T {
    fn fill(&mut self, ops: &[PathOp], paint: Paint, even_odd: bool) {
        (**self).fill(ops, paint, even_odd)
    }
    fn stroke(
        &mut self,
        points: &[(f32, f32)],
        paint: Paint,
        width: f32,
        closed: bool,
        join: Join,
    ) {
        (**self).stroke(points, paint, width, closed, join)
    }
    fn text(&mut self, ops: &[PathOp], paint: Paint, text: &str) {
        (**self).text(ops, paint, text)
    }
    fn fill_rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, paint: Paint) {
        (**self).fill_rect(x0, y0, x1, y1, paint)
    }
}

/// The error a canvas never returns (painters do not fail).
#[derive(Debug)]
pub struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("canvas error")
    }
}

impl std::error::Error for Never {}

/// A plotters backend over a painter, at [`OVERSAMPLE`] virtual pixels per pixel.
pub struct Canvas<P: Painter> {
    painter: P,
    size: (u32, u32),
}

type DrawResult = Result<(), DrawingErrorKind<Never>>;

impl<P: Painter> Canvas<P> {
    /// A canvas of `size` image pixels over `painter`.
    pub fn new(painter: P, size: (u32, u32)) -> Canvas<P> {
        Canvas { painter, size }
    }

    /// A polyline: straight horizontal or vertical two-point pieces (grid
    /// lines, ticks, axes) as rectangles with butt ends, the rest stroked.
    fn segments(&mut self, pts: &[(f32, f32)], paint: Paint, width: f32) {
        if let [(ax, ay), (bx, by)] = *pts {
            let half = width / 2.0;
            if ay == by {
                self.painter
                    .fill_rect(ax.min(bx), ay - half, ax.max(bx), ay + half, paint);
                return;
            }
            if ax == bx {
                self.painter
                    .fill_rect(ax - half, ay.min(by), ax + half, ay.max(by), paint);
                return;
            }
        }
        self.painter.stroke(pts, paint, width, false, Join::Round);
    }

    fn pt(&self, c: BackendCoord) -> (f32, f32) {
        let k = OVERSAMPLE as f32;
        (c.0 as f32 / k, c.1 as f32 / k)
    }

    /// A stroke width in image pixels. plotters' default width (1) means
    /// one image pixel, as with its own backends; explicit widths are
    /// virtual pixels.
    fn width(w: u32) -> f32 {
        if w <= 1 {
            1.0
        } else {
            w as f32 / OVERSAMPLE as f32
        }
    }
}

fn circle(cx: f32, cy: f32, r: f32) -> Vec<PathOp> {
    // Four cubic arcs: the standard 0.5523 approximation of a quarter circle.
    let k = 0.552_284_8 * r;
    vec![
        PathOp::Move(cx + r, cy),
        PathOp::Cubic(cx + r, cy + k, cx + k, cy + r, cx, cy + r),
        PathOp::Cubic(cx - k, cy + r, cx - r, cy + k, cx - r, cy),
        PathOp::Cubic(cx - r, cy - k, cx - k, cy - r, cx, cy - r),
        PathOp::Cubic(cx + k, cy - r, cx + r, cy - k, cx + r, cy),
        PathOp::Close,
    ]
}

fn polygon(points: &[(f32, f32)]) -> Vec<PathOp> {
    let mut ops = Vec::with_capacity(points.len() + 2);
    for (i, (x, y)) in points.iter().enumerate() {
        ops.push(if i == 0 {
            PathOp::Move(*x, *y)
        } else {
            PathOp::Line(*x, *y)
        });
    }
    ops.push(PathOp::Close);
    ops
}

impl<P: Painter> DrawingBackend for Canvas<P> {
    type ErrorType = Never;

    fn get_size(&self) -> (u32, u32) {
        (self.size.0 * OVERSAMPLE, self.size.1 * OVERSAMPLE)
    }

    fn ensure_prepared(&mut self) -> DrawResult {
        Ok(())
    }

    fn present(&mut self) -> DrawResult {
        Ok(())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> DrawResult {
        let (x, y) = self.pt(point);
        let s = 1.0 / OVERSAMPLE as f32;
        self.painter.fill(
            &polygon(&[(x, y), (x + s, y), (x + s, y + s), (x, y + s)]),
            color.into(),
            false,
        );
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> DrawResult {
        let pts = [self.pt(from), self.pt(to)];
        self.segments(
            &pts,
            style.color().into(),
            Self::width(style.stroke_width()),
        );
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> DrawResult {
        let (x0, y0) = self.pt(upper_left);
        let (x1, y1) = self.pt(bottom_right);
        let pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)];
        if fill {
            self.painter.fill_rect(x0, y0, x1, y1, style.color().into());
        } else {
            self.painter.stroke(
                &pts,
                style.color().into(),
                Self::width(style.stroke_width()),
                true,
                Join::Miter,
            );
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> DrawResult {
        let pts: Vec<(f32, f32)> = path.into_iter().map(|c| self.pt(c)).collect();
        if pts.len() > 1 {
            self.segments(
                &pts,
                style.color().into(),
                Self::width(style.stroke_width()),
            );
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> DrawResult {
        let (x, y) = self.pt(center);
        let r = radius as f32 / OVERSAMPLE as f32;
        let ops = circle(x, y, r);
        if fill {
            self.painter.fill(&ops, style.color().into(), false);
        } else {
            let n = 48;
            let pts: Vec<(f32, f32)> = (0..n)
                .map(|i| {
                    let a = i as f32 / n as f32 * std::f32::consts::TAU;
                    (x + r * a.cos(), y + r * a.sin())
                })
                .collect();
            self.painter.stroke(
                &pts,
                style.color().into(),
                Self::width(style.stroke_width()),
                true,
                Join::Round,
            );
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> DrawResult {
        let pts: Vec<(f32, f32)> = vert.into_iter().map(|c| self.pt(c)).collect();
        if pts.len() > 2 {
            self.painter
                .fill(&polygon(&pts), style.color().into(), false);
        }
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> DrawResult {
        let color = style.color();
        if color.alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        let size = style.size() as f32 / OVERSAMPLE as f32;
        let bold = matches!(style.style(), FontStyle::Bold);
        let m = glyphs::measure(text, size, bold);
        let height = m.ascent + m.descent;
        let anchor = style.anchor();
        let dx = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => -m.width / 2.0,
            HPos::Right => -m.width,
        };
        let dy = match anchor.v_pos {
            VPos::Top => 0.0,
            VPos::Center => -height / 2.0,
            VPos::Bottom => -height,
        };
        let (ox, oy) = self.pt(pos);
        let transform = style.transform();
        let ops = glyphs::outline(text, size, bold, |x, y| {
            let (x, y) = (x + dx, y + m.ascent + dy);
            let (x, y) = match transform {
                FontTransform::None => (x, y),
                FontTransform::Rotate90 => (-y, x),
                FontTransform::Rotate180 => (-x, -y),
                FontTransform::Rotate270 => (y, -x),
            };
            (ox + x, oy + y)
        });
        self.painter.text(&ops, color.into(), text);
        Ok(())
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<Never>> {
        let size = style.size() as f32 / OVERSAMPLE as f32;
        let m = glyphs::measure(text, size, matches!(style.style(), FontStyle::Bold));
        let k = OVERSAMPLE as f32;
        Ok((
            (m.width * k).ceil() as u32,
            ((m.ascent + m.descent) * k).ceil() as u32,
        ))
    }
}
