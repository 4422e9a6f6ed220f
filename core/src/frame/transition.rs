//! Transitions between two output pictures: `from` (the clip that ends) and `to` (the clip that
//! begins), same size, at progress 0 → 1. Plane by plane, so chroma follows luma exactly.

use rayon::prelude::*;

use super::{Frame, Yuv};
use crate::recipe::TransitionKind;

const WHITE: Yuv = Yuv { y: 235, u: 128, v: 128 };

/// Draws the transition `kind` at `progress` into `out` (sized like `from`).
pub fn blend(kind: TransitionKind, progress: f64, from: &Frame, to: &Frame, out: &mut Frame) {
    let p = progress.clamp(0.0, 1.0);
    out.width = from.width;
    out.height = from.height;
    out.y.resize(from.y.len(), 0);
    out.u.resize(from.u.len(), 0);
    out.v.resize(from.v.len(), 0);
    let (w, h) = (from.width as usize, from.height as usize);
    // Offsets in whole luma pixels, even, so the chroma planes move by whole samples too.
    let even = |x: f64| ((x / 2.0).round() as usize) * 2;
    match kind {
        TransitionKind::Cut => copy(to, out),
        TransitionKind::Crossfade => mix(from, to, p, out),
        TransitionKind::DipToBlack | TransitionKind::DipToWhite => {
            let c = if kind == TransitionKind::DipToBlack { Yuv::BLACK } else { WHITE };
            let solid = Frame::filled(from.width, from.height, c);
            if p < 0.5 { mix(from, &solid, p * 2.0, out) } else { mix(&solid, to, p * 2.0 - 1.0, out) }
        }
        TransitionKind::SlideLeft | TransitionKind::SlideRight => {
            let off = even(p * w as f64).min(w);
            let left = kind == TransitionKind::SlideLeft;
            for (plane, pw, ph, o) in planes(from, to, out, w, h, off) {
                let (a, b, dst) = plane;
                dst.par_chunks_mut(pw).take(ph).enumerate().for_each(|(y, row)| {
                    let (ra, rb) = (&a[y * pw..(y + 1) * pw], &b[y * pw..(y + 1) * pw]);
                    if left {
                        // `from` leaves to the left, `to` comes in from the right.
                        row[..pw - o].copy_from_slice(&ra[o..]);
                        row[pw - o..].copy_from_slice(&rb[..o]);
                    } else {
                        row[..o].copy_from_slice(&rb[pw - o..]);
                        row[o..].copy_from_slice(&ra[..pw - o]);
                    }
                });
            }
        }
        TransitionKind::SlideUp | TransitionKind::SlideDown => {
            let off = even(p * h as f64).min(h);
            let up = kind == TransitionKind::SlideUp;
            for (plane, pw, ph, _) in planes(from, to, out, w, h, 0) {
                let (a, b, dst) = plane;
                let o = off * ph / h;
                if up {
                    // `from` leaves upwards, `to` comes in from the bottom.
                    dst[..(ph - o) * pw].copy_from_slice(&a[o * pw..ph * pw]);
                    dst[(ph - o) * pw..ph * pw].copy_from_slice(&b[..o * pw]);
                } else {
                    dst[..o * pw].copy_from_slice(&b[(ph - o) * pw..ph * pw]);
                    dst[o * pw..ph * pw].copy_from_slice(&a[..(ph - o) * pw]);
                }
            }
        }
        TransitionKind::WipeLeft | TransitionKind::WipeRight => {
            let edge = even(p * w as f64).min(w);
            let leftwards = kind == TransitionKind::WipeLeft;
            for (plane, pw, ph, o) in planes(from, to, out, w, h, edge) {
                let (a, b, dst) = plane;
                dst.par_chunks_mut(pw).take(ph).enumerate().for_each(|(y, row)| {
                    let (ra, rb) = (&a[y * pw..(y + 1) * pw], &b[y * pw..(y + 1) * pw]);
                    // The edge moves left (the new clip shows from the right) or right.
                    let split = if leftwards { pw - o } else { o };
                    let (first, second) = if leftwards { (ra, rb) } else { (rb, ra) };
                    row[..split].copy_from_slice(&first[..split]);
                    row[split..].copy_from_slice(&second[split..]);
                });
            }
        }
    }
}

type PlaneJob<'a> = ((&'a [u8], &'a [u8], &'a mut [u8]), usize, usize, usize);

/// The three planes of (from, to, out) with their width, height and `luma_off` scaled to them.
fn planes<'a>(from: &'a Frame, to: &'a Frame, out: &'a mut Frame, w: usize, h: usize, luma_off: usize) -> [PlaneJob<'a>; 3] {
    let Frame { y, u, v, .. } = out;
    [
        ((&from.y[..], &to.y[..], &mut y[..]), w, h, luma_off),
        ((&from.u[..], &to.u[..], &mut u[..]), w / 2, h / 2, luma_off / 2),
        ((&from.v[..], &to.v[..], &mut v[..]), w / 2, h / 2, luma_off / 2),
    ]
}

fn copy(src: &Frame, out: &mut Frame) {
    out.y.copy_from_slice(&src.y);
    out.u.copy_from_slice(&src.u);
    out.v.copy_from_slice(&src.v);
}

/// out = a·(1−t) + b·t, per sample (t in 1/256 steps).
pub fn mix(a: &Frame, b: &Frame, t: f64, out: &mut Frame) {
    let m = (t.clamp(0.0, 1.0) * 256.0).round() as u32;
    let job = |(pa, pb, po): (&[u8], &[u8], &mut [u8])| {
        po.par_chunks_mut(4096).zip(pa.par_chunks(4096)).zip(pb.par_chunks(4096)).for_each(|((o, a), b)| {
            for ((o, &a), &b) in o.iter_mut().zip(a).zip(b) {
                *o = ((u32::from(a) * (256 - m) + u32::from(b) * m + 128) >> 8) as u8;
            }
        });
    };
    job((&a.y, &b.y, &mut out.y));
    job((&a.u, &b.u, &mut out.u));
    job((&a.v, &b.v, &mut out.v));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solid(y: u8) -> Frame {
        Frame::filled(64, 32, Yuv { y, u: 100, v: 160 })
    }

    fn blended(kind: TransitionKind, p: f64) -> Frame {
        let mut out = Frame::empty();
        blend(kind, p, &solid(50), &solid(200), &mut out);
        out
    }

    #[test]
    fn crossfade_and_dips() {
        assert_eq!(blended(TransitionKind::Crossfade, 0.5).y[0], 125);
        assert_eq!(blended(TransitionKind::Crossfade, 0.0).y[100], 50);
        assert_eq!(blended(TransitionKind::Crossfade, 1.0).y[100], 200);
        assert_eq!(blended(TransitionKind::DipToBlack, 0.5).y[7], 16);
        assert_eq!(blended(TransitionKind::DipToWhite, 0.5).y[7], 235);
        assert_eq!(blended(TransitionKind::DipToBlack, 0.25).y[7], 33);
    }

    #[test]
    fn slides_and_wipes_split_the_picture() {
        let half = |f: &Frame, x: usize, y: usize| f.y[y * 64 + x];
        let s = blended(TransitionKind::SlideLeft, 0.5);
        assert_eq!((half(&s, 10, 5), half(&s, 50, 5)), (50, 200));
        let s = blended(TransitionKind::SlideRight, 0.5);
        assert_eq!((half(&s, 10, 5), half(&s, 50, 5)), (200, 50));
        let s = blended(TransitionKind::SlideUp, 0.5);
        assert_eq!((half(&s, 10, 4), half(&s, 10, 28)), (50, 200));
        let s = blended(TransitionKind::SlideDown, 0.5);
        assert_eq!((half(&s, 10, 4), half(&s, 10, 28)), (200, 50));
        let s = blended(TransitionKind::WipeLeft, 0.25);
        assert_eq!((half(&s, 10, 5), half(&s, 60, 5)), (50, 200));
        let s = blended(TransitionKind::WipeRight, 0.25);
        assert_eq!((half(&s, 10, 5), half(&s, 60, 5)), (200, 50));
        // Chroma moves with luma.
        assert_eq!(s.u.len(), 32 * 16);
    }
}
