//! `fit: "smart"`: a crop whose window is given per frame (the analysis' crop path) instead of
//! the centred cover crop; everything else is the crop's pixel work.

use super::geometry::RectF;
use super::Reframer;
use crate::frame::Frame;
use crate::recipe::Fit;

impl Reframer {
    /// Like [`Reframer::apply_into`] for a Reframer made with `Fit::Crop` or `Fit::Smart`, showing the window
    /// `(x, y, w, h)` of `src` (its luma pixels; e.g. `analysis::CropWindow::scaled_to` the working
    /// size) stretched over the whole output. The window is moved and shrunk as needed to lie
    /// inside `src`; give it the output's aspect (`analysis::reframe_path::crop_size`) or the
    /// picture is stretched. The next plain `apply_into` is the centred crop again.
    pub fn apply_window_into(&mut self, src: &Frame, (x, y, w, h): (f64, f64, f64, f64), out: &mut Frame) {
        debug_assert!(matches!(self.fit, Fit::Crop | Fit::Smart), "a moving window is a crop");
        self.replan_if_resized(src);
        let centred = self.crop;
        self.crop = inside(x, y, w, h, f64::from(self.src_w), f64::from(self.src_h)).unwrap_or(centred);
        self.draw(src, out);
        self.crop = centred;
    }
}

/// The window moved (then shrunk) to lie inside a `sw`x`sh` picture; `None` if it is not a
/// rectangle with a positive area.
fn inside(x: f64, y: f64, w: f64, h: f64, sw: f64, sh: f64) -> Option<RectF> {
    if ![x, y, w, h].iter().all(|v| v.is_finite()) || w <= 0.0 || h <= 0.0 {
        return None;
    }
    let (w, h) = (w.min(sw), h.min(sh));
    Some(RectF { x: x.clamp(0.0, sw - w), y: y.clamp(0.0, sh - h), w, h })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Yuv;

    /// 320x180: ten vertical bands 32 px wide, band k has luma 20 + 20k.
    fn bands() -> Frame {
        let mut f = Frame::filled(320, 180, Yuv { y: 0, u: 128, v: 128 });
        for (i, p) in f.y.iter_mut().enumerate() {
            *p = 20 + 20 * ((i % 320) / 32) as u8;
        }
        f
    }

    /// Luma in the middle of the output picture.
    fn middle(f: &Frame) -> u8 {
        f.y[(f.height / 2 * f.width + f.width / 2) as usize]
    }

    #[test]
    fn the_window_chooses_what_is_shown() {
        let src = bands();
        let mut r = Reframer::new(320, 180, 90, 160, Fit::Crop, Yuv::BLACK);
        let (mut centred, mut out) = (Frame::empty(), Frame::empty());
        r.apply_into(&src, &mut centred);
        // The centred crop (101.25 px made 102 whole pixels) as a window draws the same picture.
        r.apply_window_into(&src, (109.0, 0.0, 102.0, 180.0), &mut out);
        assert_eq!((out.width, out.height), (90, 160));
        assert_eq!(out, centred);
        // A 9:16 window over x 0..101: the middle shows x ≈ 50, band 1.
        r.apply_window_into(&src, (0.0, 0.0, 101.25, 180.0), &mut out);
        assert_eq!(middle(&out), 40);
        // Over x 218..320: the middle shows x ≈ 269, band 8.
        r.apply_window_into(&src, (218.75, 0.0, 101.25, 180.0), &mut out);
        assert_eq!(middle(&out), 180);
        // Plain calls are the centred crop again.
        r.apply_into(&src, &mut out);
        assert_eq!(out, centred);
    }

    #[test]
    fn a_window_past_the_edge_is_moved_inside() {
        let src = bands();
        let mut r = Reframer::new(320, 180, 90, 160, Fit::Crop, Yuv::BLACK);
        let mut out = Frame::empty();
        r.apply_window_into(&src, (300.0, -50.0, 101.25, 180.0), &mut out);
        let mut edge = Frame::empty();
        r.apply_window_into(&src, (218.75, 0.0, 101.25, 180.0), &mut edge);
        assert_eq!(out, edge);
        assert_eq!(inside(1.0, 1.0, 500.0, 500.0, 320.0, 180.0), Some(RectF { x: 0.0, y: 0.0, w: 320.0, h: 180.0 }));
        assert_eq!(inside(f64::NAN, 0.0, 10.0, 10.0, 320.0, 180.0), None);
    }

    #[test]
    fn a_degenerate_window_falls_back_to_the_centred_crop() {
        let src = bands();
        let mut r = Reframer::new(320, 180, 90, 160, Fit::Crop, Yuv::BLACK);
        let (mut a, mut b) = (Frame::empty(), Frame::empty());
        r.apply_window_into(&src, (10.0, 0.0, 0.0, 180.0), &mut a);
        r.apply_into(&src, &mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn the_window_follows_a_resized_stream() {
        let mut r = Reframer::new(640, 360, 90, 160, Fit::Crop, Yuv::BLACK);
        let mut out = Frame::empty();
        r.apply_window_into(&bands(), (0.0, 0.0, 101.25, 180.0), &mut out);
        assert_eq!(middle(&out), 40);
    }
}
