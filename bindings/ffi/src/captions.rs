//! Captions and subtitles as uniffi records (mirrors of `clipforge::captions::model`), converted to the
//! core's types, and the app-font registration functions.
//!
//! A style is one record, `CaptionStyle(preset = StylePreset.BOX, size = 0.06f, …)`: the JSON's
//! `"style": "box"` is the record with only its preset, `"style": {…}` the record with fields. A
//! position is a name or a point, so it is an enum with data (`CaptionPosition.Bottom`,
//! `CaptionPosition.At(x, y)`); see docs/ARCHITECTURE.md, "Bindings conventions".

use std::path::{Path, PathBuf};

use clipforge::captions::model as core;

use crate::error::ClipforgeError;
use crate::guard::catch;

/// One caption in OUTPUT time (seconds of the finished clip), shown on frames with start ≤ t < end.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Caption {
    pub text: String,
    pub start: f64,
    pub end: f64,
    /// Default `CaptionStyle()` (bold outline).
    #[uniffi(default)]
    pub style: Option<CaptionStyle>,
    /// Default `CaptionPosition.Bottom`.
    #[uniffi(default)]
    pub position: Option<CaptionPosition>,
    /// Karaoke highlight: one timing per whitespace-separated word of `text`, same clock.
    #[uniffi(default)]
    pub words: Option<Vec<WordTime>>,
    /// Seconds (default 0).
    #[uniffi(default)]
    pub fade_in: Option<f64>,
    #[uniffi(default)]
    pub fade_out: Option<f64>,
    /// `true`: the caption grows from 80 % to full size in its first 0.15 s.
    #[uniffi(default)]
    pub pop: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct WordTime {
    pub start: f64,
    pub end: f64,
}

/// An SRT or WebVTT file whose cues are in SOURCE time: they follow the trimmed, looped picture.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SubtitlesSpec {
    /// Relative paths resolve against the recipe's `base_dir`.
    pub path: String,
    #[uniffi(default)]
    pub style: Option<CaptionStyle>,
    #[uniffi(default)]
    pub position: Option<CaptionPosition>,
    #[uniffi(default)]
    pub fade_in: Option<f64>,
    #[uniffi(default)]
    pub fade_out: Option<f64>,
}

/// The look of a caption's text: a preset, and any field to change from it. `CaptionStyle()` is
/// the default bold-outline look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Enum)]
pub enum StylePreset {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TextAlign {
    Left,
    Center,
    Right,
}

/// Drop-shadow offset in em.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct ShadowOffset {
    pub x: f32,
    pub y: f32,
}

/// A caption style: `preset` (default `BOLD_OUTLINE`) and fields that change it. "em" lengths are
/// relative to the font size; `size` is relative to the output height, `max_width` to its width.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct CaptionStyle {
    #[uniffi(default)]
    pub preset: Option<StylePreset>,
    /// A font file (TTF/OTF/TTC), relative to the recipe's `base_dir`. Default: the registered fonts
    /// (the built-in Noto Sans Bold for Latin, Greek and Cyrillic).
    #[uniffi(default)]
    pub font: Option<String>,
    #[uniffi(default)]
    pub size: Option<f32>,
    #[uniffi(default)]
    pub bold: Option<bool>,
    /// "#RRGGBB" or "#RRGGBBAA".
    #[uniffi(default)]
    pub color: Option<String>,
    /// Colour of the current word when word timings exist.
    #[uniffi(default)]
    pub highlight_color: Option<String>,
    /// em.
    #[uniffi(default)]
    pub stroke_width: Option<f32>,
    #[uniffi(default)]
    pub stroke_color: Option<String>,
    #[uniffi(default)]
    pub shadow_color: Option<String>,
    #[uniffi(default)]
    pub shadow_offset: Option<ShadowOffset>,
    /// em.
    #[uniffi(default)]
    pub shadow_blur: Option<f32>,
    /// Box behind each line; "#RRGGBBAA" for transparency.
    #[uniffi(default)]
    pub background: Option<String>,
    /// em.
    #[uniffi(default)]
    pub padding: Option<f32>,
    /// em.
    #[uniffi(default)]
    pub corner_radius: Option<f32>,
    #[uniffi(default)]
    pub align: Option<TextAlign>,
    /// Fraction of the output width (further limited by the safe area).
    #[uniffi(default)]
    pub max_width: Option<f32>,
    /// Line height as a multiple of the font size.
    #[uniffi(default)]
    pub line_spacing: Option<f32>,
}

/// Where the text block sits; always kept inside the output's safe area.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Enum)]
pub enum CaptionPosition {
    Top,
    Center,
    Bottom,
    /// Centre of the text block as fractions of the output (0..1).
    At { x: f32, y: f32 },
}

/// Adds a font file (TTF/OTF/TTC), or every font in a folder, for every later export of this process:
/// apps ship their fonts and register them at start-up (reads files: call it off the main thread,
/// e.g. `Clipforge.registerFontPath`). A file that is not a font is `InvalidFont`, a missing path `Io`.
#[uniffi::export]
pub fn register_font_path(path: String) -> Result<(), ClipforgeError> {
    catch(|| Ok(clipforge::register_font_path(Path::new(&path))?))
}

/// Adds a font from its bytes (e.g. read from app assets) for every later export of this process.
/// Bytes that are not a font are `InvalidFont`.
#[uniffi::export]
pub fn register_font_bytes(data: Vec<u8>) -> Result<(), ClipforgeError> {
    catch(|| Ok(clipforge::register_font_bytes(data)?))
}

impl From<Caption> for core::Caption {
    fn from(c: Caption) -> Self {
        core::Caption {
            text: c.text,
            start: c.start,
            end: c.end,
            style: c.style.map(Into::into),
            position: c.position.map(Into::into),
            words: c.words.map(|w| w.into_iter().map(|w| core::WordTime { start: w.start, end: w.end }).collect()),
            fade_in: c.fade_in,
            fade_out: c.fade_out,
            pop: c.pop,
        }
    }
}

impl From<SubtitlesSpec> for core::SubtitlesSpec {
    fn from(s: SubtitlesSpec) -> Self {
        core::SubtitlesSpec {
            path: PathBuf::from(s.path),
            style: s.style.map(Into::into),
            position: s.position.map(Into::into),
            fade_in: s.fade_in,
            fade_out: s.fade_out,
        }
    }
}

impl From<StylePreset> for core::Preset {
    fn from(p: StylePreset) -> Self {
        match p {
            StylePreset::BoldOutline => core::Preset::BoldOutline,
            StylePreset::Box => core::Preset::Box,
            StylePreset::Shadow => core::Preset::Shadow,
            StylePreset::Plain => core::Preset::Plain,
        }
    }
}

impl From<CaptionStyle> for core::StyleSpec {
    fn from(f: CaptionStyle) -> Self {
        let preset = f.preset.unwrap_or_default().into();
        // Only a preset: the JSON's `"style": "box"`.
        if f == (CaptionStyle { preset: f.preset, ..Default::default() }) {
            return core::StyleSpec::Preset(preset);
        }
        core::StyleSpec::Custom(core::StyleFields {
            preset,
            font: f.font.map(PathBuf::from),
            size: f.size,
            bold: f.bold,
            color: f.color,
            highlight_color: f.highlight_color,
            stroke_width: f.stroke_width,
            stroke_color: f.stroke_color,
            shadow_color: f.shadow_color,
            shadow_offset: f.shadow_offset.map(|o| [o.x, o.y]),
            shadow_blur: f.shadow_blur,
            background: f.background,
            padding: f.padding,
            corner_radius: f.corner_radius,
            align: f.align.map(|a| match a {
                TextAlign::Left => core::Align::Left,
                TextAlign::Center => core::Align::Center,
                TextAlign::Right => core::Align::Right,
            }),
            max_width: f.max_width,
            line_spacing: f.line_spacing,
        })
    }
}

impl From<CaptionPosition> for core::Position {
    fn from(p: CaptionPosition) -> Self {
        match p {
            CaptionPosition::Top => core::Position::Named(core::NamedPosition::Top),
            CaptionPosition::Center => core::Position::Named(core::NamedPosition::Center),
            CaptionPosition::Bottom => core::Position::Named(core::NamedPosition::Bottom),
            CaptionPosition::At { x, y } => core::Position::At { x, y },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipe::{OutputSpec, Recipe};

    fn preset(p: StylePreset) -> Option<CaptionStyle> {
        Some(CaptionStyle { preset: Some(p), ..Default::default() })
    }

    /// Every caption field, typed, converts to exactly what the same recipe as JSON parses to.
    #[test]
    fn typed_captions_equal_the_json_recipe() {
        let caption = |text: &str, style, position| Caption {
            text: text.into(),
            start: 0.0,
            end: 3.0,
            style,
            position,
            words: None,
            fade_in: None,
            fade_out: None,
            pop: None,
        };
        let full = CaptionStyle {
            preset: Some(StylePreset::Shadow),
            font: Some("fonts/x.ttf".into()),
            size: Some(0.06),
            bold: Some(false),
            color: Some("#FFFFFF".into()),
            highlight_color: Some("#FFD600".into()),
            stroke_width: Some(0.1),
            stroke_color: Some("#000000".into()),
            shadow_color: Some("#00000080".into()),
            shadow_offset: Some(ShadowOffset { x: 0.05, y: -0.25 }),
            shadow_blur: Some(0.5),
            background: Some("#000000B4".into()),
            padding: Some(0.25),
            corner_radius: Some(0.5),
            align: Some(TextAlign::Right),
            max_width: Some(0.75),
            line_spacing: Some(1.5),
        };
        let typed = Recipe {
            source: Some("in.mp4".into()),
            clips: None,
            overlays: None,
            music: None,
            loudness: None,
            trim: None,
            looping: None,
            audio: None,
            outputs: vec![OutputSpec {
                path: "out.mp4".into(),
                aspect: "9:16".into(),
                height: None,
                width: None,
                fit: None,
                background: None,
                fps: None,
                crf: None,
                bitrate: None,
                preset: None,
                encoder: None,
            }],
            captions: Some(vec![
                Caption {
                    words: Some(vec![WordTime { start: 0.0, end: 1.0 }, WordTime { start: 1.0, end: 3.0 }]),
                    fade_in: Some(0.2),
                    fade_out: Some(0.3),
                    pop: Some(true),
                    ..caption("one two", Some(full), Some(CaptionPosition::At { x: 0.5, y: 0.25 }))
                },
                caption("a", preset(StylePreset::BoldOutline), Some(CaptionPosition::Top)),
                caption("b", preset(StylePreset::Box), Some(CaptionPosition::Center)),
                caption("c", preset(StylePreset::Shadow), Some(CaptionPosition::Bottom)),
                caption("d", preset(StylePreset::Plain), None),
                caption("e", Some(CaptionStyle { size: Some(0.05), ..Default::default() }), None),
                caption("f", Some(CaptionStyle { preset: Some(StylePreset::Box), bold: Some(true), ..Default::default() }), None),
                caption("g", None, None),
            ]),
            subtitles: Some(SubtitlesSpec {
                path: "talk.vtt".into(),
                style: Some(CaptionStyle { preset: Some(StylePreset::Plain), align: Some(TextAlign::Left), ..Default::default() }),
                position: Some(CaptionPosition::Top),
                fade_in: Some(0.1),
                fade_out: Some(0.2),
            }),
            max_memory_mb: Some(250),
            strict_fonts: Some(true),
            provenance: None,
            upload_plan: None,
            links: None,
            base_dir: None,
        };
        let json = r##"{ "version": 1, "source": "in.mp4", "outputs": [ { "path": "out.mp4", "aspect": "9:16" } ],
          "captions": [
            { "text": "one two", "start": 0, "end": 3, "position": { "x": 0.5, "y": 0.25 },
              "style": { "preset": "shadow", "font": "fonts/x.ttf", "size": 0.06, "bold": false, "color": "#FFFFFF",
                         "highlight_color": "#FFD600", "stroke_width": 0.1, "stroke_color": "#000000",
                         "shadow_color": "#00000080", "shadow_offset": [0.05, -0.25], "shadow_blur": 0.5,
                         "background": "#000000B4", "padding": 0.25, "corner_radius": 0.5, "align": "right",
                         "max_width": 0.75, "line_spacing": 1.5 },
              "words": [ { "start": 0, "end": 1 }, { "start": 1, "end": 3 } ], "fade_in": 0.2, "fade_out": 0.3, "pop": true },
            { "text": "a", "start": 0, "end": 3, "style": "bold-outline", "position": "top" },
            { "text": "b", "start": 0, "end": 3, "style": "box", "position": "center" },
            { "text": "c", "start": 0, "end": 3, "style": "shadow", "position": "bottom" },
            { "text": "d", "start": 0, "end": 3, "style": "plain" },
            { "text": "e", "start": 0, "end": 3, "style": { "size": 0.05 } },
            { "text": "f", "start": 0, "end": 3, "style": { "preset": "box", "bold": true } },
            { "text": "g", "start": 0, "end": 3 } ],
          "subtitles": { "path": "talk.vtt", "style": { "preset": "plain", "align": "left" }, "position": "top",
                         "fade_in": 0.1, "fade_out": 0.2 },
          "max_memory_mb": 250, "strict_fonts": true }"##;
        let from_json = clipforge::Recipe::from_json(json, None).unwrap();
        assert_eq!(clipforge::Recipe::try_from(typed).unwrap(), from_json);
    }

    #[test]
    fn negative_numbers_are_refused_with_the_field_named() {
        let recipe = |height: i32, crf: i32| Recipe {
            source: Some("in.mp4".into()),
            clips: None,
            overlays: None,
            music: None,
            loudness: None,
            trim: None,
            looping: Some(crate::recipe::LoopSpec { mode: crate::recipe::LoopMode::Repeat, duration: None, count: Some(2), crossfade: None }),
            audio: None,
            outputs: vec![OutputSpec {
                path: "out.mp4".into(),
                aspect: "1:1".into(),
                height: Some(height),
                width: None,
                fit: None,
                background: None,
                fps: None,
                crf: Some(crf),
                bitrate: None,
                preset: None,
                encoder: None,
            }],
            captions: None,
            subtitles: None,
            max_memory_mb: None,
            strict_fonts: None,
            provenance: None,
            upload_plan: None,
            links: None,
            base_dir: None,
        };
        assert!(clipforge::Recipe::try_from(recipe(640, 23)).is_ok());
        let e = clipforge::Recipe::try_from(recipe(-640, 23)).unwrap_err();
        assert!(matches!(&e, ClipforgeError::InvalidRecipe { message } if message == "outputs[0].height must not be negative, got -640"), "{e:?}");
        assert!(matches!(clipforge::Recipe::try_from(recipe(640, -1)), Err(ClipforgeError::InvalidRecipe { .. })));
    }

    #[test]
    fn font_registration_refuses_what_is_not_a_font() {
        let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/fonts");
        let regular = fonts.join("NotoSans-Regular.ttf");
        assert_eq!(register_font_bytes(std::fs::read(&regular).unwrap()), Ok(()));
        assert_eq!(register_font_path(regular.to_string_lossy().into_owned()), Ok(()));
        assert_eq!(register_font_path(fonts.to_string_lossy().into_owned()), Ok(()));
        assert!(matches!(register_font_bytes(b"not a font".to_vec()), Err(ClipforgeError::InvalidFont { .. })));
        assert!(matches!(register_font_bytes(Vec::new()), Err(ClipforgeError::InvalidFont { .. })));
        let licence = fonts.join("LICENSE-noto-core.txt").to_string_lossy().into_owned();
        assert!(matches!(register_font_path(licence), Err(ClipforgeError::InvalidFont { .. })));
        let missing = fonts.join("missing.ttf").to_string_lossy().into_owned();
        assert!(matches!(register_font_path(missing), Err(ClipforgeError::Io { .. })));
    }
}
