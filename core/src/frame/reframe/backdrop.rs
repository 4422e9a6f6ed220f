//! The `blur` fill: a blurred, darkened cover-crop of the frame behind the picture, built at 1/8
//! size and stretched only where the bars are.

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions};
use rayon::prelude::*;

use super::geometry::{RectF, RectU};
use super::resize::resize_plane;
use super::Reframer;
use crate::frame::Frame;

/// Backdrop: smooth, cheap, and there is no detail left to preserve.
const BACKDROP_FILTER: FilterType = FilterType::Bilinear;
/// Backdrop is built at 1/BACKDROP_DIV of the output size.
pub(super) const BACKDROP_DIV: u32 = 8;
/// Backdrop luma keeps this fraction of its contrast above black.
const BACKDROP_LUMA_GAIN: f32 = 0.6;
/// Backdrop chroma keeps this fraction of its saturation.
const BACKDROP_CHROMA_GAIN: f32 = 0.85;
/// Box blur passes; three approximate a Gaussian closely.
const BLUR_PASSES: usize = 3;
/// Box radius = short side of the small backdrop / this. With 3 passes, sigma is
/// ~6% of the output's short side: the heavy blur social apps use.
const BLUR_RADIUS_DIV: usize = 20;

/// Scratch for the blurred backdrop, kept between frames.
#[derive(Default)]
pub(super) struct BackdropBufs {
    /// One plane of the low-resolution backdrop.
    small: Vec<u8>,
    /// `small` stretched to the output width (still low-resolution vertically).
    wide: Vec<u8>,
    /// Box blur intermediates.
    tmp: Vec<u8>,
    sums: Vec<u32>,
    luma_lut: Vec<u8>,
    chroma_lut: Vec<u8>,
    /// How `small` is widened: one table for luma, one for chroma.
    columns: [Columns; 2],
}

/// For each column of `wide`: the two columns of `small` it lies between and the second one's
/// weight, worked out for a `from`-wide `small`.
#[derive(Default)]
struct Columns {
    from: u32,
    table: Vec<(usize, usize, u16)>,
}

impl Reframer {
    /// Fills the bars of `out` (everything outside `self.dest`) with the blurred,
    /// darkened cover-crop of `src` (`crop`; `in_picture`: the same in the picture already drawn
    /// in `out`, when it has it all).
    pub(super) fn draw_backdrop(
        &mut self,
        src: &Frame,
        out: &mut Frame,
        (crop, in_picture): (RectF, Option<RectF>),
        small_w: u32,
        small_h: u32,
    ) {
        let bufs = &mut self.bufs;
        if bufs.luma_lut.is_empty() {
            bufs.luma_lut = gain_lut(16.0, BACKDROP_LUMA_GAIN);
            bufs.chroma_lut = gain_lut(128.0, BACKDROP_CHROMA_GAIN);
        }
        let opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(BACKDROP_FILTER));
        let (sw, sh, ow, oh) = (self.src_w, self.src_h, self.out_w, self.out_h);
        let planes: [(&Vec<u8>, &mut Vec<u8>, u32); 3] = [
            (&src.y, &mut out.y, 1),
            (&src.u, &mut out.u, 2),
            (&src.v, &mut out.v, 2),
        ];
        for (i, (s, d, div)) in planes.into_iter().enumerate() {
            let (bw, bh, dw, dh) = (small_w / div, small_h / div, ow / div, oh / div);
            let (crop, in_picture, hole) = if div == 1 {
                (crop, in_picture, self.dest)
            } else {
                (crop.halved(), in_picture.map(RectF::halved), self.dest.halved())
            };

            // Downscale with a proper (area-covering) filter so nothing aliases.
            bufs.small.resize((bw * bh) as usize, 0);
            let small_rect = RectU {
                x: 0,
                y: 0,
                w: bw,
                h: bh,
            };
            // With bars above and below, the picture already drawn holds all the backdrop shows,
            // at a third of the pixels for 16:9 in 9:16. Only its rows are the image: the kernel
            // must not reach into the bars.
            let picture_rows = d.get((hole.y * dw) as usize..((hole.y + hole.h) * dw) as usize);
            let r = match (in_picture, picture_rows) {
                (Some(c), Some(rows)) => resize_plane(&mut self.backdrop, &opts, (rows, dw, hole.h), c, (&mut bufs.small, bw, bh), small_rect),
                _ => resize_plane(&mut self.backdrop, &opts, (s, sw / div, sh / div), crop, (&mut bufs.small, bw, bh), small_rect),
            };
            debug_assert!(r.is_ok(), "backdrop downscale failed: {r:?}");

            let radius = (bw.min(bh) as usize / BLUR_RADIUS_DIV).max(1);
            box_blur(
                &mut bufs.small,
                &mut bufs.tmp,
                &mut bufs.sums,
                bw as usize,
                bh as usize,
                radius,
                BLUR_PASSES,
            );
            let lut = if i == 0 {
                &bufs.luma_lut
            } else {
                &bufs.chroma_lut
            };
            bufs.small.iter_mut().for_each(|p| *p = lut[*p as usize]);

            // Upscale in two steps: widen the small rows the bars need (the picture hides the
            // rest), then interpolate output rows ourselves, skipping what the picture covers.
            bufs.wide.resize((dw * bh) as usize, 0);
            let columns = &mut bufs.columns[i.min(1)];
            if columns.table.len() != dw as usize || columns.from != bw {
                columns.table = (0..dw as usize).map(|x| between(x, bw as usize, dw as usize)).collect();
                columns.from = bw;
            }
            for rows in rows_read(bh as usize, dh as usize, dw as usize, hole) {
                widen_rows(&bufs.small, bw as usize, rows, &mut bufs.wide, &columns.table);
            }
            stretch_rows_around(&bufs.wide, bh as usize, d, dw as usize, dh as usize, hole);
        }
    }
}

/// Linearly interpolates the `src_h` rows of `wide` (`w` wide) up to the `dst_h`
/// rows of `dst`, writing only outside `hole`. Sample positions match
/// fast_image_resize's (pixel centres aligned), so this is plain bilinear.
pub(super) fn stretch_rows_around(
    wide: &[u8],
    src_h: usize,
    dst: &mut [u8],
    w: usize,
    dst_h: usize,
    hole: RectU,
) {
    if w == 0 || src_h == 0 || wide.len() < w * src_h {
        return;
    }
    let (hx0, hx1) = (hole.x as usize, (hole.x + hole.w) as usize);
    let (hy0, hy1) = (hole.y as usize, (hole.y + hole.h) as usize);
    dst.par_chunks_mut(w)
        .take(dst_h)
        .enumerate()
        .for_each(|(y, row)| {
            let (i0, i1, wt) = between(y, src_h, dst_h);
            let (a, b) = (&wide[i0 * w..(i0 + 1) * w], &wide[i1 * w..(i1 + 1) * w]);
            let spans: &[(usize, usize)] = if (hy0..hy1).contains(&y) {
                &[(0, hx0), (hx1, w)]
            } else {
                &[(0, w)]
            };
            for &(x0, x1) in spans {
                lerp_row(&a[x0..x1], &b[x0..x1], &mut row[x0..x1], wt);
            }
        });
}

/// Bilinear stretch of `src_n` samples to `dst_n` (pixel centres aligned, edges clamped): the two
/// source samples that output sample `i` lies between, and the second one's weight in 1/256.
fn between(i: usize, src_n: usize, dst_n: usize) -> (usize, usize, u16) {
    let (scale, last) = (src_n as f64 / dst_n.max(1) as f64, src_n.saturating_sub(1));
    let pos = ((i as f64 + 0.5) * scale - 0.5).clamp(0.0, last as f64);
    let i0 = pos as usize;
    (i0, (i0 + 1).min(last), ((pos - i0 as f64) * 256.0).round() as u16)
}

/// Widens `rows` of `small` (`sw` wide) into the same rows of `wide`, one [`between`] per column.
/// Written by hand: fast_image_resize's convolution took 2-3x as long for these 8x stretches.
fn widen_rows(small: &[u8], sw: usize, rows: std::ops::Range<usize>, wide: &mut [u8], columns: &[(usize, usize, u16)]) {
    let dw = columns.len();
    if sw == 0 {
        return;
    }
    for r in rows {
        let (Some(a), Some(d)) = (small.get(r * sw..(r + 1) * sw), wide.get_mut(r * dw..(r + 1) * dw)) else {
            return;
        };
        for (d, &(i0, i1, wt)) in d.iter_mut().zip(columns) {
            *d = ((u16::from(a[i0]) * (256 - wt) + u16::from(a[i1]) * wt + 128) >> 8) as u8;
        }
    }
}

/// The rows of the `src_h`-row plane that [`stretch_rows_around`] reads when it writes the rows
/// of a `w`-wide, `dst_h`-row plane outside `hole`: those above and those below a hole as wide as
/// the plane, else all of them.
pub(super) fn rows_read(src_h: usize, dst_h: usize, w: usize, hole: RectU) -> [std::ops::Range<usize>; 2] {
    if src_h == 0 || dst_h == 0 {
        return [0..0, 0..0];
    }
    let (hy0, hy1) = ((hole.y as usize).min(dst_h), ((hole.y + hole.h) as usize).min(dst_h));
    let spans_width = hole.x == 0 && hole.w as usize >= w && hole.h > 0;
    let read = |out: std::ops::Range<usize>| {
        if out.is_empty() {
            0..0
        } else {
            between(out.start, src_h, dst_h).0..between(out.end - 1, src_h, dst_h).1 + 1
        }
    };
    if !spans_width {
        return [read(0..dst_h), 0..0];
    }
    let (above, below) = (read(0..hy0), read(hy1..dst_h));
    if !above.is_empty() && !below.is_empty() && below.start <= above.end {
        [above.start..below.end, 0..0]
    } else {
        [above, below]
    }
}

/// `d = a + (b - a) * wt / 256`, rounded; written to auto-vectorise.
fn lerp_row(a: &[u8], b: &[u8], d: &mut [u8], wt: u16) {
    let wa = 256 - wt;
    for ((d, &a), &b) in d.iter_mut().zip(a).zip(b) {
        *d = ((a as u16 * wa + b as u16 * wt + 128) >> 8) as u8;
    }
}

/// Maps v to `pivot + (v - pivot) * gain`, i.e. pulls values toward `pivot`.
fn gain_lut(pivot: f32, gain: f32) -> Vec<u8> {
    (0..=255u32)
        .map(|v| {
            (pivot + (v as f32 - pivot) * gain)
                .round()
                .clamp(0.0, 255.0) as u8
        })
        .collect()
}

/// In-place separable box blur of a `w`x`h` plane, `passes` times, edges clamped.
fn box_blur(
    plane: &mut [u8],
    tmp: &mut Vec<u8>,
    sums: &mut Vec<u32>,
    w: usize,
    h: usize,
    r: usize,
    passes: usize,
) {
    if w == 0 || h == 0 || plane.len() < w * h {
        return;
    }
    tmp.resize(w * h, 0);
    for _ in 0..passes {
        for (s, d) in plane.chunks_exact(w).zip(tmp.chunks_exact_mut(w)) {
            blur_line(s, d, r);
        }
        blur_columns(tmp, plane, sums, w, h, r);
    }
}

/// Vertical box pass with a running sum per column, a whole row at a time
/// (sequential memory access, vectorisable).
fn blur_columns(src: &[u8], dst: &mut [u8], sums: &mut Vec<u32>, w: usize, h: usize, r: usize) {
    let row = |i: isize| {
        let i = i.clamp(0, h as isize - 1) as usize;
        &src[i * w..(i + 1) * w]
    };
    let (r_i, avg) = (r as isize, Average::new(2 * r as u32 + 1));
    sums.clear();
    sums.resize(w, 0);
    for k in -r_i..=r_i {
        sums.iter_mut()
            .zip(row(k))
            .for_each(|(s, &p)| *s += p as u32);
    }
    for (y, out) in dst.chunks_exact_mut(w).take(h).enumerate() {
        out.iter_mut()
            .zip(sums.iter())
            .for_each(|(d, &s)| *d = avg.of(s));
        let (add, sub) = (row(y as isize + r_i + 1), row(y as isize - r_i));
        for ((s, &a), &b) in sums.iter_mut().zip(add).zip(sub) {
            *s = *s + a as u32 - b as u32;
        }
    }
}

/// Running-sum box average along one row, window 2r+1, edges clamped.
fn blur_line(src: &[u8], dst: &mut [u8], r: usize) {
    let n = src.len() as isize;
    let at = |i: isize| src[i.clamp(0, n - 1) as usize] as u32;
    let (r_i, avg) = (r as isize, Average::new(2 * r as u32 + 1));
    let mut sum: u32 = (-r_i..=r_i).map(at).sum();
    for (i, d) in dst.iter_mut().enumerate() {
        let i = i as isize;
        *d = avg.of(sum);
        sum = sum + at(i + r_i + 1) - at(i - r_i);
    }
}

/// The rounded mean of `win` bytes from their sum, by a multiply instead of a division (the
/// division was most of the blur's time). Exact: with m = ceil(2^32 / win), (n * m) >> 32 equals
/// n / win for every n below 2^32 / win, and a sum of `win` bytes stays far below that.
#[derive(Clone, Copy)]
struct Average {
    win: u32,
    m: u64,
}

impl Average {
    fn new(win: u32) -> Average {
        let win = win.max(1);
        Average { win, m: (1u64 << 32).div_ceil(u64::from(win)) }
    }

    #[inline]
    fn of(self, sum: u32) -> u8 {
        ((u64::from(sum + self.win / 2) * self.m) >> 32) as u8
    }
}

#[cfg(test)]
mod average_tests {
    use super::Average;

    #[test]
    fn the_multiply_is_the_division() {
        for win in 1..=1025u32 {
            let avg = Average::new(win);
            for sum in 0..=255 * win {
                assert_eq!(avg.of(sum), ((sum + win / 2) / win) as u8, "win {win} sum {sum}");
            }
        }
    }
}

#[cfg(test)]
mod rows_tests {
    use super::{between, rows_read};
    use crate::frame::reframe::geometry::RectU;

    /// Every small row the stretch reads for a row it writes is one the widening made.
    #[test]
    fn the_rows_widened_are_every_row_the_stretch_reads() {
        let holes = [
            (240, 1920, 1080, RectU { x: 0, y: 656, w: 1080, h: 608 }), // 16:9 in 9:16
            (120, 960, 540, RectU { x: 0, y: 328, w: 540, h: 304 }),    // its chroma
            (168, 1350, 1080, RectU { x: 0, y: 371, w: 1080, h: 608 }), // 16:9 in 4:5
            (136, 1080, 1080, RectU { x: 202, y: 0, w: 676, h: 1080 }), // 9:16 in 1:1: side bars
            (10, 80, 64, RectU { x: 0, y: 2, w: 64, h: 76 }),           // thin bars
            (10, 80, 64, RectU { x: 0, y: 0, w: 64, h: 80 }),           // no bars
            (1, 8, 8, RectU { x: 0, y: 2, w: 8, h: 4 }),                // one small row
        ];
        for (src_h, dst_h, w, hole) in holes {
            let ranges = rows_read(src_h, dst_h, w, hole);
            let widened = |i: usize| ranges.iter().any(|r| r.contains(&i));
            let spans_width = hole.x == 0 && hole.w as usize >= w;
            for y in 0..dst_h {
                let inside = (hole.y as usize..(hole.y + hole.h) as usize).contains(&y);
                if inside && spans_width {
                    continue; // nothing of this row is written
                }
                let (i0, i1, _) = between(y, src_h, dst_h);
                assert!(widened(i0) && widened(i1), "{src_h}->{dst_h} {hole:?}: row {y} reads {i0},{i1}; widened {ranges:?}");
            }
            // And the hole's middle is not widened for nothing when the bars are above and below.
            if spans_width && hole.h as usize > dst_h / 4 && src_h > 8 {
                let (mid, _, _) = between((hole.y + hole.h / 2) as usize, src_h, dst_h);
                assert!(!widened(mid), "{src_h}->{dst_h} {hole:?}: middle row {mid} widened; {ranges:?}");
            }
        }
    }
}
