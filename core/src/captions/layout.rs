//! Text → positioned glyphs for one output size: shaping (cosmic-text: bidi, complex scripts, font
//! fallback), balanced wrapping, shrink-to-fit, and the safe area the block must stay inside.

use cosmic_text::{Attrs, Buffer, CacheKey, Family, FontSystem, Metrics, Shaping, Weight, Wrap};

use crate::captions::model::{Align, NamedPosition, Position};
use crate::captions::style::Style;

/// Smallest font size text shrinks to before it is allowed to break inside words.
const MIN_PX: f32 = 8.0;

/// Fractions of the frame that feed UIs cover (top, bottom, left/right), by aspect ratio.
pub fn safe_margins(width: u32, height: u32) -> (f32, f32, f32) {
    let r = width as f32 / height as f32;
    if r < 0.7 {
        (0.12, 0.20, 0.06) // 9:16 and taller: the feed's header, the caption/buttons overlay
    } else if r < 0.95 {
        (0.08, 0.14, 0.06) // 4:5
    } else {
        (0.06, 0.10, 0.05) // 1:1, 16:9
    }
}

/// The safe area in pixels: (x0, y0, x1, y1).
pub fn safe_rect(width: u32, height: u32) -> (f32, f32, f32, f32) {
    let (t, b, s) = safe_margins(width, height);
    let (w, h) = (width as f32, height as f32);
    (w * s, h * t, w * (1.0 - s), h * (1.0 - b))
}

#[derive(Debug, Clone)]
pub struct Glyph {
    pub key: CacheKey,
    /// Pen position (baseline origin) in block pixels.
    pub x: i32,
    pub y: i32,
    /// Advance width in pixels (scales colour bitmaps).
    pub advance: f32,
    pub font_px: f32,
    /// Byte range in the text, to find the word it belongs to.
    pub start: usize,
}

#[derive(Debug, Clone)]
pub struct Laid {
    pub glyphs: Vec<Glyph>,
    /// Ink-independent line boxes (x0, top, x1, bottom) in block pixels, for backgrounds.
    pub lines: Vec<(f32, f32, f32, f32)>,
    pub width: f32,
    pub height: f32,
    pub px: f32,
}

pub struct Fit {
    pub max_w: f32,
    pub max_h: f32,
}

/// Lays `text` out at `px` (or smaller, until it fits `fit`), lines balanced in width.
pub fn lay_out(fs: &mut FontSystem, text: &str, style: &Style, family: &str, px: f32, fit: &Fit) -> Laid {
    let mut px = px.max(MIN_PX);
    loop {
        let strict = px > MIN_PX;
        let mut buf = shaped(fs, text, style, family, px, fit.max_w, strict);
        let (lines, widest, height) = measure(&buf);
        let fits = widest <= fit.max_w + 0.5 && height <= fit.max_h + 0.5;
        if !fits && strict {
            px = (px * 0.92).max(MIN_PX);
            continue;
        }
        // Balance: the narrowest width that keeps the same number of lines.
        if lines > 1 {
            let (mut lo, mut hi) = (widest / lines as f32, widest);
            for _ in 0..10 {
                let mid = (lo + hi) / 2.0;
                buf.set_size(Some(mid), None);
                buf.shape_until_scroll(fs, false);
                let (n, w, _) = measure(&buf);
                if n == lines && w <= mid + 0.5 { hi = mid } else { lo = mid }
            }
            buf.set_size(Some(hi.ceil() + 1.0), None);
            buf.shape_until_scroll(fs, false);
        }
        return collect(&buf, px);
    }
}

fn shaped(fs: &mut FontSystem, text: &str, style: &Style, family: &str, px: f32, max_w: f32, strict: bool) -> Buffer {
    let mut buf = Buffer::new(fs, Metrics::new(px, px * style.line_spacing));
    buf.set_wrap(if strict { Wrap::Word } else { Wrap::WordOrGlyph });
    buf.set_size(Some(max_w), None);
    let attrs = Attrs::new().family(Family::Name(family)).weight(if style.bold { Weight::BOLD } else { Weight::NORMAL });
    let align = match style.align {
        Align::Left => cosmic_text::Align::Left,
        Align::Center => cosmic_text::Align::Center,
        Align::Right => cosmic_text::Align::Right,
    };
    buf.set_text(text, &attrs, Shaping::Advanced, Some(align));
    buf.shape_until_scroll(fs, false);
    buf
}

/// (lines, widest line, total height).
fn measure(buf: &Buffer) -> (usize, f32, f32) {
    let (mut n, mut w, mut h) = (0, 0f32, 0f32);
    for run in buf.layout_runs() {
        n += 1;
        w = w.max(run.line_w);
        h = h.max(run.line_top + run.line_height);
    }
    (n, w, h)
}

fn collect(buf: &Buffer, px: f32) -> Laid {
    let mut glyphs = Vec::new();
    let mut lines = Vec::new();
    let (mut x0, mut x1, mut h) = (f32::MAX, f32::MIN, 0f32);
    for run in buf.layout_runs() {
        let (mut lx0, mut lx1) = (f32::MAX, f32::MIN);
        for g in run.glyphs {
            let p = g.physical((0.0, run.line_y), 1.0);
            glyphs.push(Glyph { key: p.cache_key, x: p.x, y: p.y, advance: g.w, font_px: g.font_size, start: g.start });
            lx0 = lx0.min(g.x);
            lx1 = lx1.max(g.x + g.w);
        }
        if lx0 <= lx1 {
            lines.push((lx0, run.line_top, lx1, run.line_top + run.line_height));
            x0 = x0.min(lx0);
            x1 = x1.max(lx1);
        }
        h = h.max(run.line_top + run.line_height);
    }
    if x0 > x1 {
        (x0, x1) = (0.0, 0.0);
    }
    // Block coordinates start at the leftmost ink-box edge.
    for g in &mut glyphs {
        g.x -= x0.floor() as i32;
    }
    for l in &mut lines {
        l.0 -= x0.floor();
        l.2 -= x0.floor();
    }
    Laid { glyphs, lines, width: x1 - x0.floor(), height: h, px }
}

/// Top-left corner for a `w`×`h` sprite at `pos`, kept inside the safe area (or centred on it when
/// larger), on even pixels so 4:2:0 chroma lines up.
pub fn place(pos: Position, w: u32, h: u32, out_w: u32, out_h: u32) -> (i32, i32) {
    let (sx0, sy0, sx1, sy1) = safe_rect(out_w, out_h);
    let (w, h) = (w as f32, h as f32);
    let (cx, cy) = match pos {
        Position::Named(NamedPosition::Top) => (out_w as f32 / 2.0, sy0 + h / 2.0),
        Position::Named(NamedPosition::Center) => (out_w as f32 / 2.0, out_h as f32 / 2.0),
        Position::Named(NamedPosition::Bottom) => (out_w as f32 / 2.0, sy1 - h / 2.0),
        Position::At { x, y } => (x.clamp(0.0, 1.0) * out_w as f32, y.clamp(0.0, 1.0) * out_h as f32),
    };
    let clamp = |c: f32, half: f32, lo: f32, hi: f32| if hi - lo < 2.0 * half { (lo + hi) / 2.0 } else { c.clamp(lo + half, hi - half) };
    let cx = clamp(cx, w / 2.0, sx0, sx1);
    let cy = clamp(cy, h / 2.0, sy0, sy1);
    let even = |v: f32| ((v / 2.0).round() as i32) * 2;
    (even(cx - w / 2.0), even(cy - h / 2.0))
}
