//! Text on the template's generated pictures (end card, sting): the caption engine's shaping and
//! rasteriser, drawn once into a straight-alpha RGBA picture instead of per frame.

use cosmic_text::{FontSystem, SwashCache};

use super::card::CardText;
use crate::captions::fonts::{Fonts, DEFAULT_FAMILY};
use crate::captions::layout::{lay_out, Fit};
use crate::captions::raster::{rasterise, Image};
use crate::captions::model::Preset;
use crate::captions::style::{preset, Rgba, Style};

/// A straight-alpha RGBA picture being drawn on.
pub struct Canvas<'a> {
    pub width: u32,
    pub height: u32,
    pub rgba: &'a mut [u8],
}

impl Canvas<'_> {
    /// Composites premultiplied `img` with its top-left at (x, y).
    pub fn put(&mut self, img: &Image, x: i32, y: i32) {
        for iy in 0..img.height as i32 {
            for ix in 0..img.width as i32 {
                let (cx, cy) = (x + ix, y + iy);
                if cx < 0 || cy < 0 || cx >= self.width as i32 || cy >= self.height as i32 {
                    continue;
                }
                let s = ((iy as u32 * img.width + ix as u32) * 4) as usize;
                let src = &img.rgba[s..s + 4];
                let sa = f32::from(src[3]) / 255.0;
                if sa <= 0.0 {
                    continue;
                }
                let d = ((cy as u32 * self.width + cx as u32) * 4) as usize;
                let dst = &mut self.rgba[d..d + 4];
                let da = f32::from(dst[3]) / 255.0;
                let oa = sa + da * (1.0 - sa);
                for c in 0..3 {
                    let v = (f32::from(src[c]) + f32::from(dst[c]) * da * (1.0 - sa)) / oa.max(1e-6);
                    dst[c] = v.round().clamp(0.0, 255.0) as u8;
                }
                dst[3] = (oa * 255.0).round() as u8;
            }
        }
    }
}

/// Text colours for a panel: near-black on light panels, white on dark ones.
pub struct Ink {
    fs: FontSystem,
    cache: SwashCache,
    pub fg: Rgba,
    pub panel: Rgba,
}

/// One line (or wrapped block) of the card, drawn.
struct Block {
    img: Image,
    /// Space after it, pixels.
    gap: u32,
    above_code: bool,
}

/// The card's texts, drawn and stacked.
pub struct Blocks {
    items: Vec<Block>,
    /// Total height, gaps included.
    pub height: u32,
}

impl Ink {
    pub fn new(panel: [u8; 3]) -> Ink {
        let [r, g, b] = panel.map(|c| f32::from(c) / 255.0);
        let light = 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55;
        Ink {
            fs: Fonts::standard().font_system(),
            cache: SwashCache::new(),
            fg: if light { Rgba([17, 17, 17, 255]) } else { Rgba::WHITE },
            panel: Rgba([panel[0], panel[1], panel[2], 255]),
        }
    }

    /// `text` at `px`, wrapped to `max_w` in at most `lines` lines (shrunk until it fits).
    pub fn text(&mut self, text: &str, px: f32, max_w: f32, lines: f32, style: &Style) -> Image {
        let fit = Fit { max_w, max_h: px * style.line_spacing * lines + 1.0 };
        let laid = lay_out(&mut self.fs, text, style, DEFAULT_FAMILY, px, &fit);
        rasterise(&mut self.fs, &mut self.cache, &laid, style, None)
    }

    pub fn plain(&self) -> Style {
        let mut s = preset(Preset::default());
        s.color = self.fg;
        s.background = None;
        s.stroke_width = 0.0;
        s.shadow = None;
        s.line_spacing = 1.1;
        s
    }

    /// The card's lines sized for a QR square of `q` pixels, in a column `col` pixels wide.
    pub fn blocks(mut self, t: &CardText, col: f32, q: f32) -> Blocks {
        let plain = self.plain();
        let mut items = Vec::new();
        let gap = (q * 0.04) as u32;
        if let Some(title) = &t.title {
            items.push(Block { img: self.text(title, q * 0.13, col, 2.0, &plain), gap, above_code: true });
        }
        if let Some(price) = &t.price {
            items.push(Block { img: self.text(price, q * 0.2, col, 1.0, &plain), gap, above_code: false });
        }
        if let Some(label) = &t.label {
            // A button: panel-coloured text on a pill of the text colour.
            let pill = Style { color: self.panel, background: Some(self.fg), padding: 0.45, corner_radius: 1.0, ..plain.clone() };
            items.push(Block { img: self.text(label, q * 0.1, col * 0.85, 1.0, &pill), gap, above_code: false });
        }
        if let Some(badge) = &t.badge {
            items.push(Block { img: self.text(badge, q * 0.085, col, 1.0, &plain), gap, above_code: false });
        }
        if let Some(last) = items.last_mut() {
            last.gap = 0;
        }
        let height = items.iter().map(|b| b.img.height + b.gap).sum();
        Blocks { items, height }
    }
}

impl Blocks {
    /// Height of the lines that go above the code (the title).
    pub fn above_height(&self) -> u32 {
        self.items.iter().filter(|b| b.above_code).map(|b| b.img.height + b.gap).sum()
    }

    /// Draws the lines centred in the column [x, x + col) from `y`; with `below` the lines after
    /// the title start there instead (under the code).
    pub fn draw(&self, c: &mut Canvas, x: u32, y: u32, col: u32, below: Option<i32>) {
        let mut cy = y as i32;
        let mut moved = false;
        for b in &self.items {
            if !b.above_code && !moved {
                if let Some(by) = below {
                    cy = by;
                }
                moved = true;
            }
            let cx = x as i32 + (col as i32 - b.img.width as i32) / 2;
            c.put(&b.img, cx, cy);
            cy += (b.img.height + b.gap) as i32;
        }
    }
}

/// RGBA pixels as PNG bytes.
pub fn png(width: u32, height: u32, rgba: &[u8]) -> Result<Vec<u8>, String> {
    let img = image::RgbaImage::from_raw(width, height, rgba.to_vec()).ok_or("picture size")?;
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}
