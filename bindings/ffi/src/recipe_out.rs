//! The core's recipe back to the typed records (the way out of `Template.render`, so an app can
//! inspect and tweak the expansion before `start_export`). Field by field, mirroring the
//! conversions in: a new core field stops the build here too.

use clipforge::captions::model as cap;
use clipforge::recipe as core;

use crate::captions::{Caption, CaptionPosition, CaptionStyle, ShadowOffset, StylePreset, SubtitlesSpec, TextAlign, WordTime};
use crate::composition::{Clip, Duck, Loudness, Motion, Music, Overlay, OverlayAnchor, Transition, TransitionKind};
use crate::convert::int;
use crate::error::ClipforgeError;
use crate::recipe::{AudioSpec, Fit, Link, LoopMode, LoopSpec, OutputSpec, Recipe, Trim};

impl TryFrom<&core::Recipe> for Recipe {
    type Error = ClipforgeError;

    fn try_from(r: &core::Recipe) -> Result<Self, ClipforgeError> {
        let path = |p: &std::path::Path| p.to_string_lossy().into_owned();
        let provenance = match &r.provenance {
            None => None,
            Some(p) if p.certificate_chain.is_some() || p.private_key.is_some() => {
                // The records carry the PEM text only; files would be read at export.
                return Err(ClipforgeError::InvalidRecipe { message: "provenance with certificate or key files has no typed form; pass the PEM text".into() });
            }
            Some(p) => Some(crate::provenance::Provenance {
                certificate_chain_pem: p.certificate_chain_pem.clone().map(String::into_bytes),
                private_key_pem: p.private_key_pem.clone().map(String::into_bytes),
                ephemeral: p.ephemeral,
                creator: p.creator.clone().map(|c| crate::provenance::Creator { name: c.name, identifier: c.identifier }),
            }),
        };
        Ok(Recipe {
            source: r.source.as_deref().map(path),
            clips: r.clips.as_ref().map(|c| c.iter().map(Clip::from).collect()),
            overlays: r.overlays.as_ref().map(|o| o.iter().map(Overlay::from).collect()),
            music: r.music.as_ref().map(Music::from),
            loudness: r.loudness.map(|l| Loudness { normalize: l.normalize, target_lufs: l.target_lufs, true_peak_db: l.true_peak_db }),
            trim: r.trim.map(trim),
            looping: r.looping.map(|l| LoopSpec {
                mode: match l.mode {
                    core::LoopMode::None => LoopMode::None,
                    core::LoopMode::Repeat => LoopMode::Repeat,
                    core::LoopMode::Boomerang => LoopMode::Boomerang,
                    core::LoopMode::Seamless => LoopMode::Seamless,
                },
                duration: l.duration,
                count: l.count.map(int),
                crossfade: l.crossfade,
            }),
            audio: r.audio.map(|a| AudioSpec { mute: a.mute }),
            outputs: r.outputs.iter().map(OutputSpec::from).collect(),
            captions: r.captions.as_ref().map(|c| c.iter().map(Caption::from).collect()),
            subtitles: r.subtitles.as_ref().map(SubtitlesSpec::from),
            max_memory_mb: r.max_memory_mb.map(int),
            strict_fonts: r.strict_fonts,
            provenance,
            upload_plan: r.upload_plan.map(|u| crate::upload::UploadPlanOptions { part_size: u.part_size.map(crate::convert::long) }),
            links: r.links.as_ref().map(|l| l.iter().map(Link::from).collect()),
            base_dir: r.base_dir.as_deref().map(path),
        })
    }
}

fn trim(t: core::Trim) -> Trim {
    Trim { start: t.start, end: t.end }
}

impl From<&core::OutputSpec> for OutputSpec {
    fn from(o: &core::OutputSpec) -> Self {
        OutputSpec {
            path: o.path.to_string_lossy().into_owned(),
            aspect: o.aspect.clone(),
            height: o.height.map(int),
            width: o.width.map(int),
            fit: Some(Fit::from(o.fit)),
            background: o.background.clone(),
            fps: o.fps,
            crf: o.crf.map(i32::from),
            bitrate: o.bitrate.map(crate::convert::long),
            preset: o.preset.clone(),
            encoder: o.encoder.clone(),
        }
    }
}

impl From<core::Fit> for Fit {
    fn from(f: core::Fit) -> Self {
        match f {
            core::Fit::Crop => Fit::Crop,
            core::Fit::Pad => Fit::Pad,
            core::Fit::Blur => Fit::Blur,
            core::Fit::Smart => Fit::Smart,
        }
    }
}

impl From<&core::LinkSpec> for Link {
    fn from(l: &core::LinkSpec) -> Self {
        Link {
            code: l.code.clone(),
            url: l.url.clone(),
            expires: l.expires.clone(),
            outputs: l.outputs.iter().map(|&i| i32::try_from(i).unwrap_or(i32::MAX)).collect(),
        }
    }
}

impl From<&core::ClipSpec> for Clip {
    fn from(c: &core::ClipSpec) -> Self {
        Clip {
            source: c.source.to_string_lossy().into_owned(),
            trim: c.trim.map(trim),
            duration: c.duration,
            speed: c.speed,
            volume: c.volume,
            mute: c.mute,
            fit: c.fit.map(Fit::from),
            motion: c.motion.map(|m| match m {
                core::Motion::None => Motion::None,
                core::Motion::ZoomIn => Motion::ZoomIn,
                core::Motion::ZoomOut => Motion::ZoomOut,
                core::Motion::PanLeft => Motion::PanLeft,
                core::Motion::PanRight => Motion::PanRight,
            }),
            transition: c.transition.map(|t| Transition {
                kind: match t.kind {
                    core::TransitionKind::Cut => TransitionKind::Cut,
                    core::TransitionKind::Crossfade => TransitionKind::Crossfade,
                    core::TransitionKind::DipToBlack => TransitionKind::DipToBlack,
                    core::TransitionKind::DipToWhite => TransitionKind::DipToWhite,
                    core::TransitionKind::SlideLeft => TransitionKind::SlideLeft,
                    core::TransitionKind::SlideRight => TransitionKind::SlideRight,
                    core::TransitionKind::SlideUp => TransitionKind::SlideUp,
                    core::TransitionKind::SlideDown => TransitionKind::SlideDown,
                    core::TransitionKind::WipeLeft => TransitionKind::WipeLeft,
                    core::TransitionKind::WipeRight => TransitionKind::WipeRight,
                },
                duration: t.duration,
            }),
            subtitles: c.subtitles.as_ref().map(SubtitlesSpec::from),
        }
    }
}

impl From<&core::OverlaySpec> for Overlay {
    fn from(o: &core::OverlaySpec) -> Self {
        use core::NamedAnchor as N;
        Overlay {
            image: o.image.to_string_lossy().into_owned(),
            start: o.start,
            end: o.end,
            anchor: o.anchor.map(|a| match a {
                core::Anchor::At { x, y } => OverlayAnchor::At { x, y },
                core::Anchor::Named(n) => match n {
                    N::TopLeft => OverlayAnchor::TopLeft,
                    N::Top => OverlayAnchor::Top,
                    N::TopRight => OverlayAnchor::TopRight,
                    N::Left => OverlayAnchor::Left,
                    N::Center => OverlayAnchor::Center,
                    N::Right => OverlayAnchor::Right,
                    N::BottomLeft => OverlayAnchor::BottomLeft,
                    N::Bottom => OverlayAnchor::Bottom,
                    N::BottomRight => OverlayAnchor::BottomRight,
                },
            }),
            width: o.width,
            opacity: o.opacity,
            fade_in: o.fade_in,
            fade_out: o.fade_out,
            outputs: o.outputs.as_ref().map(|v| v.iter().map(|&i| u32::try_from(i).unwrap_or(u32::MAX)).collect()),
        }
    }
}

impl From<&core::MusicSpec> for Music {
    fn from(m: &core::MusicSpec) -> Self {
        Music {
            path: m.path.to_string_lossy().into_owned(),
            offset: m.offset,
            volume: m.volume,
            fade_in: m.fade_in,
            fade_out: m.fade_out,
            repeat: m.repeat,
            duck: m.duck.map(|d| Duck { amount_db: d.amount_db, attack: d.attack, release: d.release, threshold_db: d.threshold_db }),
        }
    }
}

impl From<&cap::Caption> for Caption {
    fn from(c: &cap::Caption) -> Self {
        Caption {
            text: c.text.clone(),
            start: c.start,
            end: c.end,
            style: c.style.as_ref().map(CaptionStyle::from),
            position: c.position.map(CaptionPosition::from),
            words: c.words.as_ref().map(|w| w.iter().map(|w| WordTime { start: w.start, end: w.end }).collect()),
            fade_in: c.fade_in,
            fade_out: c.fade_out,
            pop: c.pop,
        }
    }
}

impl From<&cap::SubtitlesSpec> for SubtitlesSpec {
    fn from(s: &cap::SubtitlesSpec) -> Self {
        SubtitlesSpec {
            path: s.path.to_string_lossy().into_owned(),
            style: s.style.as_ref().map(CaptionStyle::from),
            position: s.position.map(CaptionPosition::from),
            fade_in: s.fade_in,
            fade_out: s.fade_out,
        }
    }
}

fn preset(p: cap::Preset) -> StylePreset {
    match p {
        cap::Preset::BoldOutline => StylePreset::BoldOutline,
        cap::Preset::Box => StylePreset::Box,
        cap::Preset::Shadow => StylePreset::Shadow,
        cap::Preset::Plain => StylePreset::Plain,
    }
}

impl From<&cap::StyleSpec> for CaptionStyle {
    fn from(s: &cap::StyleSpec) -> Self {
        let f = match s {
            cap::StyleSpec::Preset(p) => return CaptionStyle { preset: Some(preset(*p)), ..Default::default() },
            cap::StyleSpec::Custom(f) => f,
        };
        CaptionStyle {
            preset: Some(preset(f.preset)),
            font: f.font.as_ref().map(|p| p.to_string_lossy().into_owned()),
            size: f.size,
            bold: f.bold,
            color: f.color.clone(),
            highlight_color: f.highlight_color.clone(),
            stroke_width: f.stroke_width,
            stroke_color: f.stroke_color.clone(),
            shadow_color: f.shadow_color.clone(),
            shadow_offset: f.shadow_offset.map(|[x, y]| ShadowOffset { x, y }),
            shadow_blur: f.shadow_blur,
            background: f.background.clone(),
            padding: f.padding,
            corner_radius: f.corner_radius,
            align: f.align.map(|a| match a {
                cap::Align::Left => TextAlign::Left,
                cap::Align::Center => TextAlign::Center,
                cap::Align::Right => TextAlign::Right,
            }),
            max_width: f.max_width,
            line_spacing: f.line_spacing,
        }
    }
}

impl From<cap::Position> for CaptionPosition {
    fn from(p: cap::Position) -> Self {
        match p {
            cap::Position::Named(cap::NamedPosition::Top) => CaptionPosition::Top,
            cap::Position::Named(cap::NamedPosition::Center) => CaptionPosition::Center,
            cap::Position::Named(cap::NamedPosition::Bottom) => CaptionPosition::Bottom,
            cap::Position::At { x, y } => CaptionPosition::At { x, y },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every recipe the built-in templates expand to survives core → records → core unchanged.
    #[test]
    fn template_recipes_round_trip_through_the_records() {
        let json = r##"{ "version": 2, "clips": [ { "source": "a.mp4", "trim": { "start": 0.5, "end": 3.0 },
            "motion": "zoom-in", "transition": { "kind": "crossfade", "duration": 0.6 }, "mute": true } ],
            "loop": { "mode": "repeat", "duration": 6.0 },
            "outputs": [ { "path": "x-9x16.mp4", "aspect": "9:16", "height": 960 }, { "path": "x-16x9.mp4", "aspect": "16:9", "fit": "blur" } ],
            "captions": [ { "text": "Hi", "start": 0, "end": 4, "style": { "preset": "box", "size": 0.05 }, "position": { "x": 0.5, "y": 0.16 }, "pop": true },
                          { "text": "Yo", "start": 1, "end": 2, "style": "shadow", "position": "bottom", "fade_in": 0.3 } ],
            "overlays": [ { "image": "card.png", "start": 4, "end": 6, "anchor": { "x": 0.72, "y": 0.56 }, "width": 0.46, "fade_in": 0.25, "outputs": [1] },
                          { "image": "logo.png", "anchor": "top-right", "width": 0.2 } ],
            "links": [ { "code": "abc", "url": "https://x.example/?utm_content=16x9", "expires": "2026-12-13T18:00", "outputs": [1] } ] }"##;
        let core = clipforge::Recipe::from_json(json, Some(std::path::Path::new("/tmp/w"))).unwrap();
        let typed = Recipe::try_from(&core).unwrap();
        let back = clipforge::Recipe::try_from(typed.clone()).unwrap();
        assert_eq!(back.clips, core.clips);
        assert_eq!(back.captions, core.captions);
        assert_eq!(back.overlays, core.overlays);
        assert_eq!(back.links, core.links);
        assert_eq!(back.looping, core.looping);
        assert_eq!(back.outputs, core.outputs);
        assert_eq!(back.base_dir, core.base_dir);
        assert_eq!(typed.links.as_ref().unwrap()[0].outputs, vec![1]);
    }
}
