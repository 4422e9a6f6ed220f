//! The call-to-action end card: the link tracked per output, its short code, and a PNG of its QR
//! code on a brand-colour panel.

use qrcode::{Color, EcLevel, QrCode};
use sha2::{Digest, Sha256};

/// Pixels per QR module in the card PNG (the overlay scales the card to its layout width).
const MODULE_PX: u32 = 8;
/// The QR standard's quiet zone, in modules, kept white around the code.
const QUIET_MODULES: u32 = 4;
/// Brand-colour border around the white QR square, as a fraction of that square.
const PANEL_BORDER: f64 = 0.07;

/// The tracking names and values added to a link.
pub struct TrackingValues<'a> {
    pub source: &'a str,
    pub medium: &'a str,
    pub campaign: &'a str,
}

/// `link` with `utm_source`, `utm_medium`, `utm_campaign` and `utm_content=<aspect>` (e.g.
/// `9x16`): parameters of those names already in the link are replaced, others and the fragment kept.
pub fn tracked_url(link: &url::Url, t: &TrackingValues, aspect: &str) -> String {
    let mut u = link.clone();
    let names = ["utm_source", "utm_medium", "utm_campaign", "utm_content"];
    let kept: Vec<(String, String)> = u.query_pairs().filter(|(k, _)| !names.contains(&k.as_ref())).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let content = aspect_tag(aspect);
    {
        let mut q = u.query_pairs_mut();
        q.clear();
        for (k, v) in &kept {
            q.append_pair(k, v);
        }
        q.append_pair("utm_source", t.source).append_pair("utm_medium", t.medium).append_pair("utm_campaign", t.campaign).append_pair("utm_content", &content);
    }
    u.to_string()
}

/// "9x16" for "9:16": a file-name and URL friendly aspect.
pub fn aspect_tag(aspect: &str) -> String {
    aspect.replace(':', "x")
}

/// A deterministic 10-character short code (lower-case base 32 of the link's SHA-256).
pub fn short_code(url: &str) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let digest = Sha256::digest(url.as_bytes());
    let mut bits: u64 = u64::from_be_bytes(digest[..8].try_into().unwrap_or([0; 8]));
    (0..10)
        .map(|_| {
            let c = ALPHABET[(bits & 31) as usize] as char;
            bits >>= 5;
            c
        })
        .collect()
}

/// The card: RGBA pixels, its size, and the fraction of its width the QR code (with its quiet
/// zone) takes.
pub struct Card {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
    pub qr_fraction: f64,
}

/// The QR code of `url` (error correction M: readable with 15 % of it damaged, e.g. by video
/// compression) with its quiet zone, on a rounded panel of `panel` colour.
pub fn render(url: &str, panel: [u8; 3]) -> Result<Card, String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).map_err(|e| format!("the link does not fit a QR code: {e}"))?;
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let qr_px = (modules + 2 * QUIET_MODULES) * MODULE_PX;
    let border = ((f64::from(qr_px) * PANEL_BORDER).round() as u32).max(4);
    let side = qr_px + 2 * border;
    let radius = f64::from(border) * 1.5;
    let mut rgba = vec![0u8; (side * side * 4) as usize];
    for y in 0..side {
        for x in 0..side {
            let i = ((y * side + x) * 4) as usize;
            if !inside_rounded(x, y, side, radius) {
                continue; // transparent corner
            }
            let (qx, qy) = (x.wrapping_sub(border), y.wrapping_sub(border));
            let px = if qx < qr_px && qy < qr_px {
                let (mx, my) = (qx / MODULE_PX, qy / MODULE_PX);
                let dark = mx >= QUIET_MODULES
                    && my >= QUIET_MODULES
                    && mx < QUIET_MODULES + modules
                    && my < QUIET_MODULES + modules
                    && colors[((my - QUIET_MODULES) * modules + (mx - QUIET_MODULES)) as usize] == Color::Dark;
                if dark { [0, 0, 0] } else { [255, 255, 255] }
            } else {
                panel
            };
            rgba[i..i + 4].copy_from_slice(&[px[0], px[1], px[2], 255]);
        }
    }
    Ok(Card { width: side, height: side, rgba, qr_fraction: f64::from(qr_px) / f64::from(side) })
}

fn inside_rounded(x: u32, y: u32, side: u32, r: f64) -> bool {
    let (fx, fy, s) = (f64::from(x) + 0.5, f64::from(y) + 0.5, f64::from(side));
    let cx = fx.clamp(r, s - r);
    let cy = fy.clamp(r, s - r);
    (fx - cx).powi(2) + (fy - cy).powi(2) <= r * r
}

/// The card as PNG bytes.
pub fn png(card: &Card) -> Result<Vec<u8>, String> {
    let img = image::RgbaImage::from_raw(card.width, card.height, card.rgba.clone()).ok_or("card size")?;
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_keeps_query_and_fragment() {
        let link = url::Url::parse("https://shop.example/p/42?ref=ig&utm_source=old#buy").unwrap();
        let t = TrackingValues { source: "clipforge", medium: "video", campaign: "drop" };
        assert_eq!(
            tracked_url(&link, &t, "9:16"),
            "https://shop.example/p/42?ref=ig&utm_source=clipforge&utm_medium=video&utm_campaign=drop&utm_content=9x16#buy"
        );
    }

    #[test]
    fn short_codes_are_stable_and_differ_per_link() {
        assert_eq!(short_code("https://a.example/"), short_code("https://a.example/"));
        assert_ne!(short_code("https://a.example/?utm_content=9x16"), short_code("https://a.example/?utm_content=1x1"));
        assert_eq!(short_code("x").len(), 10);
    }
}
