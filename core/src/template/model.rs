//! The template file: slots (the holes a creator fills), the composition built around them, and
//! the layout per output aspect, in fractions of the output.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::recipe::{LoopMode, Motion, TransitionSpec};

/// The template format version this build reads.
pub const TEMPLATE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSpec {
    /// Format version (1).
    pub template: u32,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Length of the finished loop, seconds (6–30; the built-ins use 6, 10 or 15).
    pub length: f64,
    /// Output aspects (default 9:16, 1:1, 4:5, 16:9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Vec<String>>,
    pub slots: Vec<Slot>,
    /// The timeline: clip or image slots in order.
    pub clips: Vec<ClipEntry>,
    /// How the clips fill `length` (default repeat).
    #[serde(default, rename = "loop", skip_serializing_if = "Option::is_none")]
    pub looping: Option<LoopMode>,
    /// Captions; `{slot}` in the text is replaced by the slot's value as shown.
    #[serde(default)]
    pub captions: Vec<CaptionEntry>,
    /// Image slots over the picture (a logo).
    #[serde(default)]
    pub overlays: Vec<OverlayEntry>,
    /// The call-to-action end card: a QR code of a link slot on a brand-colour panel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_card: Option<EndCard>,
    /// Tracking parameters added to every link (per output: `utm_content` is its aspect).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking: Option<Tracking>,
    /// Boxes by name, per aspect ("9:16") with "*" for every other aspect.
    #[serde(default)]
    pub layout: BTreeMap<String, BTreeMap<String, LayoutBox>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlotKind {
    Clip,
    Image,
    Text,
    Price,
    Link,
    Color,
    Date,
}

impl SlotKind {
    pub fn name(self) -> &'static str {
        match self {
            SlotKind::Clip => "clip",
            SlotKind::Image => "image",
            SlotKind::Text => "text",
            SlotKind::Price => "price",
            SlotKind::Link => "link",
            SlotKind::Color => "color",
            SlotKind::Date => "date",
        }
    }
}

/// Which part of a clip slot's video is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClipPart {
    /// From its start, as long as the slot allows.
    #[default]
    Start,
    /// The creator's trim (`start`/`end` of the fill).
    Trim,
    /// The clip's best loop window within the slot's length range: the same search as
    /// `clipforge loop-points` (`analysis::loop_points`), done when the template is rendered.
    Loop,
}

impl ClipPart {
    pub fn name(self) -> &'static str {
        match self {
            ClipPart::Start => "start",
            ClipPart::Trim => "trim",
            ClipPart::Loop => "loop",
        }
    }
}

/// A hole of the template: what the app's form asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    pub name: String,
    pub kind: SlotKind,
    #[serde(default)]
    pub label: String,
    /// May be left empty (a caption using it then shows nothing of it).
    #[serde(default)]
    pub optional: bool,
    /// Used when the slot is not filled (text, color, link, date, price as "12.50:EUR").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Clip: shortest and longest usable part, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_seconds: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_seconds: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<ClipPart>,
    /// Text: most characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chars: Option<usize>,
}

/// A clip slot's shortest usable part when the template does not say.
pub const DEFAULT_MIN_CLIP_SECONDS: f64 = 0.5;

impl Slot {
    /// A clip slot's usable length: (shortest, longest), the longest `None` when unbounded here.
    pub fn clip_seconds(&self) -> (f64, Option<f64>) {
        (self.min_seconds.unwrap_or(DEFAULT_MIN_CLIP_SECONDS), self.max_seconds)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClipEntry {
    /// A clip or image slot.
    pub slot: String,
    /// Image slots: seconds shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub motion: Option<Motion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition: Option<TransitionSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute: Option<bool>,
    /// Image slots: shown as a branded sting (the picture as a logo on a brand-colour panel, with
    /// an optional line) rather than full frame. Use `duration` 1–2 s and a `motion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sting: Option<Sting>,
}

/// A sponsored moment's look: the logo on a panel of a color slot, a text slot under it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sting {
    /// A color slot for the panel (default near-black).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// A text slot shown under the logo ("Presented by …").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaptionEntry {
    pub text: String,
    pub start: f64,
    pub end: f64,
    /// A caption preset or style (as in recipes); `color` may name a color slot as `{brand}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<crate::captions::model::StyleSpec>,
    /// Where the text block's centre sits, fractions of the output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<crate::captions::model::Position>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fade_in: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pop: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverlayEntry {
    /// An image slot.
    pub slot: String,
    /// A layout box name.
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndCard {
    /// The link slot the QR code carries.
    pub link: String,
    /// A color slot for the panel (default white).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// The card shows in the last `seconds` of the loop (never on the first frame).
    pub seconds: f64,
    /// A layout box name (its `width` is the card's, fraction of the output width).
    pub at: String,
    /// A date slot whose value is the offer's expiry (in the links manifest, and as a badge on
    /// the card: "ends Sun 18:00", localised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// A text slot drawn above the QR code (or beside it on wide outputs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A price slot drawn under the code, formatted for the render's locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<String>,
    /// A text slot drawn as a button under the price ("Scan to shop").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Seconds the card fades in (default 0.25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fade_in: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tracking {
    /// `utm_source` (default "clipforge").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `utm_medium` (default "video").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<String>,
    /// `utm_campaign` (default the template's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
}

/// A box in fractions of the output: centre (x, y) and width (of the output width).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutBox {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    /// End card only: its text above and below the QR code (a tall card) instead of beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<bool>,
}
