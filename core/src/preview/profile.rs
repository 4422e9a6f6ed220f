//! A viewer's taste: decayed averages of the embeddings of what they liked and skipped. Plain
//! versioned JSON that stays on the device.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::embed::{normalised, DIM};
use crate::error::{Error, Result};

pub const PROFILE_VERSION: u32 = 1;
/// A new like/skip weighs at least this much: older taste fades instead of freezing.
const MIN_STEP: f32 = 0.2;
/// How much a skip pushes away, relative to a like's pull.
const SKIP_WEIGHT: f32 = 0.5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TasteProfile {
    pub version: u32,
    /// Decayed average of liked embeddings (empty until the first like).
    #[serde(default)]
    pub liked: Vec<f32>,
    #[serde(default)]
    pub likes: u32,
    /// Decayed average of skipped embeddings (empty until the first skip).
    #[serde(default)]
    pub skipped: Vec<f32>,
    #[serde(default)]
    pub skips: u32,
}

impl Default for TasteProfile {
    fn default() -> Self {
        TasteProfile { version: PROFILE_VERSION, liked: Vec::new(), likes: 0, skipped: Vec::new(), skips: 0 }
    }
}

impl TasteProfile {
    pub fn new() -> Self {
        Self::default()
    }

    /// Nothing liked or skipped yet: ranking falls back to picture quality alone.
    pub fn is_cold(&self) -> bool {
        self.liked.is_empty() && self.skipped.is_empty()
    }

    pub fn like(&mut self, embedding: &[f32]) -> Result<()> {
        check_dim(embedding)?;
        update(&mut self.liked, &mut self.likes, embedding);
        Ok(())
    }

    pub fn skip(&mut self, embedding: &[f32]) -> Result<()> {
        check_dim(embedding)?;
        update(&mut self.skipped, &mut self.skips, embedding);
        Ok(())
    }

    /// The direction the viewer leans to (liked minus half skipped), unit length; None when cold.
    pub fn taste(&self) -> Option<Vec<f32>> {
        let mut t = vec![0f32; DIM];
        if !self.liked.is_empty() {
            t.iter_mut().zip(&self.liked).for_each(|(t, l)| *t += l);
        }
        if !self.skipped.is_empty() {
            t.iter_mut().zip(&self.skipped).for_each(|(t, s)| *t -= SKIP_WEIGHT * s);
        }
        (!self.is_cold()).then(|| normalised(t))
    }

    pub fn from_json(text: &str) -> Result<TasteProfile> {
        let p: TasteProfile = serde_json::from_str(text)
            .map_err(|e| Error::invalid(format!("not a clipforge taste profile: {e}")))?;
        if p.version != PROFILE_VERSION {
            return Err(Error::invalid(format!(
                "taste profile version {} is not supported (this build reads version {PROFILE_VERSION})",
                p.version
            )));
        }
        for (name, v) in [("liked", &p.liked), ("skipped", &p.skipped)] {
            // Averages of unit vectors lie within [-1, 1]; far larger values (±3.4e38) would
            // overflow to NaN scores.
            if !v.is_empty() && (v.len() != DIM || v.iter().any(|x| !(x.is_finite() && x.abs() <= MAX_COMPONENT))) {
                return Err(Error::invalid(format!("taste profile: '{name}' must hold {DIM} numbers between -{MAX_COMPONENT} and {MAX_COMPONENT}")));
            }
        }
        Ok(p)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a profile always serialises")
    }

    /// Reads a profile file; a damaged file is an `InvalidRecipe` error naming it.
    pub fn load(path: &Path) -> Result<TasteProfile> {
        let text = crate::files::read_text_capped(path, crate::files::MAX_PROFILE_BYTES, "taste profile")?;
        Self::from_json(&text).map_err(|e| Error::new(e.kind, format!("{}: {}", path.display(), e.message)))
    }

    /// [`load`](Self::load), or a new empty profile when the file does not exist.
    pub fn load_or_new(path: &Path) -> Result<TasteProfile> {
        match path.try_exists() {
            Ok(false) => Ok(Self::new()),
            _ => Self::load(path),
        }
    }

    /// Writes the profile atomically (temporary file beside it, then rename).
    pub fn save(&self, path: &Path) -> Result<()> {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io_at(dir, e))?;
        std::io::Write::write_all(&mut tmp, self.to_json().as_bytes()).map_err(|e| Error::io_at(path, e))?;
        tmp.persist(path).map_err(|e| Error::io_at(path, e.error))?;
        Ok(())
    }
}

/// Largest magnitude accepted in a stored profile or a given embedding.
const MAX_COMPONENT: f32 = 16.0;

fn check_dim(v: &[f32]) -> Result<()> {
    if v.len() != DIM || v.iter().any(|x| !(x.is_finite() && x.abs() <= MAX_COMPONENT)) {
        return Err(Error::invalid(format!("an embedding must hold {DIM} finite numbers, got {}", v.len())));
    }
    Ok(())
}

/// avg ← (1−a)·avg + a·new with a = max(1/(n+1), MIN_STEP): a plain mean for the first few,
/// an exponential decay after.
fn update(avg: &mut Vec<f32>, count: &mut u32, new: &[f32]) {
    let new = normalised(new.to_vec());
    if avg.is_empty() {
        *avg = new;
    } else {
        let a = (1.0 / (*count as f32 + 1.0)).max(MIN_STEP);
        avg.iter_mut().zip(&new).for_each(|(x, n)| *x = (1.0 - a) * *x + a * n);
    }
    *count = count.saturating_add(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(i: usize) -> Vec<f32> {
        let mut v = vec![0.0; DIM];
        v[i] = 1.0;
        v
    }

    #[test]
    fn likes_average_then_decay_and_round_trip() {
        let mut p = TasteProfile::new();
        assert!(p.is_cold() && p.taste().is_none());
        p.like(&unit(0)).unwrap();
        p.like(&unit(1)).unwrap();
        assert!((p.liked[0] - 0.5).abs() < 1e-6 && (p.liked[1] - 0.5).abs() < 1e-6);
        for _ in 0..20 {
            p.like(&unit(2)).unwrap();
        }
        assert!(p.liked[2] > 0.95, "old likes fade: {}", p.liked[2]);
        p.skip(&unit(3)).unwrap();
        assert!(p.taste().unwrap()[3] < 0.0);
        assert_eq!(TasteProfile::from_json(&p.to_json()).unwrap(), p);
        assert!(p.like(&[1.0, 2.0]).is_err());
        assert!(TasteProfile::from_json("{\"version\": 9}").is_err());
    }
}
