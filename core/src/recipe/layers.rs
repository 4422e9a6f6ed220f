//! Recipe version 2's layers over the picture and under the sound: image overlays (logos,
//! stickers), the music bed and the loudness target.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// An image over the picture (PNG/WebP with alpha; GIF, APNG and animated WebP play), in output time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverlaySpec {
    pub image: PathBuf,
    /// Output seconds (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    /// Output seconds (default: the end of the clip).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<f64>,
    /// Where it sits: an anchor inside the safe area (default `top-right`), or the centre of the
    /// image as fractions of the output `{ "x": 0.5, "y": 0.2 }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<Anchor>,
    /// Width as a fraction of the output width (default 0.2); the height keeps the image's aspect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<f64>,
    /// 0–1 (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opacity: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fade_in: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fade_out: Option<f64>,
    /// Indices into `outputs` that show it (default all): a template's QR end card differs per
    /// output, as each carries its own tracked link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Vec<usize>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Anchor {
    Named(NamedAnchor),
    At { x: f64, y: f64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NamedAnchor {
    TopLeft,
    Top,
    TopRight,
    Left,
    Center,
    Right,
    BottomLeft,
    Bottom,
    BottomRight,
}

/// A song under the whole finished clip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MusicSpec {
    /// Any audio FFmpeg decodes: m4a/AAC, MP3, Ogg, WAV, FLAC (relative to the recipe).
    pub path: PathBuf,
    /// Seconds into the song where the bed starts (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<f64>,
    /// Gain, 0–4 (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fade_in: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fade_out: Option<f64>,
    /// A song shorter than the clip starts again (default true); false: silence after it.
    #[serde(default, rename = "loop", skip_serializing_if = "Option::is_none")]
    pub repeat: Option<bool>,
    /// Lower the music while the clips' own sound plays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duck: Option<DuckSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuckSpec {
    /// Gain change while ducked, dB, −40…0 (default −12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_db: Option<f64>,
    /// Seconds to duck once the clip sound starts (default 0.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack: Option<f64>,
    /// Seconds to come back once it stops (default 0.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<f64>,
    /// Clip sound louder than this (dBFS, short-term RMS) counts as present (default −45).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold_db: Option<f64>,
}

/// The finished mix's loudness (EBU R128). Version 2 normalises by default.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoudnessSpec {
    /// false: leave the mix as it is (still measured in the report). Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalize: Option<bool>,
    /// Integrated loudness, LUFS, −40…−5 (default −14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_lufs: Option<f64>,
    /// Ceiling for the true peak, dBTP, −9…0 (default −1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub true_peak_db: Option<f64>,
}
