//! Image overlays (logos, stickers) in output time: read once at plan time (`images.rs`),
//! rasterised once per output size and animation frame into the same YUVA sprites captions use,
//! and blended onto the planes of the frames where they show.

pub mod images;

use std::collections::HashMap;
use std::sync::Arc;

use fast_image_resize::images::Image as FirImage;
use fast_image_resize::{PixelType, ResizeAlg, ResizeOptions, Resizer};

use crate::captions::blend::Sprite;
use crate::captions::layout::safe_rect;
use crate::captions::raster::Image;
use crate::error::{Error, Result};
use crate::frame::Frame;
use crate::recipe::{Anchor, NamedAnchor, Recipe};
use crate::timeline::Timeline;
use images::Picture;

/// Most overlays in one recipe.
pub const MAX_OVERLAYS: usize = 16;
/// Sprites kept per output before they are rebuilt on demand.
const SPRITE_CACHE_BYTES: usize = 48 << 20;

#[derive(Debug, Clone)]
pub struct OverlayItem {
    pub picture: Arc<Picture>,
    pub start: f64,
    pub end: f64,
    pub anchor: Anchor,
    /// Fraction of the output width.
    pub width: f64,
    pub opacity: f64,
    pub fade_in: f64,
    pub fade_out: f64,
    /// Output indices that show it; `None`: all.
    pub outputs: Option<Vec<usize>>,
}

#[derive(Debug, Clone)]
pub struct OverlayPlan {
    pub items: Vec<OverlayItem>,
}

/// What an overlay looks like on one frame: its animation frame and opacity (quantised so equal
/// states compare equal across loop passes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct State {
    pub frame: usize,
    pub opacity: f32,
}

impl OverlayPlan {
    /// `None` without overlays. Every image is read and checked here, before any encoding.
    /// `clip_end` (output seconds) is where an overlay without `end` ends (and fades out).
    pub fn from_recipe(recipe: &Recipe, clip_end: f64) -> Result<Option<OverlayPlan>> {
        let Some(specs) = recipe.overlays.as_ref().filter(|o| !o.is_empty()) else { return Ok(None) };
        if specs.len() > MAX_OVERLAYS {
            return Err(Error::limit(format!("{} overlays; at most {MAX_OVERLAYS}", specs.len())));
        }
        let mut items = Vec::new();
        for (i, s) in specs.iter().enumerate() {
            let what = format!("overlays[{i}]");
            let num = |v: Option<f64>, default: f64, name: &str, lo: f64, hi: f64| -> Result<f64> {
                let x = v.unwrap_or(default);
                if !(x.is_finite() && (lo..=hi).contains(&x)) {
                    return Err(Error::invalid(format!("{what}: {name} {x} must be {lo}–{hi}")));
                }
                Ok(x)
            };
            let start = num(s.start, 0.0, "start", 0.0, 3600.0)?;
            let end = num(s.end, clip_end, "end", 0.0, 3600.0)?;
            if end <= start {
                return Err(Error::invalid(format!("{what}: end {end} must be after start {start}")));
            }
            let anchor = s.anchor.unwrap_or(Anchor::Named(NamedAnchor::TopRight));
            if let Anchor::At { x, y } = anchor {
                if !(x.is_finite() && y.is_finite() && (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y)) {
                    return Err(Error::invalid(format!("{what}: anchor x and y must be fractions 0–1")));
                }
            }
            if let Some(bad) = s.outputs.iter().flatten().find(|&&o| o >= recipe.outputs.len()) {
                return Err(Error::invalid(format!("{what}: outputs names output {bad}; the recipe has {}", recipe.outputs.len())));
            }
            let picture = images::load(&recipe.resolve(&s.image), &what)?;
            items.push(OverlayItem {
                picture: Arc::new(picture),
                start,
                end,
                anchor,
                width: num(s.width, 0.2, "width", 0.01, 1.0)?,
                opacity: num(s.opacity, 1.0, "opacity", 0.0, 1.0)?,
                fade_in: num(s.fade_in, 0.0, "fade_in", 0.0, 10.0)?,
                fade_out: num(s.fade_out, 0.0, "fade_out", 0.0, 10.0)?,
                outputs: s.outputs.clone(),
            });
        }
        Ok(Some(OverlayPlan { items }))
    }

    /// The overlays output `index` shows; `None` when it shows none.
    pub fn for_output(&self, index: usize) -> Option<OverlayPlan> {
        let items: Vec<OverlayItem> =
            self.items.iter().filter(|it| it.outputs.as_ref().is_none_or(|o| o.contains(&index))).cloned().collect();
        (!items.is_empty()).then_some(OverlayPlan { items })
    }

    /// Overlay `i` at output time `t`, if shown.
    pub fn state(&self, i: usize, t: f64) -> Option<State> {
        let it = &self.items[i];
        let t = t + 1e-6;
        if t < it.start || t >= it.end {
            return None;
        }
        let mut o = it.opacity;
        if it.fade_in > 0.0 {
            o = o.min(it.opacity * (t - it.start) / it.fade_in);
        }
        if it.fade_out > 0.0 {
            o = o.min(it.opacity * (it.end - t) / it.fade_out);
        }
        let opacity = ((o.clamp(0.0, 1.0) * 64.0).ceil() / 64.0) as f32;
        Some(State { frame: it.picture.frame_at(t - it.start), opacity })
    }

    /// Whether some loop pass shows the overlays differently from the first (fades, animations,
    /// ranges that do not repeat with the loop): the clip is then encoded pass by pass.
    pub fn varies_per_pass(&self, t: &Timeline, fps: f64) -> bool {
        if t.total <= t.period {
            return false;
        }
        (t.period..t.total).any(|n| {
            let m = n % t.period;
            (0..self.items.len()).any(|i| self.state(i, f64::from(n) / fps) != self.state(i, f64::from(m) / fps))
        })
    }
}

/// One output's overlays: sprites per (overlay, animation frame), placed once for the output size.
pub struct OverlayLayer {
    plan: Arc<OverlayPlan>,
    width: u32,
    height: u32,
    fps: f64,
    sprites: HashMap<(usize, usize), Sprite>,
    resizer: Resizer,
}

impl OverlayLayer {
    pub fn new(plan: Arc<OverlayPlan>, width: u32, height: u32, fps: f64) -> OverlayLayer {
        OverlayLayer { plan, width, height, fps, sprites: HashMap::new(), resizer: Resizer::new() }
    }

    /// Blends every overlay shown on output frame `n` (output time n/fps).
    pub fn apply(&mut self, frame: &mut Frame, n: u32) {
        let t = f64::from(n) / self.fps;
        for i in 0..self.plan.items.len() {
            if let Some(st) = self.plan.state(i, t) {
                self.sprite(i, st.frame).blend(frame, st.opacity);
            }
        }
    }

    /// The picture of overlay `i`, animation frame `k`, as premultiplied RGBA at its output size,
    /// and where its top-left corner goes.
    pub fn image(&mut self, i: usize, k: usize) -> (Image, (i32, i32)) {
        let it = &self.plan.items[i];
        let pic = &it.picture;
        let w = ((it.width * f64::from(self.width)).round() as u32).clamp(2, self.width);
        let h = ((f64::from(w) * f64::from(pic.height) / f64::from(pic.width)).round() as u32).clamp(2, self.height);
        let src = FirImage::from_vec_u8(pic.width, pic.height, pic.frames[k].0.clone(), PixelType::U8x4);
        let mut dst = FirImage::new(w, h, PixelType::U8x4);
        if let Ok(src) = src {
            // Premultiplied already: no alpha handling by the resizer.
            let opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(fast_image_resize::FilterType::CatmullRom)).use_alpha(false);
            let r = self.resizer.resize(&src, &mut dst, &opts);
            debug_assert!(r.is_ok(), "overlay resize failed: {r:?}");
        }
        let img = Image { width: w, height: h, rgba: dst.into_vec() };
        let pos = place(it.anchor, w, h, self.width, self.height);
        (img, pos)
    }

    fn sprite(&mut self, i: usize, k: usize) -> &Sprite {
        if !self.sprites.contains_key(&(i, k)) {
            if self.sprites.values().map(Sprite::bytes).sum::<usize>() > SPRITE_CACHE_BYTES {
                self.sprites.clear();
            }
            let (img, (x, y)) = self.image(i, k);
            self.sprites.insert((i, k), Sprite::from_image(&img, x, y));
        }
        &self.sprites[&(i, k)]
    }
}

/// Top-left corner (even) of a `w`x`h` overlay at `anchor`, kept inside the output's safe area.
pub fn place(anchor: Anchor, w: u32, h: u32, out_w: u32, out_h: u32) -> (i32, i32) {
    let (x0, y0, x1, y1) = safe_rect(out_w, out_h);
    let (w, h) = (w as f32, h as f32);
    let (cx, cy) = match anchor {
        Anchor::At { x, y } => (x as f32 * out_w as f32, y as f32 * out_h as f32),
        Anchor::Named(a) => {
            use NamedAnchor::*;
            let x = match a {
                TopLeft | Left | BottomLeft => x0 + w / 2.0,
                Top | Center | Bottom => out_w as f32 / 2.0,
                TopRight | Right | BottomRight => x1 - w / 2.0,
            };
            let y = match a {
                TopLeft | Top | TopRight => y0 + h / 2.0,
                Left | Center | Right => out_h as f32 / 2.0,
                BottomLeft | Bottom | BottomRight => y1 - h / 2.0,
            };
            (x, y)
        }
    };
    let clamp = |c: f32, half: f32, lo: f32, hi: f32| if hi - lo < 2.0 * half { (lo + hi) / 2.0 } else { c.clamp(lo + half, hi - half) };
    let (cx, cy) = (clamp(cx, w / 2.0, x0, x1), clamp(cy, h / 2.0, y0, y1));
    let even = |v: f32| ((v / 2.0).round() as i32) * 2;
    (even(cx - w / 2.0), even(cy - h / 2.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 40x20 picture: opaque yellow inside a transparent 10 px border on the left and right.
    fn logo() -> Picture {
        let (w, h) = (40u32, 20u32);
        let mut px = vec![0u8; (w * h * 4) as usize];
        for y in 0..h {
            for x in 10..30 {
                let i = ((y * w + x) * 4) as usize;
                px[i..i + 4].copy_from_slice(&[255, 255, 0, 255]);
            }
        }
        Picture { width: w, height: h, frames: vec![(px, 0.0)] }
    }

    fn plan(anchor: Anchor, opacity: f64) -> Arc<OverlayPlan> {
        Arc::new(OverlayPlan {
            items: vec![OverlayItem { picture: Arc::new(logo()), start: 0.0, end: 10.0, anchor, width: 0.5, opacity, fade_in: 0.0, fade_out: 0.0, outputs: None }],
        })
    }

    #[test]
    fn the_sprite_is_the_picture_at_its_size_and_place() {
        let mut layer = OverlayLayer::new(plan(Anchor::Named(NamedAnchor::Center), 1.0), 200, 100, 30.0);
        let (img, (x, y)) = layer.image(0, 0);
        assert_eq!((img.width, img.height), (100, 50));
        assert_eq!((x, y), (50, 26));
        let at = |px: u32, py: u32| &img.rgba[((py * img.width + px) * 4) as usize..][..4];
        assert_eq!(at(50, 25), &[255, 255, 0, 255]);
        assert_eq!(at(2, 25)[3], 0);
        let mut f = Frame::filled(200, 100, crate::frame::Yuv::BLACK);
        layer.apply(&mut f, 0);
        assert!(f.y[50 * 200 + 100] > 200, "yellow drawn: {}", f.y[50 * 200 + 100]);
        assert_eq!(f.y[50 * 200 + 55], 16, "the transparent border shows the frame");
    }

    #[test]
    fn named_anchors_sit_inside_the_safe_area() {
        // 9:16 360x640: safe area x 21.6–338.4, y 76.8–512.
        assert_eq!(place(Anchor::Named(NamedAnchor::TopRight), 90, 44, 360, 640), (248, 76));
        assert_eq!(place(Anchor::Named(NamedAnchor::BottomLeft), 90, 44, 360, 640), (22, 468));
        assert_eq!(place(Anchor::At { x: 0.0, y: 0.0 }, 90, 44, 360, 640), (22, 76));
    }
}
