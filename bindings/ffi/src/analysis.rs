//! `loop_points` and its records: the seamless-loop candidates of a clip, for a "make it loop"
//! button on an app's trim screen. Translation only (`clipforge::analysis::loop_points`); the
//! records use signed numbers (Kotlin `Int`/`Double`, Swift `Int32`/`Double`).

use std::path::Path;

use clipforge::analysis as core;

use crate::error::ClipforgeError;
use crate::guard::catch;

/// Where and what to search. Every field is optional; `null` takes the core's default.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct LoopSearch {
    /// Start of the range searched, seconds (default 0).
    #[uniffi(default)]
    pub start: Option<f64>,
    /// End of the range searched, seconds (default: the clip's end).
    #[uniffi(default)]
    pub end: Option<f64>,
    /// Shortest loop, seconds (default 2).
    #[uniffi(default)]
    pub min: Option<f64>,
    /// Longest loop, seconds (default 6).
    #[uniffi(default)]
    pub max: Option<f64>,
    /// Candidates returned, best first, 1–100 (default 5).
    #[uniffi(default)]
    pub count: Option<i32>,
    /// Seam crossfade the loop will get, seconds (default 0.3): each window keeps that much
    /// video before its start.
    #[uniffi(default)]
    pub crossfade: Option<f64>,
}

/// One candidate loop window.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LoopPoint {
    /// First frame's time, seconds.
    pub start: f64,
    /// End of the window (exclusive), seconds.
    pub end: f64,
    /// Ranking value in (0, 1], higher is better.
    pub score: f64,
    /// The seam's cost against the clip's typical frame-to-frame change (≈ 1 or less: invisible).
    pub seam: f64,
    /// Whether the seam should not show once crossfaded.
    pub seamless: bool,
}

impl TryFrom<LoopSearch> for core::LoopSearch {
    type Error = ClipforgeError;
    fn try_from(s: LoopSearch) -> Result<Self, ClipforgeError> {
        let d = core::LoopSearch::default();
        let count = match s.count {
            Some(c) => usize::try_from(c).map_err(|_| ClipforgeError::InvalidRecipe { message: format!("loop candidate count {c} must be 1–100") })?,
            None => d.count,
        };
        Ok(core::LoopSearch {
            start: s.start.unwrap_or(d.start),
            end: s.end.or(d.end),
            min: s.min.unwrap_or(d.min),
            max: s.max.unwrap_or(d.max),
            count,
            crossfade: s.crossfade.unwrap_or(d.crossfade),
        })
    }
}

impl From<core::LoopPoint> for LoopPoint {
    fn from(p: core::LoopPoint) -> Self {
        LoopPoint { start: p.start, end: p.end, score: p.score, seam: p.seam, seamless: p.seamless }
    }
}

/// The best loop windows of `clip`, best first. Blocking (about a second for 15 s of 1080p): call
/// it off the main thread. A clip with no good loop still gets its best window, `seamless` false.
#[uniffi::export]
pub fn loop_points(clip: String, search: Option<LoopSearch>) -> Result<Vec<LoopPoint>, ClipforgeError> {
    catch(|| {
        let s: core::LoopSearch = search.unwrap_or_default().try_into()?;
        let points = core::loop_points(Path::new(&clip), &s, &clipforge::CancelToken::new())?;
        Ok(points.into_iter().map(Into::into).collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_core_s_and_a_negative_count_is_refused() {
        let s: core::LoopSearch = LoopSearch::default().try_into().unwrap();
        assert_eq!(s, core::LoopSearch::default());
        let e = core::LoopSearch::try_from(LoopSearch { count: Some(-1), ..Default::default() }).unwrap_err();
        assert!(matches!(e, ClipforgeError::InvalidRecipe { .. }), "{e:?}");
        let e = loop_points("/nonexistent.mp4".into(), None).unwrap_err();
        assert!(matches!(e, ClipforgeError::Io { .. }), "{e:?}");
    }
}
