//! The recipe: the single, serialisable description of an edit. Paths are relative to the recipe
//! file. Version 1 is one clip (`source`, `trim`); version 2 is a timeline (`clips`, with
//! transitions, stills and speed) plus `overlays`, `music` and `loudness`.

mod layers;
pub mod links;
mod timeline;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use layers::{Anchor, DuckSpec, LoudnessSpec, MusicSpec, NamedAnchor, OverlaySpec};
pub use links::LinkSpec;
pub use timeline::{ClipSpec, Motion, TransitionKind, TransitionSpec};

/// The newest recipe version this build reads (it reads every version from 1).
pub const RECIPE_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    pub version: u32,
    /// Version 1: the one source video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<PathBuf>,
    /// Version 1: the part of `source` used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trim: Option<Trim>,
    /// Version 2: the timeline, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clips: Option<Vec<ClipSpec>>,
    #[serde(default, rename = "loop", skip_serializing_if = "Option::is_none")]
    pub looping: Option<LoopSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<AudioSpec>,
    pub outputs: Vec<OutputSpec>,
    /// Captions in output time (see `captions::model`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captions: Option<Vec<crate::captions::model::Caption>>,
    /// An SRT/WebVTT file whose cues are in source time, carried through trim and loop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitles: Option<crate::captions::model::SubtitlesSpec>,
    /// Version 2: images over the picture, in output time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlays: Option<Vec<OverlaySpec>>,
    /// Version 2: a song under the whole clip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub music: Option<MusicSpec>,
    /// Version 2: loudness normalisation of the final mix (on by default in version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loudness: Option<LoudnessSpec>,
    /// Peak memory to aim for, in MB. Outputs that would not fit together are encoded in further
    /// decode passes (see `plan::decode_passes`); unset, every output comes from one pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_memory_mb: Option<u32>,
    /// Sign every output with a C2PA manifest (see `provenance`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<crate::provenance::ProvenanceSpec>,
    /// Write each output's upload plan beside it as `<name>.upload.json` (see `upload`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_plan: Option<crate::upload::UploadPlanSpec>,
    /// `true`: captions with characters no registered font has fail with `MissingGlyphs` instead
    /// of being exported with empty boxes (and listed in each report's `missing_glyphs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict_fonts: Option<bool>,
    /// Links the outputs show (a template's QR end card): each output that shows one gets
    /// `<name>.links.json` beside it, committed with the videos (see `links`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<LinkSpec>>,
    /// Directory that relative paths are resolved against (the recipe file's folder).
    #[serde(skip)]
    pub base_dir: Option<PathBuf>,
    /// The file the recipe was read from, if any: an input like the source, never overwritten.
    #[serde(skip)]
    pub recipe_file: Option<PathBuf>,
}

/// Segment of the source to use, in seconds of source time. `end` defaults to the source's end.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trim {
    #[serde(default)]
    pub start: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LoopMode {
    /// The trimmed segment plays once.
    #[default]
    None,
    /// The trimmed segment repeats; the last pass is cut to fit.
    Repeat,
    /// Forward then reversed, repeated.
    Boomerang,
    /// The best loop window inside the trimmed segment (`analysis::loop_points`), repeated with
    /// its seam crossfaded away; the export rewrites it into a repeat (see `plan::seamless`).
    Seamless,
}

impl LoopMode {
    pub fn name(self) -> &'static str {
        match self {
            LoopMode::None => "none",
            LoopMode::Repeat => "repeat",
            LoopMode::Boomerang => "boomerang",
            LoopMode::Seamless => "seamless",
        }
    }
}

impl std::fmt::Display for LoopMode {
    /// The recipe's own word for the mode (messages must not show Rust names).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoopSpec {
    #[serde(default)]
    pub mode: LoopMode,
    /// Target length of the finished clip in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    /// Alternative to `duration`: number of passes (boomerang: forward+back cycles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Seamless only: seconds of crossfade baked into the seam, 0–2 (default 0.3; 0: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crossfade: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AudioSpec {
    /// `true` drops the audio track. Default: muted for boomerang, kept otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fit {
    /// Fill the frame, cutting the overflow (centred).
    #[default]
    Crop,
    /// Fit inside, bars in `background`.
    Pad,
    /// Fit inside, bars filled with a blurred, darkened copy of the frame.
    Blur,
    /// Fill the frame like `Crop`, the window following the subject (faces, else salient
    /// regions; centred where nothing is found). Needs the subject models registered
    /// (`analysis::register_subject_models`).
    Smart,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    pub path: PathBuf,
    /// `"W:H"`, e.g. "9:16", "1:1", "4:5", "16:9".
    pub aspect: String,
    /// Output height in pixels; with `width` absent the width follows from `aspect`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default)]
    pub fit: Fit,
    /// `#RRGGBB` for `pad` bars. Default black.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<String>,
    /// Constant output frame rate. Default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fps: Option<f64>,
    /// x264-style constant rate factor (0–51). Default 23 unless `bitrate` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crf: Option<u8>,
    /// Target video bitrate in bits per second (alternative to `crf`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bitrate: Option<u64>,
    /// Encoder speed preset (x264 names). Default "veryfast".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// FFmpeg encoder name. Default "libx264"; e.g. "h264_mediacodec", "h264_videotoolbox".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoder: Option<String>,
}

impl Recipe {
    /// Parses recipe JSON; relative paths resolve against `base_dir`.
    pub fn from_json(json: &str, base_dir: Option<&Path>) -> Result<Recipe> {
        if json.len() as u64 > crate::files::MAX_RECIPE_BYTES {
            return Err(Error::limit(format!("the recipe is {} bytes; at most {}", json.len(), crate::files::MAX_RECIPE_BYTES)));
        }
        let mut recipe: Recipe = serde_json::from_str(json)
            .map_err(|e| Error::invalid(format!("recipe is not valid recipe JSON: {e}")))?;
        recipe.check_version()?;
        recipe.base_dir = base_dir.map(Path::to_path_buf);
        Ok(recipe)
    }

    /// The recipe as JSON (paths as they are; `base_dir` is not part of it).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Version 1 and version 2 fields are not mixed.
    pub fn check_version(&self) -> Result<()> {
        let v2_only = [
            ("clips", self.clips.is_some()),
            ("overlays", self.overlays.is_some()),
            ("music", self.music.is_some()),
            ("loudness", self.loudness.is_some()),
        ];
        match self.version {
            1 => {
                if let Some((name, _)) = v2_only.iter().find(|f| f.1) {
                    return Err(Error::invalid(format!("'{name}' needs \"version\": 2 (this recipe is version 1)")));
                }
                if self.source.is_none() {
                    return Err(Error::invalid("a version 1 recipe needs 'source'"));
                }
                Ok(())
            }
            2 => {
                for (name, set) in [("source", self.source.is_some()), ("trim", self.trim.is_some()), ("subtitles", self.subtitles.is_some())] {
                    if set {
                        return Err(Error::invalid(format!(
                            "'{name}' is a version 1 field; in version 2 it belongs to an entry of 'clips'"
                        )));
                    }
                }
                if self.clips.as_ref().is_none_or(Vec::is_empty) {
                    return Err(Error::invalid("a version 2 recipe needs at least one entry in 'clips'"));
                }
                Ok(())
            }
            v => Err(Error::invalid(format!("recipe version {v} is not supported (this build reads versions 1 and {RECIPE_VERSION})"))),
        }
    }

    /// The timeline's clips: version 2's `clips`, or version 1's source as the one clip.
    /// Whether some output or clip asks for `fit` (e.g. `Fit::Smart`, which needs its models).
    pub fn uses_fit(&self, fit: Fit) -> bool {
        self.outputs.iter().any(|o| o.fit == fit) || self.timeline_clips().iter().any(|c| c.fit == Some(fit))
    }

    pub fn timeline_clips(&self) -> Vec<ClipSpec> {
        match (&self.clips, &self.source) {
            (Some(c), _) => c.clone(),
            (None, Some(source)) => vec![ClipSpec {
                source: source.clone(),
                trim: self.trim,
                duration: None,
                speed: None,
                volume: None,
                mute: None,
                fit: None,
                motion: None,
                transition: None,
                subtitles: self.subtitles.clone(),
            }],
            (None, None) => Vec::new(),
        }
    }

    /// Reads a recipe file; its folder becomes the base for relative paths.
    pub fn from_file(path: &Path) -> Result<Recipe> {
        let text = crate::files::read_text_capped(path, crate::files::MAX_RECIPE_BYTES, "recipe")?;
        let dir = path.parent().map(|p| if p.as_os_str().is_empty() { Path::new(".") } else { p });
        let mut recipe = Recipe::from_json(&text, dir)?;
        recipe.recipe_file = Some(path.to_path_buf());
        Ok(recipe)
    }

    /// Every file an export of this recipe reads besides writing its outputs: the source, the
    /// recipe file, subtitles and caption fonts (resolved). None of them may be overwritten.
    pub fn input_files(&self) -> Vec<PathBuf> {
        use crate::captions::model::StyleSpec;
        let mut v: Vec<PathBuf> = self.recipe_file.iter().cloned().collect();
        let font = |s: &Option<StyleSpec>| match s {
            Some(StyleSpec::Custom(f)) => f.font.clone(),
            _ => None,
        };
        for c in self.captions.iter().flatten() {
            v.extend(font(&c.style).map(|p| self.resolve(&p)));
        }
        for clip in self.timeline_clips() {
            v.push(self.resolve(&clip.source));
            if let Some(s) = &clip.subtitles {
                v.push(self.resolve(&s.path));
                v.extend(font(&s.style).map(|p| self.resolve(&p)));
            }
        }
        v.extend(self.overlays.iter().flatten().map(|o| self.resolve(&o.image)));
        v.extend(self.music.iter().map(|m| self.resolve(&m.path)));
        v
    }

    /// `p` resolved against the recipe's folder.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        match &self.base_dir {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_path_buf(),
        }
    }
}
