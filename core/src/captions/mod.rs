//! Captions: recipe fields → timed items (plan time) → per output size: layout → raster (RGBA,
//! once) → YUVA sprite (once) → blend onto the frames in its time range.
//!
//! Two clocks. `captions` are in OUTPUT time: they sit on the finished clip. `subtitles` cues are in
//! SOURCE time: a cue is shown on every output frame whose source frame lies inside it, so it follows
//! trim and loop (each repeat pass shows it again; a boomerang shows it going forward and again on
//! the way back, with a karaoke highlight that runs backwards there, because the words are tied to
//! the picture).

pub mod blend;
pub mod fonts;
pub mod layout;
pub mod model;
pub mod raster;
pub mod style;
pub mod subtitles;
pub mod text;

use std::collections::HashMap;
use std::sync::Arc;

use cosmic_text::{FontSystem, SwashCache};

use crate::error::{Error, Result};
use crate::frame::Frame;
use crate::plan::Composition;
use crate::recipe::Recipe;
use crate::timeline::Timeline;
use blend::Sprite;
use fonts::Fonts;
use layout::{Fit, Laid};
use model::Position;
use style::Style;

/// Pop-in: the caption grows from 80 % to full size over this many seconds, in a few sizes.
const POP_SECONDS: f64 = 0.15;
pub const POP_STEPS: u8 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Clock {
    /// Seconds of the finished clip.
    Output,
    /// Seconds of the source file of clip `n` of the composition (shown while that clip is).
    Source(usize),
}

/// One caption or subtitle cue, validated and resolved.
#[derive(Debug, Clone)]
pub struct Item {
    pub text: String,
    pub style: Style,
    pub family: String,
    pub position: Position,
    pub clock: Clock,
    pub start: f64,
    pub end: f64,
    /// (start, end) of each whitespace-separated word, same clock; empty without word timings.
    pub words: Vec<(f64, f64)>,
    pub fade_in: f64,
    pub fade_out: f64,
    pub pop: bool,
}

/// What an item looks like on one frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct State {
    pub word: Option<usize>,
    pub opacity: f32,
    pub pop_step: u8,
}

#[derive(Debug, Clone)]
pub struct CaptionPlan {
    pub items: Vec<Item>,
    pub fonts: Fonts,
    /// Characters of the captions that no font has (drawn as empty boxes), each once.
    pub missing_glyphs: Vec<String>,
}

impl CaptionPlan {
    /// `None` when the recipe has no captions or subtitles. Subtitles belong to the clips of
    /// `composition` (version 1: its one clip).
    pub fn from_recipe(recipe: &Recipe, composition: &Composition) -> Result<Option<CaptionPlan>> {
        let caps = recipe.captions.as_deref().unwrap_or(&[]);
        let clips = recipe.timeline_clips();
        let subs: Vec<(usize, &model::SubtitlesSpec)> =
            clips.iter().enumerate().filter_map(|(i, c)| c.subtitles.as_ref().map(|s| (i, s))).filter(|(i, _)| *i < composition.clips.len()).collect();
        if caps.is_empty() && subs.is_empty() {
            return Ok(None);
        }
        let mut fonts = Fonts::standard();
        let mut families: HashMap<std::path::PathBuf, String> = HashMap::new();
        let mut family_of = |style: &Style, what: &str, fonts: &mut Fonts| -> Result<String> {
            match &style.font {
                None => Ok(fonts::DEFAULT_FAMILY.to_string()),
                Some(p) => {
                    let path = recipe.resolve(p);
                    if let Some(f) = families.get(&path) {
                        return Ok(f.clone());
                    }
                    let f = fonts.add_file(&path, what)?;
                    families.insert(path, f.clone());
                    Ok(f)
                }
            }
        };
        if caps.len() > text::MAX_ITEMS {
            return Err(Error::limit(format!("{} captions; at most {}", caps.len(), text::MAX_ITEMS)));
        }
        let mut items = Vec::new();
        for (i, c) in caps.iter().enumerate() {
            let what = format!("captions[{i}]");
            let style = style::resolve(c.style.as_ref(), &what)?;
            if !(c.start.is_finite() && c.end.is_finite() && c.start >= 0.0 && c.end > c.start) {
                return Err(Error::invalid(format!("{what}: start {} and end {} must be seconds with start < end", c.start, c.end)));
            }
            let text = text::normalise(&c.text);
            text::check(&text, &what)?;
            let words = match &c.words {
                None => Vec::new(),
                Some(w) => {
                    let n = text.split_whitespace().count();
                    if w.len() != n {
                        return Err(Error::invalid(format!("{what}.words has {} timings but the text has {n} words", w.len())));
                    }
                    if w.iter().any(|w| !(w.start.is_finite() && w.end.is_finite() && w.end > w.start)) {
                        return Err(Error::invalid(format!("{what}.words: each word needs start < end")));
                    }
                    w.iter().map(|w| (w.start, w.end)).collect()
                }
            };
            let family = family_of(&style, &what, &mut fonts)?;
            items.push(Item {
                text,
                style,
                family,
                position: c.position.unwrap_or_default(),
                clock: Clock::Output,
                start: c.start,
                end: c.end,
                words,
                fade_in: fade(c.fade_in, &what)?,
                fade_out: fade(c.fade_out, &what)?,
                pop: c.pop.unwrap_or(false),
            });
        }
        for (clip, s) in subs {
            let path = recipe.resolve(&s.path);
            let name = s.path.display().to_string();
            let text = crate::files::read_text_capped(&path, crate::files::MAX_SUBTITLE_BYTES, "subtitles")?;
            let cues = subtitles::parse(&text, &name)?;
            if items.len() + cues.len() > text::MAX_ITEMS {
                return Err(Error::limit(format!(
                    "subtitles {name}: {} cues (with {} captions); at most {} in all",
                    cues.len(),
                    items.len(),
                    text::MAX_ITEMS
                )));
            }
            let style = style::resolve(s.style.as_ref(), "subtitles")?;
            let family = family_of(&style, "subtitles", &mut fonts)?;
            for c in cues {
                let words = c.words.iter().enumerate().map(|(k, &w)| (w, c.words.get(k + 1).copied().unwrap_or(c.end).max(w))).collect();
                items.push(Item {
                    text: c.text,
                    style: style.clone(),
                    family: family.clone(),
                    position: s.position.unwrap_or_default(),
                    clock: Clock::Source(clip),
                    start: c.start,
                    end: c.end,
                    words,
                    fade_in: fade(s.fade_in, "subtitles")?,
                    fade_out: fade(s.fade_out, "subtitles")?,
                    pop: false,
                });
            }
        }
        let clocks: std::collections::HashSet<Clock> = items.iter().map(|i| i.clock).collect();
        let on_screen = |clock: Clock| text::max_overlap(items.iter().filter(|i| i.clock == clock).map(|i| (i.start, i.end)));
        let most: usize = clocks.into_iter().map(on_screen).sum();
        if most > text::MAX_ON_SCREEN {
            return Err(Error::limit(format!(
                "up to {most} captions and subtitle cues would be on screen at once; at most {}",
                text::MAX_ON_SCREEN
            )));
        }
        let texts: Vec<(&str, &str, bool)> = items.iter().map(|i| (i.text.as_str(), i.family.as_str(), i.style.bold)).collect();
        let missing_glyphs = fonts::missing_glyphs(&fonts, &texts);
        if recipe.strict_fonts == Some(true) && !missing_glyphs.is_empty() {
            return Err(Error::new(crate::error::ErrorKind::MissingGlyphs, missing_message(&missing_glyphs)));
        }
        Ok(Some(CaptionPlan { items, fonts, missing_glyphs }))
    }

    /// Item `i` on an output frame at `out_t` (output seconds) showing composed time `comp_t`.
    pub fn state(&self, i: usize, out_t: f64, comp_t: f64, composition: &Composition) -> Option<State> {
        let it = &self.items[i];
        let t = match it.clock {
            Clock::Output => out_t,
            Clock::Source(c) => composition.source_time_in(c, comp_t)?,
        } + 1e-6;
        if t < it.start || t >= it.end {
            return None;
        }
        let mut opacity = 1.0f64;
        if it.fade_in > 0.0 {
            opacity = opacity.min((t - it.start) / it.fade_in);
        }
        if it.fade_out > 0.0 {
            opacity = opacity.min((it.end - t) / it.fade_out);
        }
        // Quantised so identical passes compare equal and sprites are reused.
        let opacity = ((opacity.clamp(0.0, 1.0) * 64.0).ceil() / 64.0) as f32;
        let word = it.words.iter().position(|&(s, e)| t >= s && t < e);
        let pop_step = if it.pop && t - it.start < POP_SECONDS {
            ((t - it.start) / POP_SECONDS * f64::from(POP_STEPS)).floor() as u8
        } else {
            POP_STEPS
        };
        Some(State { word, opacity, pop_step })
    }

    /// Whether some loop pass shows different captions than the first (output-time captions
    /// usually do): then the clip cannot be encoded once and replayed.
    pub fn varies_per_pass(&self, t: &Timeline, fps: f64, composition: &Composition) -> bool {
        if t.total <= t.period {
            return false;
        }
        let comp = |n: u32| f64::from(t.frame_at(n)) / fps;
        (t.period..t.total).any(|n| {
            let m = n % t.period;
            (0..self.items.len()).any(|i| {
                self.state(i, f64::from(n) / fps, comp(n), composition) != self.state(i, f64::from(m) / fps, comp(m), composition)
            })
        })
    }
}

/// "no registered font has 'क' (U+0915), '日' (U+65E5)…"
fn missing_message(missing: &[String]) -> String {
    let shown: Vec<String> = missing
        .iter()
        .take(12)
        .map(|c| format!("'{c}' ({})", c.chars().map(|ch| format!("U+{:04X}", u32::from(ch))).collect::<Vec<_>>().join(" ")))
        .collect();
    let more = if missing.len() > 12 { format!(" and {} more", missing.len() - 12) } else { String::new() };
    format!(
        "the captions need characters no registered font has: {}{more}; register fonts that cover them \
         (register_font_path / register_font_bytes) or leave strict_fonts off to export them as empty boxes",
        shown.join(", ")
    )
}

fn fade(v: Option<f64>, what: &str) -> Result<f64> {
    match v {
        None => Ok(0.0),
        Some(x) if x.is_finite() && (0.0..=10.0).contains(&x) => Ok(x),
        Some(x) => Err(Error::invalid(format!("{what}: fade {x} must be 0–10 seconds"))),
    }
}

/// Byte range of word `k` (whitespace-separated) of `text`.
fn word_range(text: &str, k: usize) -> Option<std::ops::Range<usize>> {
    let mut n = 0;
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                if n == k {
                    return Some(s..i);
                }
                n += 1;
                start = None;
            }
            _ => {}
        }
    }
    None
}

/// Rasterised captions kept per output for reuse.
const SPRITE_CACHE_BYTES: usize = 48 << 20;

/// One output's caption renderer: lays out and rasterises lazily, once per item state and size.
pub struct CaptionLayer {
    plan: Arc<CaptionPlan>,
    width: u32,
    height: u32,
    fps: f64,
    composition: Arc<Composition>,
    timeline: Timeline,
    fs: FontSystem,
    cache: SwashCache,
    laid: HashMap<(usize, u8), Laid>,
    sprites: HashMap<(usize, Option<usize>, u8), Sprite>,
}

impl CaptionLayer {
    pub fn new(plan: Arc<CaptionPlan>, width: u32, height: u32, fps: f64, composition: Arc<Composition>, timeline: Timeline) -> CaptionLayer {
        let fs = plan.fonts.font_system();
        CaptionLayer {
            plan,
            width,
            height,
            fps,
            composition,
            timeline,
            fs,
            cache: SwashCache::new(),
            laid: HashMap::new(),
            sprites: HashMap::new(),
        }
    }

    /// Draws every caption visible on output frame `n`. Returns whether anything was drawn.
    pub fn apply(&mut self, frame: &mut Frame, n: u32) -> bool {
        let out_t = f64::from(n) / self.fps;
        let comp_t = f64::from(self.timeline.frame_at(n)) / self.fps;
        let mut drawn = false;
        for i in 0..self.plan.items.len() {
            if let Some(st) = self.plan.state(i, out_t, comp_t, &self.composition) {
                let sprite = self.sprite(i, st.word, st.pop_step);
                sprite.blend(frame, st.opacity);
                drawn = true;
            }
        }
        drawn
    }

    /// Whether anything is drawn on output frame `n` (no rasterising).
    pub fn visible(&self, n: u32) -> bool {
        let out_t = f64::from(n) / self.fps;
        let comp_t = f64::from(self.timeline.frame_at(n)) / self.fps;
        (0..self.plan.items.len()).any(|i| self.plan.state(i, out_t, comp_t, &self.composition).is_some())
    }

    fn layout(&mut self, i: usize, step: u8) -> &Laid {
        let (w, h) = (self.width, self.height);
        let it = &self.plan.items[i];
        let fs = &mut self.fs;
        self.laid.entry((i, step)).or_insert_with(|| {
            let (sx0, sy0, sx1, sy1) = layout::safe_rect(w, h);
            let base_px = it.style.size * h as f32;
            let scale = 0.8 + 0.2 * f32::from(step) / f32::from(POP_STEPS);
            // Room for the outline / box padding on both sides.
            let extra = 2.0 * (it.style.stroke_width.max(if it.style.background.is_some() { it.style.padding } else { 0.0 })) * base_px + 8.0;
            let fit = Fit {
                max_w: ((it.style.max_width * w as f32).min(sx1 - sx0) - extra).max(16.0) * scale,
                max_h: ((sy1 - sy0) - extra).max(16.0) * scale,
            };
            layout::lay_out(fs, &it.text, &it.style, &it.family, base_px * scale, &fit)
        })
    }

    /// The picture of item `i` with word `word` highlighted, at pop size `step`, as premultiplied
    /// RGBA plus its top-left position in the output (for tests and debugging).
    pub fn image(&mut self, i: usize, word: Option<usize>, step: u8) -> (raster::Image, (i32, i32)) {
        let laid = self.layout(i, step).clone();
        let it = &self.plan.items[i];
        let hl = word.and_then(|k| word_range(&it.text, k));
        let img = raster::rasterise(&mut self.fs, &mut self.cache, &laid, &it.style, hl);
        // Pop sizes share the full-size picture's centre.
        let full = if step == POP_STEPS {
            (img.width, img.height)
        } else {
            let laid_full = self.layout(i, POP_STEPS).clone();
            let it = &self.plan.items[i];
            let f = raster::rasterise(&mut self.fs, &mut self.cache, &laid_full, &it.style, None);
            (f.width, f.height)
        };
        let (fx, fy) = layout::place(self.plan.items[i].position, full.0, full.1, self.width, self.height);
        let x = fx + (full.0 as i32 - img.width as i32) / 2;
        let y = fy + (full.1 as i32 - img.height as i32) / 2;
        (img, (x, y))
    }

    fn sprite(&mut self, i: usize, word: Option<usize>, step: u8) -> &Sprite {
        if !self.sprites.contains_key(&(i, word, step)) {
            // Memory stays bounded however many cues pass by: past the budget, start afresh
            // (what is on screen now is drawn again on demand).
            if self.sprites.values().map(Sprite::bytes).sum::<usize>() > SPRITE_CACHE_BYTES {
                self.sprites.clear();
                self.laid.clear();
            }
            let (img, (x, y)) = self.image(i, word, step);
            self.sprites.insert((i, word, step), Sprite::from_image(&img, x, y));
        }
        &self.sprites[&(i, word, step)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_ranges() {
        let t = "  Hola  mundo\tbonito ";
        assert_eq!(word_range(t, 0).map(|r| &t[r]), Some("Hola"));
        assert_eq!(word_range(t, 2).map(|r| &t[r]), Some("bonito"));
        assert_eq!(word_range(t, 3), None);
    }
}
