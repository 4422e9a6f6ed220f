//! The sponsored moment's sting: the sponsor's logo centred on a brand-colour panel with a soft
//! light behind it and an optional line under it, as one square PNG. The template shows it as an
//! image clip with a motion (zoom) between the other clips; square so that every output's crop
//! keeps the logo whole.

use std::path::Path;

use super::ink::{Canvas, Ink};
use crate::captions::raster::Image;

/// Side of the sting picture, pixels (the export scales it to each output).
const SIDE: u32 = 1280;
/// The logo fits a box of this share of the side (the 9:16 crop keeps the middle 56 %).
const LOGO_SHARE: f32 = 0.42;

/// The sting PNG: `logo` (a local picture) on `panel`, `line` under it.
pub fn render(logo: &Path, panel: [u8; 3], line: Option<&str>) -> Result<Vec<u8>, String> {
    let pic = crate::overlay::images::load(logo, "logo").map_err(|e| e.message)?;
    let first = pic.frames.first().ok_or("the logo has no picture")?;
    let src = image::RgbaImage::from_raw(pic.width, pic.height, first.0.clone()).ok_or("logo size")?;
    let box_px = SIDE as f32 * LOGO_SHARE;
    let scale = (box_px / pic.width as f32).min(box_px / pic.height as f32);
    let (lw, lh) = (((pic.width as f32 * scale).round() as u32).max(1), ((pic.height as f32 * scale).round() as u32).max(1));
    // Premultiplied in, premultiplied out: Lanczos on premultiplied pixels keeps edges clean.
    let logo_img = image::imageops::resize(&src, lw, lh, image::imageops::FilterType::Lanczos3);

    let mut rgba = vec![0u8; (SIDE * SIDE * 4) as usize];
    let c = SIDE as f32 / 2.0;
    for y in 0..SIDE {
        for x in 0..SIDE {
            // A soft light behind the logo: up to 22 % towards white at the centre.
            let d = ((x as f32 - c).powi(2) + (y as f32 - c).powi(2)).sqrt() / (SIDE as f32 * 0.5);
            let k = 0.22 * (1.0 - d.min(1.0)).powi(2);
            let i = ((y * SIDE + x) * 4) as usize;
            for ch in 0..3 {
                let v = f32::from(panel[ch]);
                rgba[i + ch] = (v + (255.0 - v) * k).round() as u8;
            }
            rgba[i + 3] = 255;
        }
    }
    let mut ink = Ink::new(panel);
    let text = line.filter(|l| !l.trim().is_empty()).map(|l| {
        let style = ink.plain();
        ink.text(l, SIDE as f32 * 0.045, SIDE as f32 * 0.5, 2.0, &style)
    });
    let gap = (SIDE as f32 * 0.04) as u32;
    let total = lh + text.as_ref().map_or(0, |t| gap + t.height);
    let top = (SIDE - total.min(SIDE)) / 2;
    let mut canvas = Canvas { width: SIDE, height: SIDE, rgba: &mut rgba };
    let logo = Image { width: lw, height: lh, rgba: logo_img.into_raw() };
    canvas.put(&logo, ((SIDE - lw) / 2) as i32, top as i32);
    if let Some(t) = &text {
        canvas.put(t, ((SIDE - t.width.min(SIDE)) / 2) as i32, (top + lh + gap) as i32);
    }
    super::ink::png(SIDE, SIDE, &rgba)
}
