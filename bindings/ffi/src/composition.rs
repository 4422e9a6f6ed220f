//! Recipe version 2 as uniffi records: clips with transitions, speed and camera moves, image
//! overlays, a music bed and the loudness target. Field names are the recipe JSON's; every record
//! converts field by field to the core's, so a new core field stops the build until it is mirrored.

use std::path::PathBuf;

use clipforge::recipe as core;

use crate::captions::SubtitlesSpec;
use crate::recipe::{Fit, Trim};

/// One clip of the timeline: a video (trimmed, at a speed) or a still image (shown `duration` s).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Clip {
    /// Video or still (PNG, JPEG, WebP); relative paths resolve against the recipe's `base_dir`.
    pub source: String,
    #[uniffi(default)]
    pub trim: Option<Trim>,
    /// Seconds a still is shown (required for stills, refused for videos).
    #[uniffi(default)]
    pub duration: Option<f64>,
    /// 0.25–4; the clip's sound keeps its pitch from 0.5 to 2 and is muted outside.
    #[uniffi(default)]
    pub speed: Option<f64>,
    /// Gain of the clip's own sound, 0–2 (1 = as recorded).
    #[uniffi(default)]
    pub volume: Option<f64>,
    #[uniffi(default)]
    pub mute: Option<bool>,
    /// Overrides each output's fit for this clip.
    #[uniffi(default)]
    pub fit: Option<Fit>,
    /// A slow camera move over the clip (Ken Burns on stills).
    #[uniffi(default)]
    pub motion: Option<Motion>,
    /// How this clip takes over from the one before it (ignored on the first clip).
    #[uniffi(default)]
    pub transition: Option<Transition>,
    /// SRT / WebVTT cues in this clip's SOURCE time.
    #[uniffi(default)]
    pub subtitles: Option<SubtitlesSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Enum)]
pub enum Motion {
    #[default]
    None,
    ZoomIn,
    ZoomOut,
    PanLeft,
    PanRight,
}

#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct Transition {
    pub kind: TransitionKind,
    /// Seconds the two clips overlap (default 0.5).
    #[uniffi(default)]
    pub duration: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Enum)]
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

/// An image or animated sticker (PNG/APNG, WebP, GIF) over the picture, in OUTPUT time.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Overlay {
    pub image: String,
    #[uniffi(default)]
    pub start: Option<f64>,
    #[uniffi(default)]
    pub end: Option<f64>,
    #[uniffi(default)]
    pub anchor: Option<OverlayAnchor>,
    /// Width as a fraction of the output's width (default 0.25).
    #[uniffi(default)]
    pub width: Option<f64>,
    #[uniffi(default)]
    pub opacity: Option<f64>,
    #[uniffi(default)]
    pub fade_in: Option<f64>,
    #[uniffi(default)]
    pub fade_out: Option<f64>,
    /// Indices into the recipe's outputs that show it (default all).
    #[uniffi(default)]
    pub outputs: Option<Vec<u32>>,
}

/// Where an overlay sits: a named place inside the safe area, or its centre at (x, y) in 0–1.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Enum)]
pub enum OverlayAnchor {
    TopLeft,
    Top,
    TopRight,
    Left,
    Center,
    Right,
    BottomLeft,
    Bottom,
    BottomRight,
    At { x: f64, y: f64 },
}

/// A music bed under the clips' sound.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Music {
    pub path: String,
    /// Seconds into the song where the bed starts.
    #[uniffi(default)]
    pub offset: Option<f64>,
    #[uniffi(default)]
    pub volume: Option<f64>,
    #[uniffi(default)]
    pub fade_in: Option<f64>,
    #[uniffi(default)]
    pub fade_out: Option<f64>,
    /// The JSON's `loop`: repeat a song shorter than the clip (default true).
    #[uniffi(default, name = "loop")]
    pub repeat: Option<bool>,
    /// Lower the music while the clips' own sound is loud.
    #[uniffi(default)]
    pub duck: Option<Duck>,
}

#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct Duck {
    #[uniffi(default)]
    pub amount_db: Option<f64>,
    #[uniffi(default)]
    pub attack: Option<f64>,
    #[uniffi(default)]
    pub release: Option<f64>,
    #[uniffi(default)]
    pub threshold_db: Option<f64>,
}

/// The final mix's loudness (version 2 default: −14 LUFS integrated, −1 dBTP).
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct Loudness {
    #[uniffi(default)]
    pub normalize: Option<bool>,
    #[uniffi(default)]
    pub target_lufs: Option<f64>,
    #[uniffi(default)]
    pub true_peak_db: Option<f64>,
}

impl From<Clip> for core::ClipSpec {
    fn from(c: Clip) -> Self {
        core::ClipSpec {
            source: PathBuf::from(c.source),
            trim: c.trim.map(|t| clipforge::Trim { start: t.start, end: t.end }),
            duration: c.duration,
            speed: c.speed,
            volume: c.volume,
            mute: c.mute,
            fit: c.fit.map(Into::into),
            motion: c.motion.map(Into::into),
            transition: c.transition.map(|t| core::TransitionSpec { kind: t.kind.into(), duration: t.duration }),
            subtitles: c.subtitles.map(Into::into),
        }
    }
}

impl From<Motion> for core::Motion {
    fn from(m: Motion) -> Self {
        match m {
            Motion::None => core::Motion::None,
            Motion::ZoomIn => core::Motion::ZoomIn,
            Motion::ZoomOut => core::Motion::ZoomOut,
            Motion::PanLeft => core::Motion::PanLeft,
            Motion::PanRight => core::Motion::PanRight,
        }
    }
}

impl From<TransitionKind> for core::TransitionKind {
    fn from(k: TransitionKind) -> Self {
        match k {
            TransitionKind::Cut => core::TransitionKind::Cut,
            TransitionKind::Crossfade => core::TransitionKind::Crossfade,
            TransitionKind::DipToBlack => core::TransitionKind::DipToBlack,
            TransitionKind::DipToWhite => core::TransitionKind::DipToWhite,
            TransitionKind::SlideLeft => core::TransitionKind::SlideLeft,
            TransitionKind::SlideRight => core::TransitionKind::SlideRight,
            TransitionKind::SlideUp => core::TransitionKind::SlideUp,
            TransitionKind::SlideDown => core::TransitionKind::SlideDown,
            TransitionKind::WipeLeft => core::TransitionKind::WipeLeft,
            TransitionKind::WipeRight => core::TransitionKind::WipeRight,
        }
    }
}

impl From<Overlay> for core::OverlaySpec {
    fn from(o: Overlay) -> Self {
        core::OverlaySpec {
            image: PathBuf::from(o.image),
            start: o.start,
            end: o.end,
            anchor: o.anchor.map(Into::into),
            width: o.width,
            opacity: o.opacity,
            fade_in: o.fade_in,
            fade_out: o.fade_out,
            outputs: o.outputs.map(|v| v.into_iter().map(|i| i as usize).collect()),
        }
    }
}

impl From<OverlayAnchor> for core::Anchor {
    fn from(a: OverlayAnchor) -> Self {
        use core::NamedAnchor as N;
        core::Anchor::Named(match a {
            OverlayAnchor::At { x, y } => return core::Anchor::At { x, y },
            OverlayAnchor::TopLeft => N::TopLeft,
            OverlayAnchor::Top => N::Top,
            OverlayAnchor::TopRight => N::TopRight,
            OverlayAnchor::Left => N::Left,
            OverlayAnchor::Center => N::Center,
            OverlayAnchor::Right => N::Right,
            OverlayAnchor::BottomLeft => N::BottomLeft,
            OverlayAnchor::Bottom => N::Bottom,
            OverlayAnchor::BottomRight => N::BottomRight,
        })
    }
}

impl From<Music> for core::MusicSpec {
    fn from(m: Music) -> Self {
        core::MusicSpec {
            path: PathBuf::from(m.path),
            offset: m.offset,
            volume: m.volume,
            fade_in: m.fade_in,
            fade_out: m.fade_out,
            repeat: m.repeat,
            duck: m.duck.map(|d| core::DuckSpec { amount_db: d.amount_db, attack: d.attack, release: d.release, threshold_db: d.threshold_db }),
        }
    }
}

impl From<Loudness> for core::LoudnessSpec {
    fn from(l: Loudness) -> Self {
        core::LoudnessSpec { normalize: l.normalize, target_lufs: l.target_lufs, true_peak_db: l.true_peak_db }
    }
}
