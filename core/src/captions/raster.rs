//! Laid-out glyphs → one premultiplied RGBA picture: background boxes, shadow, outline, fill,
//! colour glyphs (emoji), back to front. Done once per caption state and output size.

use cosmic_text::{FontSystem, SwashCache, SwashContent};

use crate::captions::layout::Laid;
use crate::captions::style::{Rgba, Style};

/// Widest outline drawn, in pixels (about 0.1 em at 4K height).
pub const MAX_STROKE_PX: f32 = 24.0;

/// Premultiplied RGBA, tightly packed, even width and height.
#[derive(Debug, Clone)]
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

/// An f32 canvas of premultiplied RGBA.
struct Canvas {
    w: usize,
    h: usize,
    px: Vec<[f32; 4]>,
}

impl Canvas {
    /// Paints `colour` through coverage `mask` (0..1) over what is there.
    fn paint(&mut self, mask: &[f32], colour: Rgba) {
        let [r, g, b, a] = colour.0.map(|c| c as f32 / 255.0);
        for (p, &m) in self.px.iter_mut().zip(mask) {
            let sa = m * a;
            if sa > 0.0 {
                let k = 1.0 - sa;
                *p = [r * sa + p[0] * k, g * sa + p[1] * k, b * sa + p[2] * k, sa + p[3] * k];
            }
        }
    }
}

/// Draws `laid` in `style`; glyphs whose text starts in `highlight` (a byte range) use the
/// highlight colour.
pub fn rasterise(
    fs: &mut FontSystem,
    cache: &mut SwashCache,
    laid: &Laid,
    style: &Style,
    highlight: Option<std::ops::Range<usize>>,
) -> Image {
    let px = laid.px;
    // The outline's cost grows with its radius squared: a cap keeps huge captions from stalling.
    let stroke = (style.stroke_width * px).min(MAX_STROKE_PX);
    let pad = if style.background.is_some() { style.padding * px } else { 0.0 };
    let shadow_ext = style.shadow.map(|s| s.offset[0].abs().max(s.offset[1].abs()) * px + 3.0 * s.blur * px).unwrap_or(0.0);
    let margin = (stroke.max(pad) + shadow_ext + 3.0).ceil() as i32;
    let w = ((laid.width.ceil() as i32 + 2 * margin + 1) & !1).max(2) as usize;
    let h = ((laid.height.ceil() as i32 + 2 * margin + 1) & !1).max(2) as usize;
    let (ox, oy) = (margin, margin);

    let mut fill = vec![0f32; w * h];
    let mut hi = vec![0f32; w * h];
    let mut colour = Canvas { w, h, px: vec![[0.0; 4]; w * h] };
    for g in &laid.glyphs {
        let Some(img) = cache.get_image(fs, g.key).as_ref() else { continue };
        let pl = img.placement;
        if pl.width == 0 || pl.height == 0 {
            continue;
        }
        match img.content {
            SwashContent::Mask | SwashContent::SubpixelMask => {
                let target = if highlight.as_ref().is_some_and(|r| r.contains(&g.start)) { &mut hi } else { &mut fill };
                let step = if img.content == SwashContent::Mask { 1 } else { 4 };
                let (x0, y0) = (g.x + ox + pl.left, g.y + oy - pl.top);
                for yy in 0..pl.height as i32 {
                    for xx in 0..pl.width as i32 {
                        let (cx, cy) = (x0 + xx, y0 + yy);
                        if cx < 0 || cy < 0 || cx >= w as i32 || cy >= h as i32 {
                            continue;
                        }
                        let a = img.data[(yy as usize * pl.width as usize + xx as usize) * step] as f32 / 255.0;
                        let t = &mut target[cy as usize * w + cx as usize];
                        *t = (*t + a).min(1.0);
                    }
                }
            }
            SwashContent::Color => draw_colour_bitmap(&mut colour, img.data.as_slice(), pl, g, ox, oy),
        }
    }
    // Everything the outline and shadow follow: text and emoji.
    let ink: Vec<f32> = (0..w * h).map(|i| fill[i].max(hi[i]).max(colour.px[i][3])).collect();

    let mut out = Canvas { w, h, px: vec![[0.0; 4]; w * h] };
    if let Some(bg) = style.background {
        let r = style.corner_radius * px;
        let mut boxes = vec![0f32; w * h];
        for &(x0, top, x1, bottom) in &laid.lines {
            let vpad = pad * 0.35;
            rounded_rect(&mut boxes, w, h, [x0 - pad + ox as f32, top - vpad + oy as f32, x1 + pad + ox as f32, bottom + vpad + oy as f32], r);
        }
        out.paint(&boxes, bg);
    }
    let outline = if stroke > 0.0 { Some(dilate(&ink, w, h, stroke)) } else { None };
    if let Some(s) = style.shadow {
        let base: Vec<f32> = match &outline {
            Some(o) => o.iter().zip(&ink).map(|(a, b)| a.max(*b)).collect(),
            None => ink.clone(),
        };
        let shifted = shift(&base, w, h, (s.offset[0] * px).round() as i32, (s.offset[1] * px).round() as i32);
        let blurred = box_blur(&shifted, w, h, (s.blur * px).round().max(0.0) as usize);
        out.paint(&blurred, s.color);
    }
    if let Some(o) = &outline {
        out.paint(o, style.stroke_color);
    }
    out.paint(&fill, style.color);
    out.paint(&hi, style.highlight);
    for (p, c) in out.px.iter_mut().zip(&colour.px) {
        let k = 1.0 - c[3];
        *p = [c[0] + p[0] * k, c[1] + p[1] * k, c[2] + p[2] * k, c[3] + p[3] * k];
    }
    let q = |v: f32| (v * 255.0).round().clamp(0.0, 255.0) as u8;
    let rgba = out.px.iter().flat_map(|p| p.map(q)).collect();
    Image { width: w as u32, height: h as u32, rgba }
}

/// Colour glyphs come as fixed-size bitmaps (Noto Color Emoji: 136 px strikes at 109 ppem);
/// scale them to the glyph's advance with an area average.
fn draw_colour_bitmap(dst: &mut Canvas, data: &[u8], pl: cosmic_text::Placement, g: &crate::captions::layout::Glyph, ox: i32, oy: i32) {
    let s = if pl.width as f32 > g.advance * 1.2 && g.advance > 0.0 { g.advance / pl.width as f32 } else { 1.0 };
    let dw = (pl.width as f32 * s).round().max(1.0) as i32;
    let dh = (pl.height as f32 * s).round().max(1.0) as i32;
    let x0 = g.x + ox + (pl.left as f32 * s).round() as i32;
    let y0 = g.y + oy - (pl.top as f32 * s).round() as i32;
    let (sw, sh) = (pl.width as usize, pl.height as usize);
    for dy in 0..dh {
        for dx in 0..dw {
            let (cx, cy) = (x0 + dx, y0 + dy);
            if cx < 0 || cy < 0 || cx >= dst.w as i32 || cy >= dst.h as i32 {
                continue;
            }
            let (sx0, sx1) = ((dx as f32 / s) as usize, (((dx + 1) as f32 / s) as usize).clamp(1, sw));
            let (sy0, sy1) = ((dy as f32 / s) as usize, (((dy + 1) as f32 / s) as usize).clamp(1, sh));
            let mut acc = [0f32; 4];
            let mut n = 0f32;
            for sy in sy0.min(sh - 1)..sy1.max(sy0.min(sh - 1) + 1) {
                for sx in sx0.min(sw - 1)..sx1.max(sx0.min(sw - 1) + 1) {
                    let i = (sy * sw + sx) * 4;
                    let a = data[i + 3] as f32 / 255.0;
                    // Straight alpha in, premultiplied accumulation.
                    acc[0] += data[i] as f32 / 255.0 * a;
                    acc[1] += data[i + 1] as f32 / 255.0 * a;
                    acc[2] += data[i + 2] as f32 / 255.0 * a;
                    acc[3] += a;
                    n += 1.0;
                }
            }
            let c = acc.map(|v| v / n);
            let p = &mut dst.px[cy as usize * dst.w + cx as usize];
            let k = 1.0 - c[3];
            *p = [c[0] + p[0] * k, c[1] + p[1] * k, c[2] + p[2] * k, c[3] + p[3] * k];
        }
    }
}

/// Round-brush outline: the ink grown by `r` pixels with an anti-aliased edge.
fn dilate(a: &[f32], w: usize, h: usize, r: f32) -> Vec<f32> {
    let ri = r.ceil() as i32 + 1;
    let mut brush = Vec::new();
    for dy in -ri..=ri {
        for dx in -ri..=ri {
            let k = (r + 0.5 - ((dx * dx + dy * dy) as f32).sqrt()).clamp(0.0, 1.0);
            if k > 0.0 {
                brush.push((dx, dy, k));
            }
        }
    }
    let mut out = vec![0f32; w * h];
    for y in 0..h as i32 {
        for x in 0..w as i32 {
            let v = a[y as usize * w + x as usize];
            if v <= 0.0 {
                continue;
            }
            for &(dx, dy, k) in &brush {
                let (xx, yy) = (x + dx, y + dy);
                if xx >= 0 && yy >= 0 && xx < w as i32 && yy < h as i32 {
                    let o = &mut out[yy as usize * w + xx as usize];
                    *o = o.max(v * k);
                }
            }
        }
    }
    out
}

fn shift(a: &[f32], w: usize, h: usize, dx: i32, dy: i32) -> Vec<f32> {
    let mut out = vec![0f32; w * h];
    for y in 0..h as i32 {
        for x in 0..w as i32 {
            let (sx, sy) = (x - dx, y - dy);
            if sx >= 0 && sy >= 0 && sx < w as i32 && sy < h as i32 {
                out[y as usize * w + x as usize] = a[sy as usize * w + sx as usize];
            }
        }
    }
    out
}

/// Three box passes ≈ a Gaussian.
fn box_blur(a: &[f32], w: usize, h: usize, r: usize) -> Vec<f32> {
    if r == 0 {
        return a.to_vec();
    }
    let mut cur = a.to_vec();
    for _ in 0..3 {
        cur = blur_1d(&cur, w, h, r, true);
        cur = blur_1d(&cur, w, h, r, false);
    }
    cur
}

fn blur_1d(a: &[f32], w: usize, h: usize, r: usize, horizontal: bool) -> Vec<f32> {
    let (n, lines) = if horizontal { (w, h) } else { (h, w) };
    let idx = |line: usize, i: usize| if horizontal { line * w + i } else { i * w + line };
    let mut out = vec![0f32; w * h];
    let norm = 1.0 / (2 * r + 1) as f32;
    for line in 0..lines {
        let mut sum = 0f32;
        for i in 0..=r.min(n - 1) {
            sum += a[idx(line, i)];
        }
        for i in 0..n {
            out[idx(line, i)] = sum * norm;
            if i + r + 1 < n {
                sum += a[idx(line, i + r + 1)];
            }
            if i >= r {
                sum -= a[idx(line, i - r)];
            }
        }
    }
    out
}

/// Adds (max) an anti-aliased rounded rectangle [x0, y0, x1, y1] with corner radius `r`.
fn rounded_rect(dst: &mut [f32], w: usize, h: usize, rect: [f32; 4], r: f32) {
    let [x0, y0, x1, y1] = rect;
    let r = r.min((x1 - x0) / 2.0).min((y1 - y0) / 2.0).max(0.0);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let (hx, hy) = ((x1 - x0) / 2.0 - r, (y1 - y0) / 2.0 - r);
    for y in (y0.floor().max(0.0) as usize)..(y1.ceil().min(h as f32) as usize) {
        for x in (x0.floor().max(0.0) as usize)..(x1.ceil().min(w as f32) as usize) {
            let (px, py) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
            let (qx, qy) = (px.abs() - hx, py.abs() - hy);
            let outside = (qx.max(0.0).powi(2) + qy.max(0.0).powi(2)).sqrt() + qx.max(qy).min(0.0) - r;
            let cov = (0.5 - outside).clamp(0.0, 1.0);
            let d = &mut dst[y * w + x];
            *d = d.max(cov);
        }
    }
}
