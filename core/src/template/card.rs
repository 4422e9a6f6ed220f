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

/// What the card says besides its QR code, each line already as the video shows it.
#[derive(Debug, Clone, Default)]
pub struct CardText {
    pub title: Option<String>,
    pub price: Option<String>,
    /// The button-like call to action ("Scan to shop").
    pub label: Option<String>,
    /// The expiry badge ("ends Sun 18:00").
    pub badge: Option<String>,
}

/// The QR code of `url` (error correction M: readable with 15 % of it damaged, e.g. by video
/// compression) with its quiet zone, on a rounded panel of `panel` colour carrying `text`: above
/// and below the code (`row` false, for tall outputs) or beside it (`row` true, for wide ones).
pub fn render(url: &str, panel: [u8; 3], text: &CardText, row: bool) -> Result<Card, String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).map_err(|e| format!("the link does not fit a QR code: {e}"))?;
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let qr_px = (modules + 2 * QUIET_MODULES) * MODULE_PX;
    let border = ((f64::from(qr_px) * PANEL_BORDER).round() as u32).max(4);
    let ink = super::ink::Ink::new(panel);
    // Text sizes follow the QR square so the card reads the same at every link length.
    let q = qr_px as f32;
    let blocks = ink.blocks(text, if row { q * 1.1 } else { q }, q);
    let (width, height, qr_at, text_at) = if row {
        let col = (q * 1.1) as u32;
        let h = (qr_px + 2 * border).max(blocks.height + 2 * border);
        (border * 3 + qr_px + col, h, (border, (h - qr_px) / 2), (border * 2 + qr_px, (h - blocks.height) / 2, col))
    } else {
        let side = qr_px + 2 * border;
        let above = blocks.above_height();
        let top = if above > 0 { border + above + border / 2 } else { border };
        let below = blocks.height - above;
        let h = top + qr_px + if below > 0 { border / 2 + below + border } else { border };
        (side, h, (border, top), (border, border, qr_px))
    };
    let radius = f64::from(border) * 1.5;
    let mut rgba = vec![0u8; (width * height * 4) as usize];
    for y in 0..height {
        for x in 0..width {
            let i = ((y * width + x) * 4) as usize;
            if !inside_rounded(x, y, width, height, radius) {
                continue; // transparent corner
            }
            let (qx, qy) = (x.wrapping_sub(qr_at.0), y.wrapping_sub(qr_at.1));
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
    let mut canvas = super::ink::Canvas { width, height, rgba: &mut rgba };
    if row {
        blocks.draw(&mut canvas, text_at.0, text_at.1, text_at.2, None);
    } else {
        blocks.draw(&mut canvas, text_at.0, text_at.1, text_at.2, Some((qr_at.1 + qr_px + border / 2) as i32));
    }
    Ok(Card { width, height, rgba, qr_fraction: f64::from(qr_px) / f64::from(width) })
}

pub(super) fn inside_rounded(x: u32, y: u32, w: u32, h: u32, r: f64) -> bool {
    let (fx, fy) = (f64::from(x) + 0.5, f64::from(y) + 0.5);
    let cx = fx.clamp(r, f64::from(w) - r);
    let cy = fy.clamp(r, f64::from(h) - r);
    (fx - cx).powi(2) + (fy - cy).powi(2) <= r * r
}

/// The card as PNG bytes.
pub fn png(card: &Card) -> Result<Vec<u8>, String> {
    super::ink::png(card.width, card.height, &card.rgba)
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

    /// Pixels of the card's text column that are neither the panel colour nor transparent.
    fn ink_in(card: &Card, x0: u32) -> usize {
        let mut n = 0;
        for y in 0..card.height {
            for x in x0..card.width {
                let i = ((y * card.width + x) * 4) as usize;
                let p = &card.rgba[i..i + 4];
                if p[3] == 255 && (p[0], p[1], p[2]) != (0x22, 0x44, 0x88) {
                    n += 1;
                }
            }
        }
        n
    }

    #[test]
    fn the_card_draws_its_text_beside_the_code_and_keeps_the_qr_share() {
        let panel = [0x22, 0x44, 0x88];
        let bare = render("https://x.example/", panel, &CardText::default(), true).unwrap();
        let text = CardText { title: Some("Glow serum".into()), price: Some("12,50 €".into()), label: Some("Scan".into()), badge: Some("endet So. 18:00".into()) };
        let full = render("https://x.example/", panel, &text, true).unwrap();
        assert_eq!((bare.width, bare.height), (full.width, full.height), "the text fits beside the code");
        let qr_end = (full.qr_fraction * f64::from(full.width)) as u32 + 40;
        assert_eq!(ink_in(&bare, qr_end), 0);
        assert!(ink_in(&full, qr_end) > 2000, "{}", ink_in(&full, qr_end));
        // Stacked: taller than wide, the code spanning the width but its border.
        let col = render("https://x.example/", panel, &text, false).unwrap();
        assert!(col.height > col.width && col.qr_fraction > 0.85, "{}x{} {}", col.width, col.height, col.qr_fraction);
    }

    #[test]
    fn short_codes_are_stable_and_differ_per_link() {
        assert_eq!(short_code("https://a.example/"), short_code("https://a.example/"));
        assert_ne!(short_code("https://a.example/?utm_content=9x16"), short_code("https://a.example/?utm_content=1x1"));
        assert_eq!(short_code("x").len(), 10);
    }
}
