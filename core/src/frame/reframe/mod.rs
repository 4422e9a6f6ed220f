//! Fitting a source picture into an output of another size/aspect: crop, pad or
//! blurred-backdrop pad. Geometry is worked out once per output in
//! [`Reframer::new`]; [`Reframer::apply`] does only pixel work. `fit: "smart"` is a crop whose
//! window moves per frame ([`Reframer::apply_window_into`], `window.rs`).

mod backdrop;
mod geometry;
mod resize;
mod sws_plane;
#[cfg(test)]
mod tests;
mod window;

use super::{Frame, Yuv};
use crate::recipe::Fit;
use backdrop::BackdropBufs;
use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use geometry::{backdrop_dim, cover_crop, even, fit_inside, snap_whole, RectF, RectU};
use resize::resize_plane;
use sws_plane::SwsPlane;
pub(crate) use resize::resize_strided_plane;

/// Sharp picture: Catmull-Rom is close to Lanczos3 in quality at 2/3 of the taps.
const MAIN_FILTER: FilterType = FilterType::CatmullRom;
/// Above this reduction (source px per output px, either axis) fast_image_resize's convolution is
/// the faster one and swscale's bicubic is not used (docs/BENCHMARKS.md, "The main resize").
const SWS_MAX_REDUCTION: f64 = 2.0;

/// Resizes the window `(x, y, w, h)` (luma pixels, moved inside `src`) of `src` over the whole of
/// `out`, at `src`'s size: a still's camera move, before the clip's fit frames it.
pub fn resize_window(resizer: &mut Resizer, src: &Frame, (x, y, w, h): (f64, f64, f64, f64), out: &mut Frame) {
    let (sw, sh) = (src.width, src.height);
    out.width = sw;
    out.height = sh;
    out.y.resize(src.y.len(), 0);
    out.u.resize(src.u.len(), 0);
    out.v.resize(src.v.len(), 0);
    let (w, h) = (w.clamp(1.0, f64::from(sw)), h.clamp(1.0, f64::from(sh)));
    let crop = RectF { x: x.clamp(0.0, f64::from(sw) - w), y: y.clamp(0.0, f64::from(sh) - h), w, h };
    let opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(MAIN_FILTER));
    let jobs = [
        (&src.y, &mut out.y, sw, sh, crop),
        (&src.u, &mut out.u, sw / 2, sh / 2, crop.halved()),
        (&src.v, &mut out.v, sw / 2, sh / 2, crop.halved()),
    ];
    for (s, d, pw, ph, c) in jobs {
        let dest = RectU { x: 0, y: 0, w: pw, h: ph };
        let r = resize_plane(resizer, &opts, (s, pw, ph), c, (d, pw, ph), dest);
        debug_assert!(r.is_ok(), "window resize failed: {r:?}");
    }
}

/// `crop` in whole pixels when it is (swscale cannot start between pixels) and not reduced by more
/// than [`SWS_MAX_REDUCTION`] into `dest` (nor merely copied).
fn whole_pixels(crop: RectF, dest: RectU) -> Option<RectU> {
    let whole = |v: f64| (v.fract() == 0.0 && v >= 0.0 && v <= f64::from(u32::MAX)).then_some(v as u32);
    let c = RectU { x: whole(crop.x)?, y: whole(crop.y)?, w: whole(crop.w)?, h: whole(crop.h)? };
    let reduction = (f64::from(c.w) / f64::from(dest.w.max(1))).max(f64::from(c.h) / f64::from(dest.h.max(1)));
    // At the same size fast_image_resize copies, which is cheaper still.
    let same = (c.w, c.h) == (dest.w, dest.h);
    (!same && reduction <= SWS_MAX_REDUCTION).then_some(c)
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
        /// With bars only above and below: `crop` in the picture as drawn (relative to its rect),
        /// which holds everything the backdrop shows at fewer pixels (backdrop.rs shrinks that).
        in_picture: Option<RectF>,
    },
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
    /// swscale for the main picture (luma, chroma) when the crop is whole pixels.
    sws: [Option<SwsPlane>; 2],
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
            // Smart is a crop whose window moves (window.rs); centred until told otherwise.
            Fit::Crop => (snap_whole(cover, src_w, src_h), full_out, Fill::None),
            Fit::Smart => (cover, full_out, Fill::None),
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
                    // The picture is the whole source scaled into `dest`.
                    let in_picture = (dest.x == 0 && dest.w == out_w && dest.h > 0).then(|| {
                        let (px, py) = (f64::from(dest.w) / f64::from(src_w), f64::from(dest.h) / f64::from(src_h));
                        let (x, y) = ((cover.x * px).max(0.0), (cover.y * py).max(0.0));
                        let (w, h) = ((cover.w * px).min(f64::from(dest.w) - x), (cover.h * py).min(f64::from(dest.h) - y));
                        RectF { x, y, w, h }
                    });
                    Fill::Backdrop {
                        crop: cover,
                        small_w,
                        small_h,
                        in_picture,
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
            sws: [None, None],
        }
    }

    /// Produces the `out_w` x `out_h` picture for `src`.
    pub fn apply(&mut self, src: &Frame) -> Frame {
        let mut out = Frame::empty();
        self.apply_into(src, &mut out);
        out
    }

    /// Like [`Reframer::apply`], but draws into `out`, reusing its buffers (the export recycles
    /// encoded pictures this way instead of allocating 3 MB per 1080p frame).
    pub fn apply_into(&mut self, src: &Frame, out: &mut Frame) {
        self.replan_if_resized(src);
        self.draw(src, out);
    }

    /// The stream changed size mid-way: re-plan rather than mis-crop.
    fn replan_if_resized(&mut self, src: &Frame) {
        if (even(src.width), even(src.height)) != (self.src_w, self.src_h) {
            *self = Reframer::new(
                src.width,
                src.height,
                self.out_w,
                self.out_h,
                self.fit,
                self.background,
            );
        }
    }

    /// Draws `src` into `out` with the current geometry.
    fn draw(&mut self, src: &Frame, out: &mut Frame) {
        self.prepare_output(out);
        if self.is_identity() {
            // The picture is already the output (a preview decoded straight to its size): copy,
            // since a same-size convolution costs as much as a real resize.
            out.y.copy_from_slice(&src.y);
            out.u.copy_from_slice(&src.u);
            out.v.copy_from_slice(&src.v);
            return;
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
        for (i, (s, d, sw, sh, ow, oh, crop, dest)) in jobs.into_iter().enumerate() {
            let slot = &mut self.sws[i.min(1)];
            if whole_pixels(crop, dest).is_some_and(|c| SwsPlane::scale(slot, (s, sw as usize), c, (d, ow as usize), dest)) {
                continue;
            }
            let r = resize_plane(&mut self.main, &main, (s, sw, sh), crop, (d, ow, oh), dest);
            debug_assert!(r.is_ok(), "reframe resize failed: {r:?}");
        }
        // After the picture: the backdrop may be shrunk from it (backdrop.rs).
        if let Fill::Backdrop { crop, small_w, small_h, in_picture } = self.fill {
            self.draw_backdrop(src, out, (crop, in_picture), small_w, small_h);
        }
    }

    /// The whole source, unscaled, is the whole output.
    fn is_identity(&self) -> bool {
        let (c, d) = (self.crop, self.dest);
        (self.src_w, self.src_h) == (self.out_w, self.out_h)
            && (c.x, c.y, c.w, c.h) == (0.0, 0.0, f64::from(self.src_w), f64::from(self.src_h))
            && (d.x, d.y, d.w, d.h) == (0, 0, self.out_w, self.out_h)
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
            let (d, dc) = (self.dest, self.dest.halved());
            fill_around(&mut out.y, w, d, c.y);
            fill_around(&mut out.u, w / 2, dc, c.u);
            fill_around(&mut out.v, w / 2, dc, c.v);
        }
    }
}

/// Paints every pixel of a `w`-wide plane outside `hole` (the picture draws the rest).
fn fill_around(plane: &mut [u8], w: usize, hole: RectU, value: u8) {
    let (x0, x1) = ((hole.x as usize).min(w), ((hole.x + hole.w) as usize).min(w));
    let (y0, y1) = (hole.y as usize, (hole.y + hole.h) as usize);
    for (y, row) in plane.chunks_exact_mut(w.max(1)).enumerate() {
        if (y0..y1).contains(&y) {
            row[..x0].fill(value);
            row[x1..].fill(value);
        } else {
            row.fill(value);
        }
    }
}
