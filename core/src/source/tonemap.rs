//! HDR phone footage (HLG or PQ, BT.2020) to SDR BT.709, the way FFmpeg's reference chain
//! `zscale=t=linear:npl=100 → zscale=p=bt709 → tonemap=hable → zscale=t=bt709` does it:
//! light relative to 100 nits, primaries converted in linear light, the Hable curve applied to
//! the brightest component with a 1000-nit peak (colours keep their hue), then BT.709 coding.
//!
//! Two choices follow zimg (what `zscale` runs) rather than the letter of BT.2100/BT.709, because
//! zimg is what players and editors built on FFmpeg show, and it is the referee in our tests:
//! - zimg's conversions are display-referred: "to BT.709" is the inverse of BT.1886's EOTF (a pure
//!   2.4 gamma), not the BT.709 camera OETF (which renders mid-grey ~17 code values darker);
//! - zimg applies HLG's OOTF (system gamma 1.2, 1000-nit display) to each component, not to the
//!   luminance, so the whole HLG decode is one table per component.
//!
//! swscale has already resized the picture and turned it into 16-bit R'G'B' (full range); the
//! transfer curves are tables, the rest is a few multiply-adds and one square root per component,
//! on the rayon pool, written straight into the output planes.

use rayon::prelude::*;

use crate::frame::Frame;
use crate::source::probe::Hdr;

/// Entries of the curve tables (12 bits of the 16-bit code values).
const LUT: usize = 4096;
/// Light at the tone curve's top, relative to 100 nits (a 1000-nit display: what FFmpeg assumes
/// for untagged HDR once it is linear).
const PEAK: f32 = 10.0;

pub struct ToneMapper {
    /// Code value (R', G' or B', the top 12 bits) → display light / 100 nits.
    to_linear: Box<[f32; LUT]>,
    /// √(linear light 0..1) → BT.709 code value 0..1. Indexed by the square root so the steep
    /// foot of the 1/2.4 curve gets enough entries (a linear index would jump ~7 code values
    /// between its first two entries).
    to_709: Box<[f32; LUT]>,
}

impl ToneMapper {
    pub fn new(hdr: Hdr) -> ToneMapper {
        let table = |f: &dyn Fn(f64) -> f64| {
            let mut t = Box::new([0f32; LUT]);
            for (i, v) in t.iter_mut().enumerate() {
                *v = f(i as f64 / (LUT - 1) as f64) as f32;
            }
            t
        };
        ToneMapper { to_linear: table(&|e| linear(hdr, e)), to_709: table(&|s| bt1886_inverse_eotf(s * s)) }
    }

    /// `gbr16` are the G, B and R planes (16-bit little-endian; `strides` in bytes) of a `w`x`h`
    /// picture; returns it as SDR BT.709 limited-range 4:2:0.
    pub fn to_sdr(&self, gbr16: [&[u8]; 3], strides: [usize; 3], w: u32, h: u32) -> Frame {
        let (w, h) = ((w & !1) as usize, (h & !1) as usize);
        let (cw, ch) = (w / 2, h / 2);
        let mut f = Frame { width: w as u32, height: h as u32, y: vec![0; w * h], u: vec![0; cw * ch], v: vec![0; cw * ch] };
        // Rounding is `+ 0.5` then a truncating cast (values are clamped non-negative first):
        // `f32::round` is a libm call and cost more than the rest of the pixel.
        let q = |v: f32| (128.5 + 224.0 * v).clamp(0.0, 255.0) as u8;
        // One task per pair of rows: two rows of Y', one of each chroma plane (a 2x2 average).
        f.y.par_chunks_mut(2 * w)
            .zip(f.u.par_chunks_mut(cw))
            .zip(f.v.par_chunks_mut(cw))
            .enumerate()
            .for_each(|(cy, ((ly, u), v))| {
                let mut rgb = [vec![0f32; w], vec![0f32; w], vec![0f32; w]];
                let (mut cb, mut cr) = (vec![0f32; cw], vec![0f32; cw]);
                for (dy, ly) in ly.chunks_exact_mut(w).enumerate() {
                    let y = 2 * cy + dy;
                    for (out, p) in rgb.iter_mut().zip([2, 0, 1]) {
                        let o = y * strides[p];
                        let codes = gbr16[p][o..o + 2 * w].chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]]));
                        for (l, c) in out.iter_mut().zip(codes) {
                            *l = self.to_linear[usize::from(c >> 4)];
                        }
                    }
                    let [r, g, b] = &mut rgb;
                    self.tone_row(r, g, b);
                    for (x, (((out, r), g), b)) in ly.iter_mut().zip(r.iter()).zip(g.iter()).zip(b.iter()).enumerate() {
                        let l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
                        *out = (16.5 + 219.0 * l).clamp(0.0, 255.0) as u8;
                        cb[x / 2] += b - l;
                        cr[x / 2] += r - l;
                    }
                }
                for (((u, v), cb), cr) in u.iter_mut().zip(v.iter_mut()).zip(cb).zip(cr) {
                    *u = q(cb * (0.25 / 1.8556));
                    *v = q(cr * (0.25 / 1.5748));
                }
            });
        f
    }

    /// One row, in place: linear BT.2020 R, G, B (display light / 100 nits) → BT.709 R'G'B' 0..1.
    /// Written as plain loops over arrays so the compiler vectorises the divisions and square
    /// roots; only the table look-ups are scalar.
    fn tone_row(&self, r: &mut [f32], g: &mut [f32], b: &mut [f32]) {
        let inv_peak = 1.0 / hable(PEAK);
        for ((r, g), b) in r.iter_mut().zip(g.iter_mut()).zip(b.iter_mut()) {
            // BT.2020 → BT.709 primaries, in linear light.
            let (r7, g7, b7) = (
                1.660_491 * *r - 0.587_641 * *g - 0.072_850 * *b,
                -0.124_550 * *r + 1.132_9 * *g - 0.008_349 * *b,
                -0.018_151 * *r - 0.100_579 * *g + 1.118_73 * *b,
            );
            // Hable on the brightest component, the same factor for all three (no hue shift).
            let k = hable_over_x(r7.max(g7).max(b7).max(1e-6)) * inv_peak;
            // Table positions (√ of the light), + 0.5 to round.
            let at = |v: f32| (v * k).clamp(0.0, 1.0).sqrt() * (LUT - 1) as f32 + 0.5;
            (*r, *g, *b) = (at(r7), at(g7), at(b7));
        }
        for v in r.iter_mut().chain(g.iter_mut()).chain(b.iter_mut()) {
            *v = self.to_709[(*v as usize).min(LUT - 1)];
        }
    }

    /// One pixel: 16-bit BT.2020 R'G'B' → BT.709 R'G'B' in 0..1.
    #[cfg(test)]
    fn pixel(&self, r: u16, g: u16, b: u16) -> [f32; 3] {
        let lut = |v: u16| self.to_linear[usize::from(v >> 4)];
        let (mut r, mut g, mut b) = ([lut(r)], [lut(g)], [lut(b)]);
        self.tone_row(&mut r, &mut g, &mut b);
        [r[0], g[0], b[0]]
    }
}

/// `hable(x) / x` with one division (the per-pixel scale factor).
fn hable_over_x(x: f32) -> f32 {
    let (a, b, c, d, e, f) = (0.15, 0.50, 0.10, 0.20, 0.02, 0.30);
    let (num, den) = (x * (x * a + b * c) + d * e, x * (x * a + b) + d * f);
    (num - e / f * den) / (den * x)
}

/// John Hable's filmic curve (Uncharted 2), as FFmpeg's tonemap filter uses it.
fn hable(x: f32) -> f32 {
    let (a, b, c, d, e, f) = (0.15, 0.50, 0.10, 0.20, 0.02, 0.30);
    (x * (x * a + b * c) + d * e) / (x * (x * a + b) + d * f) - e / f
}

/// Code value 0..1 → display light / 100 nits (zimg's `t=linear:npl=100`).
fn linear(hdr: Hdr, e: f64) -> f64 {
    match hdr {
        Hdr::Pq => {
            let (m1, m2) = (2610.0 / 16384.0, 2523.0 / 4096.0 * 128.0);
            let (c1, c2, c3) = (3424.0 / 4096.0, 2413.0 / 4096.0 * 32.0, 2392.0 / 4096.0 * 32.0);
            let p = e.powf(1.0 / m2);
            10000.0 / 100.0 * ((p - c1).max(0.0) / (c2 - c3 * p)).powf(1.0 / m1)
        }
        Hdr::Hlg => {
            let (a, b, c) = (0.178_832_77, 0.284_668_92, 0.559_910_73);
            let scene = if e <= 0.5 { e * e / 3.0 } else { (((e - c) / a).exp() + b) / 12.0 };
            // The OOTF per component, as zimg does it: 1000 nits × scene^1.2, over 100 nits.
            10.0 * scene.powf(1.2)
        }
        Hdr::None => e,
    }
}

/// Display light 0..1 → BT.709 code 0..1, as zimg encodes display-referred BT.709 (BT.1886's
/// EOTF with black at 0 is a 2.4 gamma).
fn bt1886_inverse_eotf(l: f64) -> f64 {
    l.max(0.0).powf(1.0 / 2.4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_hit_their_reference_points() {
        // PQ: code 0.5081 is 100 nits; HLG: 0.5 is scene light 1/12, 1.0 the 1000-nit peak.
        assert!((linear(Hdr::Pq, 0.508_078) - 1.0).abs() < 1e-3);
        assert!((linear(Hdr::Pq, 1.0) - 100.0).abs() < 1e-6);
        assert!((linear(Hdr::Hlg, 0.5) - 10.0 * (1.0f64 / 12.0).powf(1.2)).abs() < 1e-9);
        assert!((linear(Hdr::Hlg, 1.0) - 10.0).abs() < 1e-6);
        // 18% grey is code 0.4898 in display-referred BT.709.
        assert!((bt1886_inverse_eotf(0.18) - 0.4898).abs() < 1e-3);
        assert!((bt1886_inverse_eotf(1.0) - 1.0).abs() < 1e-9);
        assert!(hable(PEAK) > hable(1.0));
        for x in [1e-3f32, 0.18, 1.0, 10.0, 80.0] {
            assert!((hable_over_x(x) * x - hable(x)).abs() < 1e-5, "{x}");
        }
    }

    #[test]
    fn grey_stays_grey_and_white_is_not_clipped_to_black() {
        let m = ToneMapper::new(Hdr::Pq);
        let code = (0.508_078 * 65535.0) as u16; // 100-nit white
        let [r, g, b] = m.pixel(code, code, code);
        assert!((r - g).abs() < 1e-3 && (g - b).abs() < 1e-3, "{r} {g} {b}");
        assert!(r > 0.3 && r < 1.0, "{r}");
    }
}
