//! Perceptual comparison of two same-size pictures.

use crate::golden::thumbs::Thumb;

/// PSNR in dB over all RGB samples (100 for identical pictures).
pub fn psnr(a: &Thumb, b: &Thumb) -> f64 {
    let n = a.rgb.len().min(b.rgb.len()).max(1);
    let se: f64 = a.rgb.iter().zip(&b.rgb).map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2)).sum();
    let mse = se / n as f64;
    if mse <= 1e-10 { 100.0 } else { (10.0 * (255.0f64 * 255.0 / mse).log10()).min(100.0) }
}

fn luma(t: &Thumb) -> Vec<f64> {
    t.rgb.chunks_exact(3).map(|p| 0.2126 * f64::from(p[0]) + 0.7152 * f64::from(p[1]) + 0.0722 * f64::from(p[2])).collect()
}

/// Mean SSIM of the luma over 8x8 windows with a stride of 4 (Wang et al. constants).
pub fn ssim(a: &Thumb, b: &Thumb) -> f64 {
    let (w, h) = (a.width as usize, a.height as usize);
    if w < 8 || h < 8 || a.width != b.width || a.height != b.height {
        return 0.0;
    }
    let (la, lb) = (luma(a), luma(b));
    let (c1, c2) = ((0.01f64 * 255.0).powi(2), (0.03f64 * 255.0).powi(2));
    let (mut sum, mut count) = (0.0, 0usize);
    for y0 in (0..=h - 8).step_by(4) {
        for x0 in (0..=w - 8).step_by(4) {
            let (mut ma, mut mb, mut va, mut vb, mut cov) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for y in y0..y0 + 8 {
                for x in x0..x0 + 8 {
                    ma += la[y * w + x];
                    mb += lb[y * w + x];
                }
            }
            ma /= 64.0;
            mb /= 64.0;
            for y in y0..y0 + 8 {
                for x in x0..x0 + 8 {
                    let (da, db) = (la[y * w + x] - ma, lb[y * w + x] - mb);
                    va += da * da;
                    vb += db * db;
                    cov += da * db;
                }
            }
            let (va, vb, cov) = (va / 63.0, vb / 63.0, cov / 63.0);
            sum += ((2.0 * ma * mb + c1) * (2.0 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
            count += 1;
        }
    }
    sum / count.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(shift: usize) -> Thumb {
        let (w, h) = (64u32, 48u32);
        let mut rgb = Vec::new();
        for y in 0..h as usize {
            for x in 0..w as usize {
                let v = if ((x + shift) / 8 + y / 8).is_multiple_of(2) { 30 } else { 220 };
                rgb.extend_from_slice(&[v, v, v]);
            }
        }
        Thumb { width: w, height: h, rgb }
    }

    #[test]
    fn identical_is_perfect_and_shifted_is_not() {
        let (a, b) = (pattern(0), pattern(3));
        assert_eq!(psnr(&a, &a), 100.0);
        assert!((ssim(&a, &a) - 1.0).abs() < 1e-9);
        assert!(psnr(&a, &b) < 15.0);
        assert!(ssim(&a, &b) < 0.7);
    }
}
