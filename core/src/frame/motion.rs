//! A still image's slow camera move: which part of the picture is in view at each moment.
//! The view keeps the picture's aspect; the clip's fit then frames it like any video frame.

use fast_image_resize::Resizer;

use super::reframe::resize_window;
use super::Frame;
use crate::recipe::Motion;

/// How far a zoom or pan travels: the view is this fraction of the picture at its tightest.
const TIGHT: f64 = 0.85;

/// The view (x, y, w, h) of a `w`x`h` picture at `progress` 0 → 1 through the clip.
pub fn window(motion: Motion, progress: f64, w: u32, h: u32) -> (f64, f64, f64, f64) {
    let (w, h) = (f64::from(w), f64::from(h));
    // Smooth start and end: a camera operator eases in and out.
    let p = progress.clamp(0.0, 1.0);
    let p = p * p * (3.0 - 2.0 * p);
    let zoom = |s: f64| {
        let (vw, vh) = (w * s, h * s);
        ((w - vw) / 2.0, (h - vh) / 2.0, vw, vh)
    };
    let (vw, vh) = (w * TIGHT, h * TIGHT);
    match motion {
        Motion::None => (0.0, 0.0, w, h),
        Motion::ZoomIn => zoom(1.0 - (1.0 - TIGHT) * p),
        Motion::ZoomOut => zoom(TIGHT + (1.0 - TIGHT) * p),
        // The view travels left over the picture (the scene seems to move right), or right.
        Motion::PanLeft => ((w - vw) * (1.0 - p), (h - vh) / 2.0, vw, vh),
        Motion::PanRight => ((w - vw) * p, (h - vh) / 2.0, vw, vh),
    }
}

/// Draws the view of `still` at `progress` into `out`, at the still's own size.
pub fn render(motion: Motion, progress: f64, still: &Frame, resizer: &mut Resizer, out: &mut Frame) {
    let win = window(motion, progress, still.width, still.height);
    resize_window(resizer, still, win, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_move_as_named_and_stay_inside() {
        assert_eq!(window(Motion::None, 0.5, 100, 50), (0.0, 0.0, 100.0, 50.0));
        let (_, _, w0, _) = window(Motion::ZoomIn, 0.0, 100, 50);
        let (_, _, w1, _) = window(Motion::ZoomIn, 1.0, 100, 50);
        assert!((w0 - 100.0).abs() < 1e-9 && (w1 - 85.0).abs() < 1e-9);
        let (x0, ..) = window(Motion::PanRight, 0.0, 100, 50);
        let (x1, ..) = window(Motion::PanRight, 1.0, 100, 50);
        assert!(x0 < 1e-9 && (x1 - 15.0).abs() < 1e-9);
        for m in [Motion::ZoomIn, Motion::ZoomOut, Motion::PanLeft, Motion::PanRight] {
            for k in 0..=10 {
                let (x, y, w, h) = window(m, f64::from(k) / 10.0, 100, 50);
                assert!(x >= 0.0 && y >= 0.0 && x + w <= 100.0 + 1e-9 && y + h <= 50.0 + 1e-9, "{m:?} {k}");
            }
        }
    }
}
