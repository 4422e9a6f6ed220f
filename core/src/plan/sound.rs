//! The audio track, resolved: whether the clips' own sound is used, the music bed with its
//! ducking, and the loudness target.

use std::path::PathBuf;

use super::composition::Composition;
use crate::error::{Error, Result};
use crate::recipe::Recipe;

#[derive(Debug, Clone)]
pub struct SoundPlan {
    pub music: Option<MusicPlan>,
    /// Normalise the final mix to this; `None` leaves it as mixed (version 1, or `normalize: false`).
    pub loudness: Option<LoudnessTarget>,
}

#[derive(Debug, Clone)]
pub struct MusicPlan {
    pub path: PathBuf,
    pub offset: f64,
    pub gain: f32,
    pub fade_in: f64,
    pub fade_out: f64,
    pub repeat: bool,
    pub duck: Option<DuckPlan>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DuckPlan {
    pub amount_db: f64,
    pub attack: f64,
    pub release: f64,
    pub threshold_db: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoudnessTarget {
    pub lufs: f64,
    pub true_peak_db: f64,
}

pub const DEFAULT_TARGET: LoudnessTarget = LoudnessTarget { lufs: -14.0, true_peak_db: -1.0 };

impl SoundPlan {
    /// `None` when there is nothing to hear (or `audio.mute`): the outputs get no audio track.
    pub fn new(recipe: &Recipe, composition: &Composition) -> Result<Option<SoundPlan>> {
        if recipe.audio.and_then(|a| a.mute) == Some(true) {
            return Ok(None);
        }
        let music = recipe.music.as_ref().map(|m| music_plan(recipe, m)).transpose()?;
        if music.is_none() && !composition.any_audio() {
            return Ok(None);
        }
        let loudness = match (recipe.version, recipe.loudness) {
            (1, _) => None,
            (_, None) => Some(DEFAULT_TARGET),
            (_, Some(l)) if l.normalize == Some(false) => None,
            (_, Some(l)) => {
                let lufs = l.target_lufs.unwrap_or(DEFAULT_TARGET.lufs);
                let tp = l.true_peak_db.unwrap_or(DEFAULT_TARGET.true_peak_db);
                if !(lufs.is_finite() && (-40.0..=-5.0).contains(&lufs)) {
                    return Err(Error::invalid(format!("loudness.target_lufs {lufs} must be −40…−5")));
                }
                if !(tp.is_finite() && (-9.0..=0.0).contains(&tp)) {
                    return Err(Error::invalid(format!("loudness.true_peak_db {tp} must be −9…0")));
                }
                Some(LoudnessTarget { lufs, true_peak_db: tp })
            }
        };
        Ok(Some(SoundPlan { music, loudness }))
    }
}

fn music_plan(recipe: &Recipe, m: &crate::recipe::MusicSpec) -> Result<MusicPlan> {
    let bad = |what: String| Error::invalid(format!("music: {what}"));
    let seconds = |v: Option<f64>, name: &str, max: f64| -> Result<f64> {
        let x = v.unwrap_or(0.0);
        if !(x.is_finite() && (0.0..=max).contains(&x)) {
            return Err(bad(format!("{name} {x} must be 0–{max} seconds")));
        }
        Ok(x)
    };
    let volume = m.volume.unwrap_or(1.0);
    if !(volume.is_finite() && (0.0..=4.0).contains(&volume)) {
        return Err(bad(format!("volume {volume} must be 0–4")));
    }
    let duck = match m.duck {
        None => None,
        Some(d) => {
            let amount_db = d.amount_db.unwrap_or(-12.0);
            if !(amount_db.is_finite() && (-40.0..=0.0).contains(&amount_db)) {
                return Err(bad(format!("duck.amount_db {amount_db} must be −40…0")));
            }
            let threshold_db = d.threshold_db.unwrap_or(-45.0);
            if !(threshold_db.is_finite() && (-90.0..=0.0).contains(&threshold_db)) {
                return Err(bad(format!("duck.threshold_db {threshold_db} must be −90…0")));
            }
            Some(DuckPlan {
                amount_db,
                attack: seconds(d.attack.or(Some(0.1)), "duck.attack", 5.0)?.max(0.001),
                release: seconds(d.release.or(Some(0.4)), "duck.release", 10.0)?.max(0.001),
                threshold_db,
            })
        }
    };
    Ok(MusicPlan {
        path: recipe.resolve(&m.path),
        offset: seconds(m.offset, "offset", 24.0 * 3600.0)?,
        gain: volume as f32,
        fade_in: seconds(m.fade_in, "fade_in", 30.0)?,
        fade_out: seconds(m.fade_out, "fade_out", 30.0)?,
        repeat: m.repeat.unwrap_or(true),
        duck,
    })
}
