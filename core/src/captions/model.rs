//! Caption fields of recipe v1 (all optional, so older recipes read unchanged).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// One caption in OUTPUT time (seconds of the finished clip).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Caption {
    pub text: String,
    pub start: f64,
    pub end: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<StyleSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// Word timings for karaoke highlighting, one per whitespace-separated word of `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<WordTime>>,
    /// Seconds of fade in / out (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fade_in: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fade_out: Option<f64>,
    /// A short scale-up (80 % → 100 % over 0.15 s) when the caption appears.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pop: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WordTime {
    pub start: f64,
    pub end: f64,
}

/// An SRT or WebVTT file whose cues are in SOURCE time; they follow the trimmed, looped frames.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubtitlesSpec {
    pub path: PathBuf,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<StyleSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fade_in: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fade_out: Option<f64>,
}

/// `"bold-outline"` or `{ "preset": "box", "size": 0.06, ... }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
// Read once per recipe; boxing the fields would only complicate every use.
#[allow(clippy::large_enum_variant)]
pub enum StyleSpec {
    Preset(Preset),
    Custom(StyleFields),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// White bold text with a black outline: readable on anything.
    #[default]
    BoldOutline,
    /// White text on rounded, semi-opaque dark boxes behind each line.
    Box,
    /// White text with a soft drop shadow.
    Shadow,
    /// Text only.
    Plain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    Left,
    #[default]
    Center,
    Right,
}

/// Explicit style fields; anything left out comes from `preset`. Lengths relative to the font
/// size are marked "em"; `size` is relative to the output height, `max_width` to its width.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleFields {
    #[serde(default)]
    pub preset: Preset,
    /// A font file (TTF/OTF/TTC), relative to the recipe. Default: the bundled Noto Sans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bold: Option<bool>,
    /// `#RRGGBB` or `#RRGGBBAA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Colour of the current word when word timings exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub highlight_color: Option<String>,
    /// em.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stroke_width: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stroke_color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shadow_color: Option<String>,
    /// em, [x, y].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shadow_offset: Option<[f32; 2]>,
    /// em.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shadow_blur: Option<f32>,
    /// Box behind each line; `#RRGGBBAA` for transparency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<String>,
    /// em.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub padding: Option<f32>,
    /// em.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corner_radius: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub align: Option<Align>,
    /// Fraction of the output width (further limited by the safe area).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_width: Option<f32>,
    /// Line height as a multiple of the font size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_spacing: Option<f32>,
}

/// `"top" | "center" | "bottom"`, or `{ "x": 0.5, "y": 0.3 }` (centre of the text block as
/// fractions of the output; clamped into the safe area).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Position {
    Named(NamedPosition),
    At { x: f32, y: f32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NamedPosition {
    Top,
    Center,
    Bottom,
}

impl Default for Position {
    fn default() -> Self {
        Position::Named(NamedPosition::Bottom)
    }
}
