//! Where the picture goes: which part of the source is shown and where it lands, in even pixels
//! so chroma lines up.

use super::backdrop::BACKDROP_DIV;

/// A rectangle in (possibly fractional) pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct RectF {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) w: f64,
    pub(super) h: f64,
}

/// A rectangle in whole pixels; for luma rects every field is even.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RectU {
    pub(super) x: u32,
    pub(super) y: u32,
    pub(super) w: u32,
    pub(super) h: u32,
}

impl RectF {
    pub(super) fn halved(self) -> RectF {
        RectF {
            x: self.x / 2.0,
            y: self.y / 2.0,
            w: self.w / 2.0,
            h: self.h / 2.0,
        }
    }
}

impl RectU {
    pub(super) fn halved(self) -> RectU {
        RectU {
            x: self.x / 2,
            y: self.y / 2,
            w: self.w / 2,
            h: self.h / 2,
        }
    }
}

/// Rounds down to even, minimum 2.
pub(super) fn even(n: u32) -> u32 {
    (n & !1).max(2)
}

/// The centred part of the source that, scaled up or down, exactly covers the output.
pub(super) fn cover_crop(src_w: u32, src_h: u32, out_w: u32, out_h: u32) -> RectF {
    let (sw, sh, ow, oh) = (src_w as f64, src_h as f64, out_w as f64, out_h as f64);
    // Compare aspects by cross-multiplying so equal aspects stay exactly uncropped.
    let (w, h) = if ow * sh >= oh * sw {
        (sw, (sw * oh / ow).min(sh))
    } else {
        ((sh * ow / oh).min(sw), sh)
    };
    let (x, y) = ((sw - w) / 2.0, (sh - h) / 2.0);
    // Guard against rounding pushing the right/bottom edge past the source.
    RectF {
        x,
        y,
        w: w.min(sw - x),
        h: h.min(sh - y),
    }
}

/// A centred crop of fractional size or place made whole (swscale takes whole pixels only) when that
/// changes its size by at most 1 %: a 1080p source's 9:16 crop, 607.5 px wide at x 656.25, becomes
/// 608 px at x 656, a stretch of 0.08 % no one can see. The size becomes even, so the crop stays
/// exactly centred; a crop already in whole pixels, or off centre, is left as it is.
pub(super) fn snap_whole(c: RectF, src_w: u32, src_h: u32) -> RectF {
    let axis = |pos: f64, len: f64, full: u32| {
        let full = f64::from(full);
        if pos.fract() == 0.0 && len.fract() == 0.0 {
            return Some((pos, len));
        }
        let len2 = ((len / 2.0).round() * 2.0).clamp(2.0, full);
        let centred = (pos - (full - len) / 2.0).abs() < 1e-6;
        // `full` is even (the Reframer's sizes are), so the centred position is whole.
        (centred && (len2 - len).abs() <= len * 0.01).then_some(((full - len2) / 2.0, len2))
    };
    match (axis(c.x, c.w, src_w), axis(c.y, c.h, src_h)) {
        (Some((x, w)), Some((y, h))) => RectF { x, y, w, h },
        _ => c,
    }
}

/// The centred rect the whole source fits into, snapped so that every side and
/// bar is even (chroma then lines up); bars thinner than 2 px become a tiny stretch.
pub(super) fn fit_inside(src_w: u32, src_h: u32, out_w: u32, out_h: u32) -> RectU {
    let scale = (out_w as f64 / src_w as f64).min(out_h as f64 / src_h as f64);
    let bar_x = even_bar(out_w, src_w as f64 * scale);
    let bar_y = even_bar(out_h, src_h as f64 * scale);
    RectU {
        x: bar_x,
        y: bar_y,
        w: out_w - 2 * bar_x,
        h: out_h - 2 * bar_y,
    }
}

/// Even per-side bar for centring `content` px in `out` px, leaving >= 2 px of content.
pub(super) fn even_bar(out: u32, content: f64) -> u32 {
    let bar = (((out as f64 - content) / 4.0).round().max(0.0) as u32) * 2;
    let max_bar = (out.saturating_sub(2) / 4) * 2;
    bar.min(max_bar)
}

/// Backdrop working size for one output dimension: ~1/8, even, >= 4 (2 chroma).
pub(super) fn backdrop_dim(out: u32) -> u32 {
    (((out + BACKDROP_DIV) / (2 * BACKDROP_DIV)) * 2).max(4)
}
