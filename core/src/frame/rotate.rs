//! Lossless quarter-turn rotation, used to show phone recordings upright
//! (the container's display matrix says "rotate N° clockwise to display").

use super::Frame;
use rayon::prelude::*;

/// Edge of the square blocks used for 90/270: a 32x32 block of source and
/// destination both stay in L1, so the strided reads don't thrash the cache.
const TILE: usize = 32;

/// Rotates `frame` clockwise by `degrees_cw`. Values are taken mod 360; anything
/// that is not a multiple of 90 returns the frame as it is (no copy: most sources are upright).
pub fn rotate(frame: Frame, degrees_cw: u32) -> Frame {
    let turn = degrees_cw % 360;
    if turn == 0 || !turn.is_multiple_of(90) {
        return frame;
    }
    let (w, h) = (frame.width as usize, frame.height as usize);
    let (cw, ch) = (w / 2, h / 2);
    let (out_w, out_h) = if turn == 180 {
        (frame.width, frame.height)
    } else {
        (frame.height, frame.width)
    };
    Frame {
        width: out_w,
        height: out_h,
        y: rotate_plane(&frame.y, w, h, turn),
        u: rotate_plane(&frame.u, cw, ch, turn),
        v: rotate_plane(&frame.v, cw, ch, turn),
    }
}

/// Mirrors `frame` left-right (a display matrix with a flip: some front cameras).
pub fn mirror(mut frame: Frame) -> Frame {
    let (w, cw) = (frame.width as usize, frame.width as usize / 2);
    for (plane, pw) in [(&mut frame.y, w), (&mut frame.u, cw), (&mut frame.v, cw)] {
        if pw > 0 {
            plane.par_chunks_mut(pw).for_each(<[u8]>::reverse);
        }
    }
    frame
}

/// Rotates one tightly packed `w`x`h` plane by 90, 180 or 270 degrees clockwise.
fn rotate_plane(src: &[u8], w: usize, h: usize, turn: u32) -> Vec<u8> {
    let mut dst = vec![0u8; w * h];
    if w == 0 || h == 0 || src.len() < w * h {
        return dst; // malformed input: a blank plane beats a panic
    }
    match turn {
        90 => transpose_into(&mut dst, h, |ox, oy| (h - 1 - ox) * w + oy, src),
        270 => transpose_into(&mut dst, h, |ox, oy| ox * w + (w - 1 - oy), src),
        _ => flip_into(&mut dst, src, w, h),
    }
    dst
}

/// 180°: output row `oy` is source row `h-1-oy` reversed — purely sequential access.
fn flip_into(dst: &mut [u8], src: &[u8], w: usize, h: usize) {
    dst.par_chunks_mut(w).enumerate().for_each(|(oy, row)| {
        let s = &src[(h - 1 - oy) * w..(h - oy) * w];
        row.iter_mut()
            .zip(s.iter().rev())
            .for_each(|(d, &p)| *d = p);
    });
}

/// 90°/270°: fills `dst` (`out_w` wide) with `src[index(ox, oy)]`, one band of
/// TILE output rows per rayon task, walked in TILE-wide blocks.
fn transpose_into<F>(dst: &mut [u8], out_w: usize, index: F, src: &[u8])
where
    F: Fn(usize, usize) -> usize + Sync,
{
    dst.par_chunks_mut(out_w * TILE)
        .enumerate()
        .for_each(|(band, rows)| {
            let oy0 = band * TILE;
            for ox0 in (0..out_w).step_by(TILE) {
                let ox1 = (ox0 + TILE).min(out_w);
                for (r, row) in rows.chunks_mut(out_w).enumerate() {
                    let oy = oy0 + r;
                    for (ox, d) in (ox0..ox1).zip(&mut row[ox0..ox1]) {
                        *d = src[index(ox, oy)];
                    }
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 4x2 luma 0..8, chroma u = [100, 101], v = [200, 201].
    fn small() -> Frame {
        Frame {
            width: 4,
            height: 2,
            y: (0..8).collect(),
            u: vec![100, 101],
            v: vec![200, 201],
        }
    }

    /// A frame whose every sample is distinct within its plane (mod 256).
    fn patterned(w: u32, h: u32) -> Frame {
        let n = (w * h) as usize;
        Frame {
            width: w,
            height: h,
            y: (0..n).map(|i| (i * 7 % 251) as u8).collect(),
            u: (0..n / 4).map(|i| (i * 3 % 253) as u8).collect(),
            v: (0..n / 4).map(|i| (i * 5 % 241) as u8).collect(),
        }
    }

    #[test]
    fn rotate_90_exact() {
        // Source rows: [0 1 2 3] / [4 5 6 7]. Clockwise: the left column, read
        // bottom-up, becomes the top row.
        let r = rotate(small(), 90);
        assert_eq!((r.width, r.height), (2, 4));
        assert_eq!(r.y, vec![4, 0, 5, 1, 6, 2, 7, 3]);
        assert_eq!(r.u, vec![100, 101]); // 2x1 → 1x2, left sample on top
        assert_eq!(r.v, vec![200, 201]);
    }

    #[test]
    fn rotate_180_exact() {
        let r = rotate(small(), 180);
        assert_eq!((r.width, r.height), (4, 2));
        assert_eq!(r.y, vec![7, 6, 5, 4, 3, 2, 1, 0]);
        assert_eq!(r.u, vec![101, 100]);
        assert_eq!(r.v, vec![201, 200]);
    }

    #[test]
    fn rotate_270_exact() {
        let r = rotate(small(), 270);
        assert_eq!((r.width, r.height), (2, 4));
        assert_eq!(r.y, vec![3, 7, 2, 6, 1, 5, 0, 4]);
        assert_eq!(r.u, vec![101, 100]); // right sample on top
        assert_eq!(r.v, vec![201, 200]);
    }

    #[test]
    fn rotate_matches_formula_on_multi_tile_frame() {
        // 70x38 luma / 35x19 chroma: partial tiles on both axes.
        let f = patterned(70, 38);
        let r = rotate(f.clone(), 90);
        for (plane_s, plane_d, w, h) in [
            (&f.y, &r.y, 70, 38),
            (&f.u, &r.u, 35, 19),
            (&f.v, &r.v, 35, 19),
        ] {
            for y in 0..h {
                for x in 0..w {
                    // Source (x, y) lands at (h-1-y, x) in an h-wide output.
                    assert_eq!(plane_d[x * h + (h - 1 - y)], plane_s[y * w + x]);
                }
            }
        }
    }

    #[test]
    fn rotation_composes() {
        let f = patterned(70, 38);
        let r90 = rotate(f.clone(), 90);
        assert_eq!(rotate(r90.clone(), 90), rotate(f.clone(), 180));
        assert_eq!(rotate(rotate(rotate(r90.clone(), 90), 90), 90), f);
        assert_eq!(rotate(r90.clone(), 270), f);
    }

    #[test]
    fn odd_angles_and_wraparound() {
        let f = patterned(6, 4);
        assert_eq!(rotate(f.clone(), 0), f);
        assert_eq!(rotate(f.clone(), 360), f);
        assert_eq!(rotate(f.clone(), 45), f);
        assert_eq!(rotate(f.clone(), 450), rotate(f.clone(), 90));
        let tiny = patterned(2, 2);
        assert_eq!(rotate(rotate(tiny.clone(), 270), 90), tiny);
    }
}
