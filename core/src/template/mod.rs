//! Templates: a composition with holes. `Template::render(fills, work_dir)` is the expansion
//! template + fills → [`Recipe`] (version 2): every fill checked against its slot first (errors
//! name the slot), then the end cards' QR PNGs written to `work_dir`, one per output since each
//! output's link carries its own tracking. Nothing is written when a fill is refused.

mod card;
mod fills;
mod ink;
mod locale;
mod model;
mod sting;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::recipe::{Anchor, ClipSpec, LinkSpec, LoopSpec, OutputSpec, OverlaySpec, Recipe, Trim};
pub use card::{aspect_tag, short_code, tracked_url};
pub use fills::{currencies, format_date, format_price, Fill};
pub use locale::{Locale, DEFAULT_LOCALE};
pub use model::{CaptionEntry, ClipEntry, ClipPart, EndCard, LayoutBox, OverlayEntry, Slot, SlotKind, Sting, TemplateSpec, Tracking, TEMPLATE_VERSION};

/// Largest template file read.
const MAX_TEMPLATE_BYTES: usize = 256 * 1024;
/// The QR code must be at least this share of the output's short side to scan from another screen.
pub const MIN_QR_SHARE: f64 = 0.25;
const DEFAULT_OUTPUTS: [&str; 4] = ["9:16", "1:1", "4:5", "16:9"];
/// A sponsored sting's length range, seconds.
const STING_SECONDS: (f64, f64) = (1.0, 2.0);
/// A sting's panel when the template names no color slot.
const STING_PANEL: [u8; 3] = [20, 20, 24];

/// The templates shipped inside the library: (name, JSON).
const BUILTIN: &[(&str, &str)] = &[
    ("drop-6s", include_str!("builtin/drop-6s.json")),
    ("event-recap-15s", include_str!("builtin/event-recap-15s.json")),
    ("menu-item", include_str!("builtin/menu-item.json")),
    ("sponsored-moment", include_str!("builtin/sponsored-moment.json")),
    ("tip-jar", include_str!("builtin/tip-jar.json")),
];

/// Fills by slot name.
pub type Fills = BTreeMap<String, Fill>;

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    spec: TemplateSpec,
}

impl Template {
    /// Names of the built-in templates.
    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|b| b.0).collect()
    }

    pub fn builtin(name: &str) -> Result<Template> {
        let (_, json) = BUILTIN.iter().find(|b| b.0 == name).ok_or_else(|| {
            Error::invalid(format!("no built-in template '{}'; there are {}", crate::error::snippet(name), Template::builtin_names().join(", ")))
        })?;
        Template::from_json(json)
    }

    /// Reads a template file (a local regular file, capped in size).
    pub fn from_file(path: &Path) -> Result<Template> {
        Template::from_json(&crate::files::read_text_capped(path, MAX_TEMPLATE_BYTES as u64, "template")?)
    }

    pub fn from_json(json: &str) -> Result<Template> {
        if json.len() > MAX_TEMPLATE_BYTES {
            return Err(Error::limit(format!("the template is {} bytes; at most {MAX_TEMPLATE_BYTES}", json.len())));
        }
        let spec: TemplateSpec = serde_json::from_str(json).map_err(|e| Error::invalid(format!("template is not valid template JSON: {e}")))?;
        let t = Template { spec };
        t.check()?;
        Ok(t)
    }

    pub fn spec(&self) -> &TemplateSpec {
        &self.spec
    }

    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// The holes, in the template's order: what an app's form asks for.
    pub fn slots(&self) -> &[Slot] {
        &self.spec.slots
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.spec).unwrap_or_default()
    }

    fn slot(&self, name: &str) -> Option<&Slot> {
        self.spec.slots.iter().find(|s| s.name == name)
    }

    /// The template itself is consistent: every reference names a slot of the right kind, every
    /// layout box exists for every output aspect, times fit the length.
    fn check(&self) -> Result<()> {
        let s = &self.spec;
        let bad = |m: String| Error::invalid(format!("template '{}': {m}", crate::error::snippet(&s.name)));
        if s.template != TEMPLATE_VERSION {
            return Err(bad(format!("version {} is not supported (this build reads {TEMPLATE_VERSION})", s.template)));
        }
        if !(crate::plan::MIN_CLIP_SECONDS..=crate::plan::MAX_CLIP_SECONDS).contains(&s.length) {
            return Err(bad(format!("length {} must be 6–30 s", s.length)));
        }
        for (i, slot) in s.slots.iter().enumerate() {
            if slot.name.is_empty() || !slot.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                return Err(bad(format!("slots[{i}]: name '{}' must be letters, digits, - or _", crate::error::snippet(&slot.name))));
            }
            if s.slots[..i].iter().any(|o| o.name == slot.name) {
                return Err(bad(format!("slot '{}' is defined twice", slot.name)));
            }
            if slot.kind == SlotKind::Clip {
                let (lo, hi) = slot.clip_seconds();
                let hi = hi.unwrap_or(s.length);
                if !(lo > 0.0 && lo <= hi && hi <= 60.0) {
                    return Err(bad(format!("slot '{}': min_seconds/max_seconds {lo}–{hi} are not a range within 0–60 s", slot.name)));
                }
            }
        }
        let need = |name: &str, kinds: &[SlotKind], what: &str| -> Result<()> {
            match self.slot(name) {
                Some(sl) if kinds.contains(&sl.kind) => Ok(()),
                Some(sl) => Err(bad(format!("{what} names slot '{name}', a {} slot", sl.kind.name()))),
                None => Err(bad(format!("{what} names slot '{}', which does not exist", crate::error::snippet(name)))),
            }
        };
        if s.clips.is_empty() {
            return Err(bad("'clips' is empty".into()));
        }
        for (i, c) in s.clips.iter().enumerate() {
            need(&c.slot, &[SlotKind::Clip, SlotKind::Image], &format!("clips[{i}]"))?;
            if self.slot(&c.slot).is_some_and(|sl| sl.kind == SlotKind::Image) && c.duration.is_none() {
                return Err(bad(format!("clips[{i}]: an image slot needs a duration")));
            }
            if let Some(st) = &c.sting {
                need(&c.slot, &[SlotKind::Image], &format!("clips[{i}] (a sting)"))?;
                if !c.duration.is_some_and(|d| (STING_SECONDS.0..=STING_SECONDS.1).contains(&d)) {
                    return Err(bad(format!("clips[{i}]: a sting lasts {}–{} s (duration)", STING_SECONDS.0, STING_SECONDS.1)));
                }
                if let Some(c) = &st.color {
                    need(c, &[SlotKind::Color], &format!("clips[{i}].sting.color"))?;
                }
                if let Some(t) = &st.text {
                    need(t, &[SlotKind::Text], &format!("clips[{i}].sting.text"))?;
                }
            }
        }
        for (i, c) in s.captions.iter().enumerate() {
            for name in placeholders(&c.text) {
                need(name, &[SlotKind::Text, SlotKind::Price, SlotKind::Date, SlotKind::Link], &format!("captions[{i}]"))?;
            }
        }
        let aspects = self.aspects();
        let mut boxes: Vec<&str> = s.overlays.iter().map(|o| o.at.as_str()).collect();
        for (i, o) in s.overlays.iter().enumerate() {
            need(&o.slot, &[SlotKind::Image], &format!("overlays[{i}]"))?;
        }
        if let Some(card) = &s.end_card {
            need(&card.link, &[SlotKind::Link], "end_card.link")?;
            if let Some(c) = &card.color {
                need(c, &[SlotKind::Color], "end_card.color")?;
            }
            if let Some(d) = &card.expires {
                need(d, &[SlotKind::Date], "end_card.expires")?;
            }
            for (field, slot) in [("title", &card.title), ("label", &card.label)] {
                if let Some(t) = slot {
                    need(t, &[SlotKind::Text], &format!("end_card.{field}"))?;
                }
            }
            if let Some(p) = &card.price {
                need(p, &[SlotKind::Price], "end_card.price")?;
            }
            if !(card.seconds > 0.0 && card.seconds < s.length) {
                return Err(bad(format!("end_card.seconds {} must be more than 0 and less than the length (the card is never the first frame)", card.seconds)));
            }
            boxes.push(&card.at);
        }
        for a in &aspects {
            for b in &boxes {
                let lb = self.layout_box(a, b).ok_or_else(|| bad(format!("layout has no box '{b}' for {a} (nor under \"*\")")))?;
                if !(lb.width > 0.0 && lb.width <= 1.0 && (0.0..=1.0).contains(&lb.x) && (0.0..=1.0).contains(&lb.y)) {
                    return Err(bad(format!("layout box '{b}' for {a}: x, y and width must be fractions")));
                }
            }
        }
        Ok(())
    }

    fn aspects(&self) -> Vec<String> {
        self.spec.outputs.clone().unwrap_or_else(|| DEFAULT_OUTPUTS.iter().map(|s| s.to_string()).collect())
    }

    fn layout_box(&self, aspect: &str, name: &str) -> Option<LayoutBox> {
        let l = &self.spec.layout;
        l.get(aspect).and_then(|m| m.get(name)).or_else(|| l.get("*").and_then(|m| m.get(name))).copied()
    }

    /// [`Template::render_for`] in the default locale (en-US).
    pub fn render(&self, fills: &Fills, work_dir: &Path) -> Result<Recipe> {
        self.render_for(fills, DEFAULT_LOCALE, work_dir)
    }

    /// Expands the template with `fills` into a version 2 recipe whose outputs and generated
    /// pictures (end cards, stings) sit in `work_dir` (its base folder); prices and the expiry
    /// badge are written as `locale` (a BCP 47 tag, see [`Locale::tags`]) writes them. Every fill
    /// is checked first; a refused fill writes nothing.
    pub fn render_for(&self, fills: &Fills, locale: &str, work_dir: &Path) -> Result<Recipe> {
        let s = &self.spec;
        let locale = Locale::find(locale).map_err(Error::invalid)?;
        let values = self.check_fills(fills, &locale)?;
        let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        // Clips.
        let mut clips = Vec::new();
        for c in &s.clips {
            let slot = self.slot(&c.slot).ok_or_else(|| Error::internal("checked slot"))?;
            let v = values.get(&c.slot).ok_or_else(|| slot_err(&c.slot, "a clip is needed"))?;
            let mut spec = ClipSpec {
                source: v.path.clone().unwrap_or_default(),
                trim: v.trim,
                duration: None,
                speed: None,
                volume: None,
                mute: c.mute,
                fit: None,
                motion: c.motion,
                transition: c.transition,
                subtitles: None,
            };
            if slot.kind == SlotKind::Image {
                spec.trim = None;
                spec.duration = c.duration;
            }
            if let Some(st) = &c.sting {
                let panel = st.color.as_ref().and_then(|c| values.get(c)).and_then(|v| v.color).unwrap_or(STING_PANEL);
                let line = st.text.as_ref().and_then(|t| values.get(t)).map(|v| v.text.as_str());
                let png = sting::render(&spec.source, panel, line).map_err(|m| slot_err(&c.slot, &m))?;
                let name = PathBuf::from(format!("{}-sting-{}.png", s.name, clips.len()));
                files.push((name.clone(), png));
                spec.source = name;
            }
            clips.push(spec);
        }
        // Outputs, cards and links.
        let aspects = self.aspects();
        let outputs: Vec<OutputSpec> = aspects
            .iter()
            .map(|a| OutputSpec {
                path: PathBuf::from(format!("{}-{}.mp4", s.name, aspect_tag(a))),
                aspect: a.clone(),
                height: None,
                width: None,
                fit: crate::recipe::Fit::Crop,
                background: None,
                fps: None,
                crf: None,
                bitrate: None,
                preset: None,
                encoder: None,
            })
            .collect();
        let mut overlays = Vec::new();
        for o in &s.overlays {
            let Some(v) = values.get(&o.slot) else { continue };
            for (i, a) in aspects.iter().enumerate() {
                let b = self.layout_box(a, &o.at).ok_or_else(|| Error::internal("checked layout"))?;
                overlays.push(OverlaySpec {
                    image: v.path.clone().unwrap_or_default(),
                    start: o.start,
                    end: o.end,
                    anchor: Some(Anchor::At { x: b.x, y: b.y }),
                    width: Some(b.width),
                    opacity: None,
                    fade_in: None,
                    fade_out: None,
                    outputs: Some(vec![i]),
                });
            }
        }
        let mut links = Vec::new();
        if let Some(card) = &s.end_card {
            let v = values.get(&card.link).ok_or_else(|| slot_err(&card.link, "the end card needs a link"))?;
            let link = v.url.clone().ok_or_else(|| Error::internal("checked link"))?;
            let panel = match card.color.as_ref().and_then(|c| values.get(c)) {
                Some(cv) => cv.color.unwrap_or([255, 255, 255]),
                None => [255, 255, 255],
            };
            let t = s.tracking.clone().unwrap_or(Tracking { source: None, medium: None, campaign: None });
            let tv = card::TrackingValues {
                source: t.source.as_deref().unwrap_or("clipforge"),
                medium: t.medium.as_deref().unwrap_or("video"),
                campaign: t.campaign.as_deref().unwrap_or(&s.name),
            };
            let expires = card.expires.as_ref().and_then(|d| values.get(d)).and_then(|v| v.raw.clone());
            let shown = |slot: &Option<String>| slot.as_ref().and_then(|n| values.get(n)).map(|v| v.text.clone()).filter(|t| !t.trim().is_empty());
            let text = card::CardText { title: shown(&card.title), price: shown(&card.price), label: shown(&card.label), badge: shown(&card.expires) };
            for (i, a) in aspects.iter().enumerate() {
                let url = tracked_url(&link, &tv, a);
                if url.chars().count() > crate::recipe::links::MAX_URL_CHARS {
                    return Err(slot_err(&card.link, &format!("with its tracking the link is {} characters; at most {}", url.chars().count(), crate::recipe::links::MAX_URL_CHARS)));
                }
                let b = self.layout_box(a, &card.at).ok_or_else(|| Error::internal("checked layout"))?;
                let art = card::render(&url, panel, &text, !b.column.unwrap_or(false)).map_err(|m| slot_err(&card.link, &m))?;
                let share = qr_share(a, b.width, art.qr_fraction).ok_or_else(|| Error::invalid(format!("output aspect '{a}' is not W:H")))?;
                if share < MIN_QR_SHARE {
                    return Err(Error::invalid(format!(
                        "template '{}': layout box '{}' for {a} makes the QR code {:.0} % of the short side; at least {:.0} %",
                        s.name, card.at, share * 100.0, MIN_QR_SHARE * 100.0
                    )));
                }
                let name = PathBuf::from(format!("{}-card-{}.png", s.name, aspect_tag(a)));
                files.push((name.clone(), card::png(&art).map_err(|m| Error::internal(format!("card PNG: {m}")))?));
                overlays.push(OverlaySpec {
                    image: name,
                    start: Some(s.length - card.seconds),
                    end: Some(s.length),
                    anchor: Some(Anchor::At { x: b.x, y: b.y }),
                    width: Some(b.width),
                    opacity: None,
                    fade_in: Some(card.fade_in.unwrap_or(0.25).min(card.seconds / 2.0)),
                    fade_out: None,
                    outputs: Some(vec![i]),
                });
                let code = match &v.code {
                    Some(c) => format!("{c}-{}", aspect_tag(a)),
                    None => short_code(&url),
                };
                links.push(LinkSpec { code, url, expires: expires.clone(), outputs: vec![i] });
            }
        }
        // Captions.
        let captions = s
            .captions
            .iter()
            .filter_map(|c| Some(crate::captions::model::Caption {
                text: substitute(&c.text, &values)?,
                start: c.start,
                end: c.end,
                style: c.style.clone(),
                position: c.position,
                words: None,
                fade_in: c.fade_in,
                fade_out: None,
                pop: c.pop,
            }))
            .collect::<Vec<_>>();
        let recipe = Recipe {
            version: 2,
            source: None,
            trim: None,
            clips: Some(clips),
            looping: match s.looping.unwrap_or(crate::recipe::LoopMode::Repeat) {
                crate::recipe::LoopMode::None => None,
                mode => Some(LoopSpec { mode, duration: Some(s.length), count: None, crossfade: None }),
            },
            audio: None,
            outputs,
            captions: (!captions.is_empty()).then_some(captions),
            subtitles: None,
            overlays: (!overlays.is_empty()).then_some(overlays),
            music: None,
            loudness: None,
            max_memory_mb: None,
            provenance: None,
            upload_plan: None,
            strict_fonts: None,
            links: (!links.is_empty()).then_some(links),
            base_dir: Some(work_dir.to_path_buf()),
            recipe_file: None,
        };
        recipe.check_version()?;
        write_all(work_dir, &files)?;
        Ok(recipe)
    }

    /// Every slot's value, checked: missing, wrong kind, out of range and unknown fills refused.
    fn check_fills(&self, fills: &Fills, locale: &Locale) -> Result<BTreeMap<String, Value>> {
        if let Some(name) = fills.keys().find(|n| self.slot(n).is_none()) {
            return Err(slot_err(name, "the template has no such slot"));
        }
        let mut out = BTreeMap::new();
        for slot in &self.spec.slots {
            let fill = match (fills.get(&slot.name), &slot.default) {
                (Some(f), _) => f.clone(),
                (None, Some(d)) => default_fill(slot.kind, d).map_err(|m| slot_err(&slot.name, &format!("default: {m}")))?,
                (None, None) if slot.optional => continue,
                (None, None) => return Err(slot_err(&slot.name, &format!("is empty; it needs a {} ({})", slot.kind.name(), slot.label))),
            };
            if fill.kind() != slot.kind {
                return Err(slot_err(&slot.name, &format!("is a {} slot; got a {}", slot.kind.name(), fill.kind().name())));
            }
            let v = check_fill(slot, &fill, locale).map_err(|m| slot_err(&slot.name, &m))?;
            out.insert(slot.name.clone(), v);
        }
        Ok(out)
    }
}

/// A checked fill: what the recipe and captions need of it.
#[derive(Debug, Clone, Default)]
struct Value {
    /// As shown in captions.
    text: String,
    /// The fill as given (dates: the ISO string for the manifest).
    raw: Option<String>,
    path: Option<PathBuf>,
    trim: Option<Trim>,
    url: Option<url::Url>,
    code: Option<String>,
    color: Option<[u8; 3]>,
}

fn slot_err(name: &str, m: &str) -> Error {
    let sep = if m.starts_with("is ") { " " } else { ": " };
    Error::invalid(format!("slot '{}'{sep}{m}", crate::error::snippet(name)))
}

fn default_fill(kind: SlotKind, d: &str) -> std::result::Result<Fill, String> {
    Ok(match kind {
        SlotKind::Text => Fill::Text { text: d.into() },
        SlotKind::Color => Fill::Color { color: d.into() },
        SlotKind::Link => Fill::Link { url: d.into(), code: None },
        SlotKind::Date => Fill::Date { date: d.into() },
        SlotKind::Price => {
            let (a, c) = d.split_once(':').ok_or("a price default is AMOUNT:CURRENCY")?;
            Fill::Price { amount: a.into(), currency: c.into() }
        }
        SlotKind::Clip | SlotKind::Image => return Err("clip and image slots have no default".into()),
    })
}

fn check_fill(slot: &Slot, fill: &Fill, locale: &Locale) -> std::result::Result<Value, String> {
    let mut v = Value::default();
    match fill {
        Fill::Text { text } => {
            let n = text.chars().count();
            let max = slot.max_chars.unwrap_or(200);
            if n > max {
                return Err(format!("the text is {n} characters; at most {max}"));
            }
            v.text = text.clone();
        }
        Fill::Price { amount, currency } => v.text = format_price(amount, currency, locale)?,
        Fill::Link { url, code } => {
            v.url = Some(crate::recipe::links::check_url(url)?);
            if let Some(c) = code {
                if c.is_empty() || c.len() > 48 || !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_') {
                    return Err(format!("short code '{}' must be 1–48 of A–Z a–z 0–9 - _", crate::error::snippet(c)));
                }
            }
            v.code = code.clone();
            v.text = url.clone();
        }
        Fill::Color { color } => {
            v.color = Some(fills::parse_color(color)?);
            v.text = color.clone();
        }
        Fill::Date { date } => {
            v.text = format_date(date, locale)?;
            v.raw = Some(date.clone());
        }
        Fill::Image { path } => {
            local_file(path)?;
            v.path = Some(absolute(path)?);
        }
        Fill::Clip { path, start, end } => {
            local_file(path)?;
            let (lo, hi) = slot.clip_seconds();
            let hi = hi.unwrap_or(60.0);
            let info = crate::source::probe(path).map_err(|e| e.message)?;
            let dur = info.duration;
            let (s, e) = match slot.part.unwrap_or_default() {
                ClipPart::Start => {
                    if start.is_some() || end.is_some() {
                        return Err("this slot uses the clip from its start; start/end are not taken".into());
                    }
                    (0.0, dur.min(hi))
                }
                ClipPart::Trim => {
                    let (s, e) = (start.unwrap_or(0.0), end.unwrap_or(dur));
                    if !(s.is_finite() && e.is_finite() && s >= 0.0 && e > s && e <= dur + 1e-3) {
                        return Err(format!("trim {s}–{e} s is not within the clip (0–{dur:.2} s)"));
                    }
                    (s, e)
                }
                ClipPart::Loop => {
                    if start.is_some() || end.is_some() {
                        return Err("this slot uses the clip's best loop window; start/end are not taken".into());
                    }
                    best_loop(path, dur, lo, hi)?
                }
            };
            let len = e - s;
            if len + 1e-3 < lo || len > hi + 1e-3 {
                let what = if slot.part == Some(ClipPart::Trim) { "the trim" } else { "the clip" };
                return Err(format!("{what} is {len:.1} s, needs {lo}–{hi} s"));
            }
            v.trim = Some(Trim { start: s, end: Some(e) });
            v.path = Some(absolute(path)?);
        }
    }
    Ok(v)
}

/// The best loop window of `path` lasting `lo`–`hi` s (the `clipforge loop-points` search); a
/// clip shorter than `lo` is reported as such.
fn best_loop(path: &Path, dur: f64, lo: f64, hi: f64) -> std::result::Result<(f64, f64), String> {
    if dur + 1e-3 < lo {
        return Err(format!("the clip is {dur:.1} s, needs {lo}–{hi} s"));
    }
    let search = crate::analysis::loop_points::LoopSearch { min: lo, max: hi.min(dur).max(lo), count: 1, ..Default::default() };
    let best = crate::analysis::loop_points::loop_points(path, &search, &crate::export::CancelToken::new()).map_err(|e| e.message)?;
    let p = best.first().ok_or_else(|| format!("the clip has no loop window of {lo}–{hi} s"))?;
    Ok((p.start, p.end))
}

/// Only local regular files are read.
fn local_file(p: &Path) -> std::result::Result<(), String> {
    match std::fs::metadata(p) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(_) => Err(format!("{} is not a regular file", p.display())),
        Err(e) => Err(format!("cannot read {}: {e}", p.display())),
    }
}

fn absolute(p: &Path) -> std::result::Result<PathBuf, String> {
    std::fs::canonicalize(p).map_err(|e| format!("{}: {e}", p.display()))
}

/// `{name}` references in a caption text.
fn placeholders(text: &str) -> Vec<&str> {
    let mut v = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else { break };
        v.push(&rest[i + 1..i + j]);
        rest = &rest[i + j + 1..];
    }
    v
}

/// The caption text with its slots' values; `None` (no caption) when an optional slot it shows is empty.
fn substitute(text: &str, values: &BTreeMap<String, Value>) -> Option<String> {
    let mut out = text.to_string();
    for name in placeholders(text) {
        out = out.replace(&format!("{{{name}}}"), &values.get(name)?.text);
    }
    Some(out.trim().to_string()).filter(|t| !t.is_empty())
}

/// The QR code's share of the short side of an `aspect` output, for a card `width` (fraction of
/// the output width) whose QR takes `qr_fraction` of the card.
fn qr_share(aspect: &str, width: f64, qr_fraction: f64) -> Option<f64> {
    let (w, h) = aspect.split_once(':')?;
    let (w, h): (f64, f64) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    if !(w > 0.0 && h > 0.0) {
        return None;
    }
    Some(width * qr_fraction * w / w.min(h))
}

/// Writes every generated file into `dir`, each through a temporary file; on a failure the ones
/// already written are removed.
fn write_all(dir: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    let mut done: Vec<PathBuf> = Vec::new();
    for (name, bytes) in files {
        let dest = dir.join(name);
        let r = (|| -> std::io::Result<()> {
            let mut tmp = tempfile::Builder::new().prefix(".card.").suffix(".part").tempfile_in(dir)?;
            std::io::Write::write_all(&mut tmp, bytes)?;
            tmp.persist(&dest).map_err(|e| e.error)?;
            Ok(())
        })();
        if let Err(e) = r {
            for d in done {
                let _ = std::fs::remove_file(d);
            }
            return Err(Error::io_at(&dest, e));
        }
        done.push(dest);
    }
    Ok(())
}
