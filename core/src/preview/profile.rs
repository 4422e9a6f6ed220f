//! A viewer's taste: decayed averages of the embeddings of what they liked and skipped. Versioned
//! JSON that stays on the device, small enough to keep one per viewer.
//!
//! Version 2 (written): each vector as 1280 signed bytes in base64 with a power-of-two scale,
//! `{"version":2,"likes":1,"skips":0,"liked":{"exp":-9,"i8":"…"}}` — about 1.8 kB a vector, where
//! version 1's pretty-printed floats took 16–20 kB. A power-of-two scale makes the numbers exact
//! in `f32` and the encoding idempotent: the profile keeps its vectors at stored precision (7–8
//! bits of the largest component, far finer than what ranking can tell), so a saved and reloaded
//! profile equals the one saved. Version 1 (plain float arrays) still loads.

use std::path::Path;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::embed::{normalised, DIM};
use crate::error::{Error, ErrorKind, Result};

/// The version `to_json` writes; `from_json` reads it and every earlier one.
pub const PROFILE_VERSION: u32 = 2;
/// A new like/skip weighs at least this much: older taste fades instead of freezing.
const MIN_STEP: f32 = 0.2;
/// How much a skip pushes away, relative to a like's pull.
const SKIP_WEIGHT: f32 = 0.5;

/// Serialised as version 2 (see the module doc); deserialised from version 1 or 2.
#[derive(Debug, Clone, PartialEq)]
pub struct TasteProfile {
    pub version: u32,
    /// Decayed average of liked embeddings (empty until the first like).
    pub liked: Vec<f32>,
    pub likes: u32,
    /// Decayed average of skipped embeddings (empty until the first skip).
    pub skipped: Vec<f32>,
    pub skips: u32,
}

/// Version 1 on disk: the vectors as float arrays.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredV1 {
    #[allow(dead_code)]
    version: u32,
    #[serde(default)]
    liked: Vec<f32>,
    #[serde(default)]
    likes: u32,
    #[serde(default)]
    skipped: Vec<f32>,
    #[serde(default)]
    skips: u32,
}

/// Version 2 on disk: the vectors packed (absent while empty).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredV2 {
    version: u32,
    #[serde(default)]
    likes: u32,
    #[serde(default)]
    skips: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    liked: Option<Packed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    skipped: Option<Packed>,
}

/// A vector as `i8[k] · 2^exp`, the bytes in standard base64.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Packed {
    exp: i32,
    i8: String,
}

impl Serialize for TasteProfile {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let pack = |v: &[f32]| (!v.is_empty()).then(|| pack(v));
        StoredV2 { version: PROFILE_VERSION, likes: self.likes, skips: self.skips, liked: pack(&self.liked), skipped: pack(&self.skipped) }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for TasteProfile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        TasteProfile::from_value(value).map_err(|e| serde::de::Error::custom(e.message))
    }
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

    /// A profile saved by [`to_json`](Self::to_json) (version 2) or by an earlier build (version
    /// 1). Anything else is an `InvalidProfile` error saying what is wrong.
    pub fn from_json(text: &str) -> Result<TasteProfile> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| invalid(format!("not a clipforge taste profile: {e}")))?;
        Self::from_value(value)
    }

    fn from_value(value: serde_json::Value) -> Result<TasteProfile> {
        let version = value.get("version").and_then(serde_json::Value::as_u64);
        let field = |e: serde_json::Error| invalid(format!("not a clipforge taste profile: {e}"));
        let (liked, likes, skipped, skips) = match version {
            Some(1) => {
                let p: StoredV1 = serde_json::from_value(value).map_err(field)?;
                for (name, v) in [("liked", &p.liked), ("skipped", &p.skipped)] {
                    // Averages of unit vectors lie within [-1, 1]; far larger values (±3.4e38) would
                    // overflow to NaN scores.
                    if !v.is_empty() && (v.len() != DIM || v.iter().any(|x| !(x.is_finite() && x.abs() <= MAX_COMPONENT))) {
                        return Err(invalid(format!("'{name}' must hold {DIM} finite numbers between -{MAX_COMPONENT} and {MAX_COMPONENT}")));
                    }
                }
                (snapped(p.liked), p.likes, snapped(p.skipped), p.skips)
            }
            Some(2) => {
                let p: StoredV2 = serde_json::from_value(value).map_err(field)?;
                let unpack = |name: &str, p: Option<Packed>| p.map_or(Ok(Vec::new()), |p| unpack(&p).map_err(|e| invalid(format!("'{name}': {e}"))));
                (unpack("liked", p.liked)?, p.likes, unpack("skipped", p.skipped)?, p.skips)
            }
            Some(v) => return Err(invalid(format!("version {v} is not supported (this build reads versions 1 and {PROFILE_VERSION})"))),
            None => return Err(invalid("not a clipforge taste profile: it has no \"version\" number".into())),
        };
        Ok(TasteProfile { version: PROFILE_VERSION, liked, likes, skipped, skips })
    }

    /// Compact version-2 JSON (about 1.8 kB per non-empty vector).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a profile always serialises")
    }

    /// Reads a profile file; a damaged file is an `InvalidProfile` error naming it.
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

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidProfile, format!("taste profile: {message}"))
}

/// The power of two that scales `v`'s largest component into 64–127 (0 for an all-zero vector).
fn exponent(v: &[f32]) -> i32 {
    let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
    if max == 0.0 {
        return 0;
    }
    (max / 127.0).log2().ceil() as i32
}

fn pack(v: &[f32]) -> Packed {
    let exp = exponent(v);
    let bytes: Vec<u8> = v.iter().map(|x| ((x / 2f32.powi(exp)).round().clamp(-127.0, 127.0) as i8) as u8).collect();
    Packed { exp, i8: base64::engine::general_purpose::STANDARD.encode(bytes) }
}

fn unpack(p: &Packed) -> std::result::Result<Vec<f32>, String> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(&p.i8).map_err(|e| format!("the vector is not base64: {e}"))?;
    if bytes.len() != DIM {
        return Err(format!("the vector holds {} numbers, not {DIM}", bytes.len()));
    }
    if !(-160..=0).contains(&p.exp) {
        return Err(format!("scale exponent {} is out of range", p.exp));
    }
    Ok(bytes.into_iter().map(|b| f32::from(b as i8) * 2f32.powi(p.exp)).collect())
}

/// `v` at stored precision (what saving and loading gives back).
fn snapped(v: Vec<f32>) -> Vec<f32> {
    if v.is_empty() {
        return v;
    }
    unpack(&pack(&v)).expect("a packed vector unpacks")
}

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
    // Kept at stored precision, so a saved profile loads back equal.
    *avg = snapped(std::mem::take(avg));
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
        assert!((p.liked[0] - 0.5).abs() < 0.005 && (p.liked[1] - 0.5).abs() < 0.005, "{} {}", p.liked[0], p.liked[1]);
        for _ in 0..20 {
            p.like(&unit(2)).unwrap();
        }
        assert!(p.liked[2] > 0.95, "old likes fade: {}", p.liked[2]);
        p.skip(&unit(3)).unwrap();
        assert!(p.taste().unwrap()[3] < 0.0);
        assert_eq!(TasteProfile::from_json(&p.to_json()).unwrap(), p);
        assert!(p.like(&[1.0, 2.0]).is_err());
        assert_eq!(TasteProfile::from_json("{\"version\": 9}").unwrap_err().kind, ErrorKind::InvalidProfile);
    }

    /// A dense, realistic vector: a normalised mix of positive components (like pooled ReLU6 output).
    fn dense(seed: u32) -> Vec<f32> {
        normalised((0..DIM).map(|i| (((i as u32).wrapping_mul(2654435761) ^ seed) % 1000) as f32 / 1000.0).collect())
    }

    #[test]
    fn version_2_is_compact_exact_after_a_round_trip_and_close_to_the_floats() {
        let mut p = TasteProfile::new();
        p.like(&dense(1)).unwrap();
        p.like(&dense(2)).unwrap();
        p.skip(&dense(3)).unwrap();
        let json = p.to_json();
        assert!(json.len() < 4000, "{} bytes", json.len());
        assert!(json.starts_with("{\"version\":2,"), "{}", &json[..40]);
        let back = TasteProfile::from_json(&json).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.to_json(), json);
        // Stored precision: the taste direction moves by far less than ranking can notice.
        let exact = normalised(dense(1).iter().zip(dense(2)).map(|(a, b)| 0.5 * a + 0.5 * b).collect());
        let cos: f32 = exact.iter().zip(&normalised(back.liked.clone())).map(|(a, b)| a * b).sum();
        assert!(cos > 0.9999, "cosine to the unquantised average {cos}");
    }

    #[test]
    fn version_1_profiles_still_load() {
        let v = dense(5);
        let floats: Vec<String> = v.iter().map(|x| format!("{x}")).collect();
        let v1 = format!("{{\n  \"version\": 1,\n  \"liked\": [{}],\n  \"likes\": 3,\n  \"skipped\": [],\n  \"skips\": 0\n}}", floats.join(", "));
        let p = TasteProfile::from_json(&v1).unwrap();
        assert_eq!((p.version, p.likes, p.skips), (PROFILE_VERSION, 3, 0));
        assert!(p.liked.iter().zip(&v).all(|(a, b)| (a - b).abs() < 0.001));
        assert!(TasteProfile::from_json(&p.to_json()).unwrap() == p);
        for (bad, says) in [
            ("{\"version\":2,\"liked\":{\"exp\":-9,\"i8\":\"!!\"}}", "not base64"),
            ("{\"version\":2,\"liked\":{\"exp\":-9,\"i8\":\"AAAA\"}}", "holds 3 numbers"),
            ("{\"likes\":1}", "no \"version\""),
            ("{\"version\":1,\"liked\":[1.0]}", "1280 finite numbers"),
        ] {
            let e = TasteProfile::from_json(bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidProfile, "{bad}");
            assert!(e.message.contains(says), "{bad}: {}", e.message);
        }
    }
}
