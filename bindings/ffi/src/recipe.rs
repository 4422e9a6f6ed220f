//! The typed recipe (v1) as uniffi records, converted field by field to `clipforge::Recipe`.
//!
//! Apps that build edits in code use these; apps that store recipes as JSON use `start_export_json`,
//! which reads every field the core understands without a change here. The caption records live in
//! `captions.rs`.

use std::path::PathBuf;


use crate::captions::{Caption, SubtitlesSpec};
use crate::convert::{opt_u32, opt_u64, opt_u8, u32_of};
use crate::error::ClipforgeError;

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Recipe {
    /// One clip (recipe version 1); relative paths resolve against `base_dir`. Give `source` or
    /// `clips`, not both.
    #[uniffi(default)]
    pub source: Option<String>,
    /// The timeline (recipe version 2): clips in order, each with its trim, speed, transition.
    #[uniffi(default)]
    pub clips: Option<Vec<crate::composition::Clip>>,
    /// Images and animated stickers over the picture, in OUTPUT time.
    #[uniffi(default)]
    pub overlays: Option<Vec<crate::composition::Overlay>>,
    /// A music bed under the clips' sound.
    #[uniffi(default)]
    pub music: Option<crate::composition::Music>,
    /// The final mix's loudness; with `clips`, `overlays` or `music` set the default is −14 LUFS.
    #[uniffi(default)]
    pub loudness: Option<crate::composition::Loudness>,
    #[uniffi(default)]
    pub trim: Option<Trim>,
    /// The recipe JSON's `loop` block (named `loop` in Kotlin and Swift; a keyword in Rust).
    #[uniffi(default, name = "loop")]
    pub looping: Option<LoopSpec>,
    #[uniffi(default)]
    pub audio: Option<AudioSpec>,
    pub outputs: Vec<OutputSpec>,
    /// Captions in OUTPUT time (seconds of the finished clip).
    #[uniffi(default)]
    pub captions: Option<Vec<Caption>>,
    /// An SRT / WebVTT file whose cues are in SOURCE time.
    #[uniffi(default)]
    pub subtitles: Option<SubtitlesSpec>,
    /// Peak memory to aim for, in MB: outputs that would not fit together are encoded in further
    /// decode passes. Unset: every output comes from one decode pass (fastest, most memory).
    #[uniffi(default)]
    pub max_memory_mb: Option<i32>,
    /// `true`: captions with characters no registered font has fail with `MissingGlyphs` instead
    /// of exporting empty boxes (listed in `OutputReport.missing_glyphs` either way).
    #[uniffi(default)]
    pub strict_fonts: Option<bool>,
    /// Sign every output with a C2PA manifest (`provenance.rs`).
    #[uniffi(default)]
    pub provenance: Option<crate::provenance::Provenance>,
    /// Write `<output>.upload.json` beside each output, committed with it (`upload.rs`).
    #[uniffi(default)]
    pub upload_plan: Option<crate::upload::UploadPlanOptions>,
    /// Tracked links (a template's end cards): each written as `<output>.links.json` beside the
    /// outputs that show it.
    #[uniffi(default)]
    pub links: Option<Vec<Link>>,
    /// Folder that relative `source`, output, subtitle and font paths resolve against.
    #[uniffi(default)]
    pub base_dir: Option<String>,
}

/// A link shown in some outputs (a QR code), for the app's redirect service: the recipe JSON's
/// `links` entry.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Link {
    /// The short code the redirect service maps to `url`.
    pub code: String,
    /// The full link with its tracking parameters.
    pub url: String,
    /// When the offer ends (ISO 8601).
    #[uniffi(default)]
    pub expires: Option<String>,
    /// Indices into `outputs` that show the link.
    pub outputs: Vec<i32>,
}

/// Segment of the source in seconds of source time; `end` defaults to the source's end.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct Trim {
    #[uniffi(default = 0.0)]
    pub start: f64,
    #[uniffi(default)]
    pub end: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LoopMode {
    /// The trimmed segment plays once.
    None,
    /// The trimmed segment repeats; the last pass is cut to fit.
    Repeat,
    /// Forward then reversed, repeated.
    Boomerang,
    /// The clip's best loop window (see `loopPoints`), repeated with its seam crossfaded away.
    /// Needs a recipe with one video clip.
    Seamless,
}

/// Target length (`duration` seconds) or number of passes (`count`): one of them.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct LoopSpec {
    pub mode: LoopMode,
    #[uniffi(default)]
    pub duration: Option<f64>,
    #[uniffi(default)]
    pub count: Option<i32>,
    /// Seamless only: seconds of crossfade baked into the seam, 0–2 (default 0.3).
    #[uniffi(default)]
    pub crossfade: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct AudioSpec {
    /// `true` drops the audio track. Default: muted for boomerang, kept otherwise.
    #[uniffi(default)]
    pub mute: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Fit {
    /// Fill the frame, cutting the overflow (centred).
    Crop,
    /// Fit inside, bars in `background`.
    Pad,
    /// Fit inside, bars filled with a blurred, darkened copy of the frame.
    Blur,
    /// Fill the frame like `Crop`, the window following the subject (faces, else salient regions;
    /// centred where nothing is found). Needs `register_subject_models` first.
    Smart,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct OutputSpec {
    pub path: String,
    /// "W:H", e.g. "9:16", "1:1", "4:5", "16:9".
    pub aspect: String,
    #[uniffi(default)]
    pub height: Option<i32>,
    #[uniffi(default)]
    pub width: Option<i32>,
    /// Default `Crop`.
    #[uniffi(default)]
    pub fit: Option<Fit>,
    /// "#RRGGBB" for `pad` bars; default black.
    #[uniffi(default)]
    pub background: Option<String>,
    /// Constant output frame rate; default 30.
    #[uniffi(default)]
    pub fps: Option<f64>,
    /// x264 constant rate factor (0–51); default 23 unless `bitrate` is set.
    #[uniffi(default)]
    pub crf: Option<i32>,
    /// Target video bits per second (alternative to `crf`).
    #[uniffi(default)]
    pub bitrate: Option<i64>,
    /// x264 preset name; default "veryfast".
    #[uniffi(default)]
    pub preset: Option<String>,
    /// FFmpeg H.264 encoder name: "libx264" (default), "h264_mediacodec", "h264_videotoolbox".
    #[uniffi(default)]
    pub encoder: Option<String>,
}

impl TryFrom<Recipe> for clipforge::Recipe {
    type Error = ClipforgeError;

    fn try_from(r: Recipe) -> Result<Self, ClipforgeError> {
        let looping = match r.looping {
            None => None,
            Some(l) => Some(clipforge::LoopSpec {
                mode: match l.mode {
                    LoopMode::None => clipforge::LoopMode::None,
                    LoopMode::Repeat => clipforge::LoopMode::Repeat,
                    LoopMode::Boomerang => clipforge::LoopMode::Boomerang,
                    LoopMode::Seamless => clipforge::LoopMode::Seamless,
                },
                duration: l.duration,
                count: opt_u32(l.count, "loop.count")?,
                crossfade: l.crossfade,
            }),
        };
        let outputs = r.outputs.into_iter().enumerate().map(|(i, o)| output(o, i)).collect::<Result<_, _>>()?;
        let v2 = r.clips.is_some() || r.overlays.is_some() || r.music.is_some() || r.loudness.is_some();
        Ok(clipforge::Recipe {
            // Any composer field makes it a version-2 recipe (loudness normalised by default);
            // `source` alone keeps version 1's meaning and bytes.
            version: if v2 { 2 } else { 1 },
            source: r.source.map(PathBuf::from),
            clips: r.clips.map(|c| c.into_iter().map(Into::into).collect()),
            overlays: r.overlays.map(|o| o.into_iter().map(Into::into).collect()),
            music: r.music.map(Into::into),
            loudness: r.loudness.map(Into::into),
            trim: r.trim.map(|t| clipforge::Trim { start: t.start, end: t.end }),
            looping,
            audio: r.audio.map(|a| clipforge::recipe::AudioSpec { mute: a.mute }),
            outputs,
            captions: r.captions.map(|c| c.into_iter().map(Into::into).collect()),
            subtitles: r.subtitles.map(Into::into),
            max_memory_mb: opt_u32(r.max_memory_mb, "max_memory_mb")?,
            strict_fonts: r.strict_fonts,
            provenance: r.provenance.map(Into::into),
            upload_plan: r.upload_plan.map(TryInto::try_into).transpose()?,
            links: r.links.map(|l| l.into_iter().enumerate().map(|(i, l)| link(l, i)).collect::<Result<_, _>>()).transpose()?,
            base_dir: r.base_dir.map(PathBuf::from),
            recipe_file: None,
            // A new core field makes this literal stop compiling on purpose: mirror it above.
        })
    }
}

impl From<Fit> for clipforge::Fit {
    fn from(f: Fit) -> Self {
        match f {
            Fit::Crop => clipforge::Fit::Crop,
            Fit::Pad => clipforge::Fit::Pad,
            Fit::Blur => clipforge::Fit::Blur,
            Fit::Smart => clipforge::Fit::Smart,
        }
    }
}

fn link(l: Link, i: usize) -> Result<clipforge::recipe::LinkSpec, ClipforgeError> {
    let outputs = l.outputs.iter().map(|&o| u32_of(o, &format!("links[{i}].outputs")).map(|o| o as usize)).collect::<Result<_, _>>()?;
    Ok(clipforge::recipe::LinkSpec { code: l.code, url: l.url, expires: l.expires, outputs })
}

fn output(o: OutputSpec, i: usize) -> Result<clipforge::OutputSpec, ClipforgeError> {
    let field = |name: &str| format!("outputs[{i}].{name}");
    Ok(clipforge::OutputSpec {
        path: PathBuf::from(o.path),
        aspect: o.aspect,
        height: opt_u32(o.height, &field("height"))?,
        width: opt_u32(o.width, &field("width"))?,
        fit: o.fit.unwrap_or(Fit::Crop).into(),
        background: o.background,
        fps: o.fps,
        crf: opt_u8(o.crf, &field("crf"))?,
        bitrate: opt_u64(o.bitrate, &field("bitrate"))?,
        preset: o.preset,
        encoder: o.encoder,
    })
}
