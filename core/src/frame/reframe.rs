//! Fitting a source picture into an output of another size/aspect: crop, pad or
//! blurred-backdrop pad. Geometry is worked out once per output in
//! [`Reframer::new`]; [`Reframer::apply`] does only pixel work.

use super::{Frame, Yuv};
use crate::recipe::Fit;
use fast_image_resize::images::{CroppedImageMut, Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use rayon::prelude::*;

/// Sharp picture: Catmull-Rom is close to Lanczos3 in quality at 2/3 of the taps.
const MAIN_FILTER: FilterType = FilterType::CatmullRom;
/// Backdrop: smooth, cheap, and there is no detail left to preserve.
const BACKDROP_FILTER: FilterType = FilterType::Bilinear;
/// Backdrop is built at 1/BACKDROP_DIV of the output size.
const BACKDROP_DIV: u32 = 8;
/// Backdrop luma keeps this fraction of its contrast above black.
const BACKDROP_LUMA_GAIN: f32 = 0.6;
/// Backdrop chroma keeps this fraction of its saturation.
const BACKDROP_CHROMA_GAIN: f32 = 0.85;
/// Box blur passes; three approximate a Gaussian closely.
const BLUR_PASSES: usize = 3;
/// Box radius = short side of the small backdrop / this. With 3 passes, sigma is
/// ~6% of the output's short side: the heavy blur social apps use.
const BLUR_RADIUS_DIV: usize = 20;

/// A rectangle in (possibly fractional) pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RectF {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

/// A rectangle in whole pixels; for luma rects every field is even.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RectU {
    x: u32,
    y: u32,
    w: u32,
    h: u32,
}

impl RectF {
    fn halved(self) -> RectF {
        RectF {
            x: self.x / 2.0,
            y: self.y / 2.0,
            w: self.w / 2.0,
            h: self.h / 2.0,
        }
    }
}

impl RectU {
    fn halved(self) -> RectU {
        RectU {
            x: self.x / 2,
            y: self.y / 2,
            w: self.w / 2,
            h: self.h / 2,
        }
    }
}

/// What goes where the picture does not reach.
#[derive(Debug, Clone, Copy)]
enum Fill {
    /// The picture covers the whole output.
    None,
    Solid(Yuv),
    /// Blurred, darkened cover-crop of `crop` (source luma pixels), built at
    /// `small_w` x `small_h` luma.
    Backdrop {
        crop: RectF,
        small_w: u32,
        small_h: u32,
    },
}

/// Scratch for the blurred backdrop, kept between frames.
#[derive(Default)]
struct BackdropBufs {
    /// One plane of the low-resolution backdrop.
    small: Vec<u8>,
    /// `small` stretched to the output width (still low-resolution vertically).
    wide: Vec<u8>,
    /// Box blur intermediates.
    tmp: Vec<u8>,
    sums: Vec<u32>,
    luma_lut: Vec<u8>,
    chroma_lut: Vec<u8>,
}

/// Reframes frames of one source size into one output size and fit mode.
pub struct Reframer {
    src_w: u32,
    src_h: u32,
    out_w: u32,
    out_h: u32,
    fit: Fit,
    background: Yuv,
    /// Part of the source that is shown (source luma pixels).
    crop: RectF,
    /// Where `crop` lands in the output (luma, even).
    dest: RectU,
    fill: Fill,
    main: Resizer,
    backdrop: Resizer,
    bufs: BackdropBufs,
}

impl Reframer {
    /// `background` is used by Fit::Pad for the bars. Sizes are expected even and
    /// >= 2; anything else is rounded down to that rather than panicking.
    pub fn new(
        src_w: u32,
        src_h: u32,
        out_w: u32,
        out_h: u32,
        fit: Fit,
        background: Yuv,
    ) -> Reframer {
        let (src_w, src_h, out_w, out_h) = (even(src_w), even(src_h), even(out_w), even(out_h));
        let full_out = RectU {
            x: 0,
            y: 0,
            w: out_w,
            h: out_h,
        };
        let cover = cover_crop(src_w, src_h, out_w, out_h);
        let (crop, dest, fill) = match fit {
            Fit::Crop => (cover, full_out, Fill::None),
            Fit::Pad | Fit::Blur => {
                let whole = RectF {
                    x: 0.0,
                    y: 0.0,
                    w: src_w as f64,
                    h: src_h as f64,
                };
                let dest = fit_inside(src_w, src_h, out_w, out_h);
                let fill = if dest == full_out {
                    Fill::None
                } else if fit == Fit::Pad {
                    Fill::Solid(background)
                } else {
                    let (small_w, small_h) = (backdrop_dim(out_w), backdrop_dim(out_h));
                    Fill::Backdrop {
                        crop: cover,
                        small_w,
                        small_h,
                    }
                };
                (whole, dest, fill)
            }
        };
        Reframer {
            src_w,
            src_h,
            out_w,
            out_h,
            fit,
            background,
            crop,
            dest,
            fill,
            main: Resizer::new(),
            backdrop: Resizer::new(),
            bufs: BackdropBufs::default(),
        }
    }

    /// Produces the `out_w` x `out_h` picture for `src`.
    pub fn apply(&mut self, src: &Frame) -> Frame {
        let mut out = Frame::filled(self.out_w, self.out_h, Yuv { y: 0, u: 0, v: 0 });
        self.apply_into(src, &mut out);
        out
    }

    /// Like [`Reframer::apply`], but draws into `out`, reusing its buffers (the export recycles
    /// encoded pictures this way instead of allocating 3 MB per 1080p frame).
    pub fn apply_into(&mut self, src: &Frame, out: &mut Frame) {
        if (even(src.width), even(src.height)) != (self.src_w, self.src_h) {
            // The stream changed size mid-way: re-plan rather than mis-crop.
            *self = Reframer::new(
                src.width,
                src.height,
                self.out_w,
                self.out_h,
                self.fit,
                self.background,
            );
        }
        self.prepare_output(out);
        if let Fill::Backdrop {
            crop,
            small_w,
            small_h,
        } = self.fill
        {
            self.draw_backdrop(src, out, crop, small_w, small_h);
        }
        let main = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(MAIN_FILTER));
        let (crop, dest) = (self.crop, self.dest);
        let (sw, sh, ow, oh) = (self.src_w, self.src_h, self.out_w, self.out_h);
        let jobs = [
            (&src.y, &mut out.y, sw, sh, ow, oh, crop, dest),
            (
                &src.u,
                &mut out.u,
                sw / 2,
                sh / 2,
                ow / 2,
                oh / 2,
                crop.halved(),
                dest.halved(),
            ),
            (
                &src.v,
                &mut out.v,
                sw / 2,
                sh / 2,
                ow / 2,
                oh / 2,
                crop.halved(),
                dest.halved(),
            ),
        ];
        for (s, d, sw, sh, ow, oh, crop, dest) in jobs {
            let r = resize_plane(&mut self.main, &main, (s, sw, sh), crop, (d, ow, oh), dest);
            debug_assert!(r.is_ok(), "reframe resize failed: {r:?}");
        }
    }

    /// Where the whole source picture lands in the output: (x, y, w, h) in output
    /// luma pixels (may extend beyond the output for Crop).
    pub fn placement(&self) -> (f64, f64, f64, f64) {
        let (d, c) = (self.dest, self.crop);
        let (sx, sy) = (d.w as f64 / c.w, d.h as f64 / c.h);
        // Written as dest ± the cut-off parts so an uncropped source gives `dest` exactly.
        (
            d.x as f64 - c.x * sx,
            d.y as f64 - c.y * sy,
            d.w as f64 + (self.src_w as f64 - c.w) * sx,
            d.h as f64 + (self.src_h as f64 - c.h) * sy,
        )
    }

    /// Sizes `out` for this output and paints Pad's bars; with the other fills every pixel is
    /// drawn anyway. Bars are repainted each time: a reused picture may carry captions.
    fn prepare_output(&self, out: &mut Frame) {
        let (w, h) = (self.out_w as usize, self.out_h as usize);
        out.width = self.out_w;
        out.height = self.out_h;
        out.y.resize(w * h, 0);
        out.u.resize(w * h / 4, 0);
        out.v.resize(w * h / 4, 0);
        if let Fill::Solid(c) = self.fill {
            out.y.fill(c.y);
            out.u.fill(c.u);
            out.v.fill(c.v);
        }
    }

    /// Fills the bars of `out` (everything outside `self.dest`) with the blurred,
    /// darkened cover-crop of `src`.
    fn draw_backdrop(
        &mut self,
        src: &Frame,
        out: &mut Frame,
        crop: RectF,
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
            let (crop, hole) = if div == 1 {
                (crop, self.dest)
            } else {
                (crop.halved(), self.dest.halved())
            };

            // Downscale with a proper (area-covering) filter so nothing aliases.
            bufs.small.resize((bw * bh) as usize, 0);
            let small_rect = RectU {
                x: 0,
                y: 0,
                w: bw,
                h: bh,
            };
            let r = resize_plane(
                &mut self.backdrop,
                &opts,
                (s, sw / div, sh / div),
                crop,
                (&mut bufs.small, bw, bh),
                small_rect,
            );
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

            // Upscale in two steps: widen the few small rows (cheap), then
            // interpolate output rows ourselves, skipping what the picture covers.
            bufs.wide.resize((dw * bh) as usize, 0);
            let whole_small = RectF {
                x: 0.0,
                y: 0.0,
                w: bw as f64,
                h: bh as f64,
            };
            let wide_rect = RectU {
                x: 0,
                y: 0,
                w: dw,
                h: bh,
            };
            let r = resize_plane(
                &mut self.backdrop,
                &opts,
                (&bufs.small, bw, bh),
                whole_small,
                (&mut bufs.wide, dw, bh),
                wide_rect,
            );
            debug_assert!(r.is_ok(), "backdrop widen failed: {r:?}");
            stretch_rows_around(&bufs.wide, bh as usize, d, dw as usize, dh as usize, hole);
        }
    }
}

/// Linearly interpolates the `src_h` rows of `wide` (`w` wide) up to the `dst_h`
/// rows of `dst`, writing only outside `hole`. Sample positions match
/// fast_image_resize's (pixel centres aligned), so this is plain bilinear.
fn stretch_rows_around(
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
    let scale = src_h as f64 / dst_h as f64;
    let (hx0, hx1) = (hole.x as usize, (hole.x + hole.w) as usize);
    let (hy0, hy1) = (hole.y as usize, (hole.y + hole.h) as usize);
    dst.par_chunks_mut(w)
        .take(dst_h)
        .enumerate()
        .for_each(|(y, row)| {
            let pos = ((y as f64 + 0.5) * scale - 0.5).clamp(0.0, (src_h - 1) as f64);
            let i0 = pos as usize;
            let i1 = (i0 + 1).min(src_h - 1);
            let wt = ((pos - i0 as f64) * 256.0).round() as u16;
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

/// `d = a + (b - a) * wt / 256`, rounded; written to auto-vectorise.
fn lerp_row(a: &[u8], b: &[u8], d: &mut [u8], wt: u16) {
    let wa = 256 - wt;
    for ((d, &a), &b) in d.iter_mut().zip(a).zip(b) {
        *d = ((a as u16 * wa + b as u16 * wt + 128) >> 8) as u8;
    }
}

/// Why a plane resize failed (only possible through a geometry bug).
#[derive(Debug)]
#[allow(dead_code)] // read through Debug in debug_assert! messages
enum ResizeFail {
    Buffer(fast_image_resize::ImageBufferError),
    CropBox(fast_image_resize::CropBoxError),
    Resize(fast_image_resize::ResizeError),
}

impl From<fast_image_resize::ImageBufferError> for ResizeFail {
    fn from(e: fast_image_resize::ImageBufferError) -> Self {
        ResizeFail::Buffer(e)
    }
}
impl From<fast_image_resize::CropBoxError> for ResizeFail {
    fn from(e: fast_image_resize::CropBoxError) -> Self {
        ResizeFail::CropBox(e)
    }
}
impl From<fast_image_resize::ResizeError> for ResizeFail {
    fn from(e: fast_image_resize::ResizeError) -> Self {
        ResizeFail::Resize(e)
    }
}

/// Resizes `crop` of one 8-bit plane into the `dest` rect of another.
fn resize_plane(
    resizer: &mut Resizer,
    opts: &ResizeOptions,
    (src, sw, sh): (&[u8], u32, u32),
    crop: RectF,
    (dst, dw, dh): (&mut [u8], u32, u32),
    dest: RectU,
) -> Result<(), ResizeFail> {
    if sw == 0 || sh == 0 || dest.w == 0 || dest.h == 0 {
        return Ok(()); // nothing to draw (degenerate geometry)
    }
    let src_img = ImageRef::new(sw, sh, src, PixelType::U8)?;
    let mut dst_img = Image::from_slice_u8(dw, dh, dst, PixelType::U8)?;
    let mut dst_view = CroppedImageMut::new(&mut dst_img, dest.x, dest.y, dest.w, dest.h)?;
    let opts = opts.crop(crop.x, crop.y, crop.w, crop.h);
    resizer.resize(&src_img, &mut dst_view, &opts)?;
    Ok(())
}

/// Rounds down to even, minimum 2.
fn even(n: u32) -> u32 {
    (n & !1).max(2)
}

/// The centred part of the source that, scaled up or down, exactly covers the output.
fn cover_crop(src_w: u32, src_h: u32, out_w: u32, out_h: u32) -> RectF {
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

/// The centred rect the whole source fits into, snapped so that every side and
/// bar is even (chroma then lines up); bars thinner than 2 px become a tiny stretch.
fn fit_inside(src_w: u32, src_h: u32, out_w: u32, out_h: u32) -> RectU {
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
fn even_bar(out: u32, content: f64) -> u32 {
    let bar = (((out as f64 - content) / 4.0).round().max(0.0) as u32) * 2;
    let max_bar = (out.saturating_sub(2) / 4) * 2;
    bar.min(max_bar)
}

/// Backdrop working size for one output dimension: ~1/8, even, >= 4 (2 chroma).
fn backdrop_dim(out: u32) -> u32 {
    (((out + BACKDROP_DIV) / (2 * BACKDROP_DIV)) * 2).max(4)
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
    let (r_i, win) = (r as isize, 2 * r as u32 + 1);
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
            .for_each(|(d, &s)| *d = ((s + win / 2) / win) as u8);
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
    let (r_i, win) = (r as isize, 2 * r as u32 + 1);
    let mut sum: u32 = (-r_i..=r_i).map(at).sum();
    for (i, d) in dst.iter_mut().enumerate() {
        let i = i as isize;
        *d = ((sum + win / 2) / win) as u8;
        sum = sum + at(i + r_i + 1) - at(i - r_i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GREY: Yuv = Yuv {
        y: 100,
        u: 128,
        v: 128,
    };
    const CENTRE_MARK: Yuv = Yuv {
        y: 235,
        u: 40,
        v: 200,
    };
    const LEFT_MARK: Yuv = Yuv {
        y: 200,
        u: 220,
        v: 40,
    };

    /// Paints a luma-aligned even rect (chroma follows at half size).
    fn paint(f: &mut Frame, x: u32, y: u32, w: u32, h: u32, c: Yuv) {
        for yy in y..y + h {
            for xx in x..x + w {
                f.y[(yy * f.width + xx) as usize] = c.y;
            }
        }
        let cw = f.chroma_width();
        for yy in y / 2..(y + h) / 2 {
            for xx in x / 2..(x + w) / 2 {
                f.u[(yy * cw + xx) as usize] = c.u;
                f.v[(yy * cw + xx) as usize] = c.v;
            }
        }
    }

    /// 320x180 grey with a 16x16 marker at the centre and one at the far left.
    fn marked() -> Frame {
        let mut f = Frame::filled(320, 180, GREY);
        paint(&mut f, 152, 82, 16, 16, CENTRE_MARK);
        paint(&mut f, 0, 82, 16, 16, LEFT_MARK);
        f
    }

    /// Bright, busy picture: 8 px checkerboard of two light tones with colour.
    fn busy(w: u32, h: u32) -> Frame {
        let mut f = Frame::filled(
            w,
            h,
            Yuv {
                y: 180,
                u: 100,
                v: 160,
            },
        );
        for y in 0..h {
            for x in 0..w {
                if (x / 8 + y / 8) % 2 == 0 {
                    f.y[(y * w + x) as usize] = 230;
                }
            }
        }
        f
    }

    fn luma(f: &Frame, x: u32, y: u32) -> u8 {
        f.y[(y * f.width + x) as usize]
    }
    fn chroma(f: &Frame, x: u32, y: u32) -> (u8, u8) {
        let i = ((y / 2) * f.chroma_width() + x / 2) as usize;
        (f.u[i], f.v[i])
    }

    fn assert_dims(f: &Frame, w: u32, h: u32) {
        assert_eq!((f.width, f.height), (w, h));
        assert_eq!(f.y.len(), (w * h) as usize);
        assert_eq!(f.u.len(), (w * h / 4) as usize);
        assert_eq!(f.v.len(), (w * h / 4) as usize);
    }

    #[test]
    fn crop_keeps_centre_and_cuts_sides() {
        let mut r = Reframer::new(320, 180, 90, 160, Fit::Crop, Yuv::BLACK);
        let out = r.apply(&marked());
        assert_dims(&out, 90, 160);
        // Marker positions predicted by placement().
        let (px, py, pw, ph) = r.placement();
        let s = pw / 320.0;
        assert!((ph / 180.0 - s).abs() < 1e-9, "uniform scale");
        assert!((ph - 160.0).abs() < 1e-9 && px < 0.0 && py == 0.0);
        let (cx, cy) = (px + 160.0 * s, py + 90.0 * s);
        assert!((cx - 45.0).abs() < 1e-9 && (cy - 80.0).abs() < 1e-9);
        assert!(px + 16.0 * s < 0.0, "left marker maps outside the output");
        // Centre marker is at the output centre, in all planes.
        assert_eq!(luma(&out, 45, 80), CENTRE_MARK.y);
        assert_eq!(chroma(&out, 44, 80), (CENTRE_MARK.u, CENTRE_MARK.v));
        // Edges are plain grey; nothing of the left marker survives.
        assert_eq!(luma(&out, 0, 80), GREY.y);
        assert!(out.y.iter().all(|&p| p != LEFT_MARK.y));
        assert!(out.u.iter().all(|&p| p < 200), "no left-marker chroma");
    }

    #[test]
    fn pad_bars_are_background_exactly() {
        let bg = Yuv::from_rgb(200, 30, 30);
        let mut r = Reframer::new(320, 180, 90, 160, Fit::Pad, bg);
        let out = r.apply(&marked());
        assert_dims(&out, 90, 160);
        let (x, y, w, h) = r.placement();
        // 90 wide → 50.6 tall, snapped to even: 52 tall, 54 px bars.
        assert_eq!((x, y, w, h), (0.0, 54.0, 90.0, 52.0));
        for row in (0..54).chain(106..160) {
            for col in 0..90 {
                assert_eq!(luma(&out, col, row), bg.y);
                assert_eq!(chroma(&out, col, row), (bg.u, bg.v));
            }
        }
        assert_eq!(luma(&out, 45, 80), CENTRE_MARK.y);
        assert_eq!(luma(&out, 45, 60), GREY.y);
        // The left marker is kept (scaled) at the left edge.
        assert!((55..106).any(|row| luma(&out, 0, row) > 180));
    }

    #[test]
    fn blur_bars_are_dark_and_smooth() {
        let src = busy(320, 180);
        let mut r = Reframer::new(320, 180, 180, 320, Fit::Blur, Yuv::BLACK);
        let out = r.apply(&src);
        assert_dims(&out, 180, 320);
        let (_, y0, _, h) = r.placement();
        let (y0, y1) = (y0 as u32, (y0 + h) as u32);
        assert!(y0 >= 100 && y1 <= 220, "picture band {y0}..{y1}");
        let src_mean = src.y.iter().map(|&p| p as f64).sum::<f64>() / src.y.len() as f64;
        let bar_rows: Vec<u32> = (0..y0).chain(y1..320).collect();
        let bar_px: Vec<u8> = bar_rows
            .iter()
            .flat_map(|&row| (0..180).map(move |c| (row, c)))
            .map(|(row, c)| luma(&out, c, row))
            .collect();
        let bar_mean = bar_px.iter().map(|&p| p as f64).sum::<f64>() / bar_px.len() as f64;
        assert!(
            bar_mean < src_mean - 20.0,
            "bars {bar_mean} vs source {src_mean}"
        );
        assert!(
            bar_px.iter().all(|&p| p != Yuv::BLACK.y),
            "bars are not background"
        );
        // Chroma keeps a hint of the source colour (u=100, v=160), pulled to grey.
        let (u, v) = chroma(&out, 90, 10);
        assert!(
            u > 100 && u < 128 && v > 128 && v < 160,
            "bar chroma {u},{v}"
        );
        // Smooth: neighbouring bar pixels differ by very little, both directions.
        for &row in bar_rows.iter().filter(|&&r| r + 1 < y0 || r >= y1) {
            for c in 0..179 {
                let p = luma(&out, c, row) as i32;
                assert!(
                    (p - luma(&out, c + 1, row) as i32).abs() <= 2,
                    "h step at {c},{row}"
                );
                if row + 1 < 320 && (row + 1 < y0 || row + 1 >= y1) {
                    assert!(
                        (p - luma(&out, c, row + 1) as i32).abs() <= 2,
                        "v step at {c},{row}"
                    );
                }
            }
        }
        // The picture itself is sharp: the checkerboard survives in the middle.
        let mid = (y0 + y1) / 2;
        let (lo, hi) = (0..180)
            .map(|c| luma(&out, c, mid))
            .fold((255, 0), |(l, h), p| (l.min(p), h.max(p)));
        assert!(hi - lo > 30, "foreground contrast {lo}..{hi}");
    }

    #[test]
    fn blur_pillarbox_bars_are_smooth_and_picture_untouched() {
        // Portrait source into a landscape output: bars left and right.
        let src = busy(180, 320);
        let mut r = Reframer::new(180, 320, 320, 180, Fit::Blur, Yuv::BLACK);
        let out = r.apply(&src);
        let (x, y, w, h) = r.placement();
        assert_eq!((y, h), (0.0, 180.0));
        let (x0, x1) = (x as u32, (x + w) as u32);
        assert!(x0 > 100 && x0 % 2 == 0 && x1 < 220, "picture {x0}..{x1}");
        // Pad draws the same picture; only the bars differ.
        let padded = Reframer::new(180, 320, 320, 180, Fit::Pad, Yuv::BLACK).apply(&src);
        for row in 0..180 {
            for col in x0..x1 {
                assert_eq!(luma(&out, col, row), luma(&padded, col, row));
            }
            for col in (1..x0).chain(x1 + 1..320) {
                let d = luma(&out, col, row) as i32 - luma(&out, col - 1, row) as i32;
                assert!(d.abs() <= 2, "h step {d} at {col},{row}");
            }
        }
    }

    #[test]
    fn row_stretch_matches_bilinear_resize() {
        // Our vertical interpolation must agree with fast_image_resize's bilinear.
        let (w, sh, dh) = (24usize, 5usize, 37usize);
        let wide: Vec<u8> = (0..w * sh).map(|i| ((i * 37) % 256) as u8).collect();
        let mut ours = vec![0u8; w * dh];
        stretch_rows_around(
            &wide,
            sh,
            &mut ours,
            w,
            dh,
            RectU {
                x: 0,
                y: 0,
                w: 0,
                h: 0,
            },
        );
        let mut theirs = vec![0u8; w * dh];
        let opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear));
        let whole = RectF {
            x: 0.0,
            y: 0.0,
            w: w as f64,
            h: sh as f64,
        };
        let dest = RectU {
            x: 0,
            y: 0,
            w: w as u32,
            h: dh as u32,
        };
        let r = resize_plane(
            &mut Resizer::new(),
            &opts,
            (&wide, w as u32, sh as u32),
            whole,
            (&mut theirs, w as u32, dh as u32),
            dest,
        );
        assert!(r.is_ok());
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            assert!((*a as i32 - *b as i32).abs() <= 1, "pixel {i}: {a} vs {b}");
        }
        // Pixels inside the hole are left alone.
        let mut holed = vec![7u8; w * dh];
        stretch_rows_around(
            &wide,
            sh,
            &mut holed,
            w,
            dh,
            RectU {
                x: 4,
                y: 6,
                w: 10,
                h: 20,
            },
        );
        assert_eq!(holed[10 * w + 8], 7);
        assert_eq!(holed[10 * w + 2], ours[10 * w + 2]);
    }

    #[test]
    fn same_aspect_is_a_plain_resize_in_every_mode() {
        let src = busy(320, 180);
        let outs: Vec<Frame> = [Fit::Crop, Fit::Pad, Fit::Blur]
            .into_iter()
            .map(|fit| Reframer::new(320, 180, 160, 90, fit, Yuv::from_rgb(0, 255, 0)).apply(&src))
            .collect();
        assert_dims(&outs[0], 160, 90);
        assert_eq!(outs[0], outs[1]);
        assert_eq!(outs[0], outs[2]);
        // Same size, same aspect: a copy.
        assert_eq!(
            Reframer::new(320, 180, 320, 180, Fit::Blur, Yuv::BLACK).apply(&src),
            src
        );
    }

    #[test]
    fn awkward_sizes_do_not_panic() {
        let sizes = [
            (642, 362, 1080, 1350),
            (2, 2, 1080, 1920),
            (2, 2, 2, 2),
            (1920, 1080, 2, 2),
            (1920, 1080, 2, 1080),
            (362, 642, 1080, 1350),
            (4, 2, 2, 4),
        ];
        for (sw, sh, ow, oh) in sizes {
            let src = busy(sw, sh);
            for fit in [Fit::Crop, Fit::Pad, Fit::Blur] {
                let mut r = Reframer::new(sw, sh, ow, oh, fit, Yuv::BLACK);
                let out = r.apply(&src);
                assert_dims(&out, ow, oh);
                let (x, y, w, h) = r.placement();
                assert!(
                    x.is_finite() && y.is_finite() && w > 0.0 && h > 0.0,
                    "{sw}x{sh}->{ow}x{oh} {fit:?}"
                );
            }
        }
    }

    #[test]
    fn source_size_change_replans() {
        let mut r = Reframer::new(320, 180, 90, 160, Fit::Blur, Yuv::BLACK);
        let out = r.apply(&busy(180, 320));
        assert_dims(&out, 90, 160);
        assert_eq!(r.placement(), (0.0, 0.0, 90.0, 160.0));
    }

    #[test]
    fn fit_geometry_is_even_and_centred() {
        for (sw, sh, ow, oh) in [
            (1920, 1080, 1080, 1920),
            (642, 362, 1080, 1350),
            (1080, 1920, 1080, 1080),
            (1000, 998, 1080, 1080),
        ] {
            let d = fit_inside(sw, sh, ow, oh);
            assert!(
                [d.x, d.y, d.w, d.h].iter().all(|v| v.is_multiple_of(2)),
                "{d:?}"
            );
            assert_eq!(d.x * 2 + d.w, ow);
            assert_eq!(d.y * 2 + d.h, oh);
        }
        assert_eq!(
            fit_inside(1920, 1080, 1080, 1920),
            RectU {
                x: 0,
                y: 656,
                w: 1080,
                h: 608
            }
        );
    }

    /// This thread's on-CPU time in ns (Linux), so a busy machine doesn't skew it.
    fn thread_cpu_ns() -> Option<u64> {
        let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        s.split_whitespace().next()?.parse().ok()
    }

    /// Per-frame (min wall ms, median wall ms, CPU ms of the calling thread).
    fn time_apply(r: &mut Reframer, src: &Frame) -> (f64, f64, f64) {
        r.apply(src); // warm up buffers
        let n = 30;
        let cpu0 = thread_cpu_ns();
        let mut walls: Vec<f64> = (0..n)
            .map(|_| {
                let t = std::time::Instant::now();
                std::hint::black_box(r.apply(src));
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        let cpu = match (cpu0, thread_cpu_ns()) {
            (Some(a), Some(b)) => (b - a) as f64 / 1e6 / n as f64,
            _ => f64::NAN,
        };
        walls.sort_by(f64::total_cmp);
        (walls[0], walls[n / 2], cpu)
    }

    /// Timing for the hot path; run with `--release -- --nocapture reframe_timing`.
    #[test]
    fn reframe_timing() {
        let src = busy(1920, 1080);
        let Ok(one) = rayon::ThreadPoolBuilder::new().num_threads(1).build() else {
            return;
        };
        for fit in [Fit::Crop, Fit::Pad, Fit::Blur] {
            let mut r = Reframer::new(1920, 1080, 1080, 1920, fit, Yuv::BLACK);
            let (min1, med1, cpu1) = one.install(|| time_apply(&mut r, &src));
            let (min_n, med_n, _) = time_apply(&mut r, &src);
            println!(
                "reframe 1920x1080 -> 1080x1920 {fit:?}: 1 thread min {min1:.2} / median {med1:.2} ms (CPU {cpu1:.2} ms); \
                 {} threads min {min_n:.2} / median {med_n:.2} ms",
                rayon::current_num_threads()
            );
        }
    }
}
