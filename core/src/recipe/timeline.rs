//! Recipe version 2's timeline: clips (videos or still images) in order, each with its part of the
//! source, speed, sound and the transition that leads into it.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{Fit, Trim};
use crate::captions::model::SubtitlesSpec;

/// One clip of the timeline: a video file or a still image (PNG, JPEG, WebP).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClipSpec {
    /// A video file or a still image, relative to the recipe.
    pub source: PathBuf,
    /// Video: the part of the source used, in source seconds (default: all of it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trim: Option<Trim>,
    /// Still image: how long it is shown, seconds (required for images, refused for videos).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    /// Video: playback speed, 0.25–4 (default 1). Sound keeps its pitch from 0.5 to 2; outside
    /// that range the clip is muted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
    /// Gain of the clip's own sound, 0–4 (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<f64>,
    /// Drops the clip's own sound (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute: Option<bool>,
    /// Overrides every output's `fit` for this clip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fit: Option<Fit>,
    /// Still image: a slow camera move over the picture (default none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub motion: Option<Motion>,
    /// How this clip takes over from the previous one (default a cut).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition: Option<TransitionSpec>,
    /// An SRT/WebVTT file whose cues are in this clip's source time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitles: Option<SubtitlesSpec>,
}

/// A still image's camera move, over its whole duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Motion {
    #[default]
    None,
    ZoomIn,
    ZoomOut,
    PanLeft,
    PanRight,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionSpec {
    pub kind: TransitionKind,
    /// Seconds the two clips overlap (default 0.5; a cut has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TransitionKind {
    #[default]
    Cut,
    Crossfade,
    DipToBlack,
    DipToWhite,
    SlideLeft,
    SlideRight,
    SlideUp,
    SlideDown,
    WipeLeft,
    WipeRight,
}

impl TransitionKind {
    pub fn name(self) -> &'static str {
        match self {
            TransitionKind::Cut => "cut",
            TransitionKind::Crossfade => "crossfade",
            TransitionKind::DipToBlack => "dip-to-black",
            TransitionKind::DipToWhite => "dip-to-white",
            TransitionKind::SlideLeft => "slide-left",
            TransitionKind::SlideRight => "slide-right",
            TransitionKind::SlideUp => "slide-up",
            TransitionKind::SlideDown => "slide-down",
            TransitionKind::WipeLeft => "wipe-left",
            TransitionKind::WipeRight => "wipe-right",
        }
    }
}
