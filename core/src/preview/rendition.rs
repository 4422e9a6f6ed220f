//! The preview loop as a feed-preview rendition, through the export engine: muted H.264 MP4,
//! short side 360, fast start, first frame a keyframe (the engine forces an IDR at frame 0).

use std::path::Path;

use ffmpeg_next as ff;

use crate::error::{Error, Result};
use crate::export::{export_with_mode, CancelToken, ExportMode, OutputReport};
use crate::recipe::Recipe;

pub const SHORT_SIDE: u32 = 360;
/// Bitrate that keeps a 3 s rendition under 200 kB with the container's overhead (~140 kB).
const BITRATE: u64 = 350_000;
/// Preview windows are 2–6 s: the engine's public 6 s minimum does not apply to them.
pub const MIN_SECONDS: f64 = 2.0;
pub const MAX_SECONDS: f64 = 6.0;

/// Exports `[start, end]` of `clip` (display size `w`x`h`, `fps`) to `out`. `opened`: `clip`
/// already opened by an earlier stage, read on from here.
pub fn export_window(
    clip: &Path,
    opened: Option<ff::format::context::Input>,
    (w, h): (u32, u32),
    fps: f64,
    (start, end): (f64, f64),
    out: &Path,
    cancel: &CancelToken,
) -> Result<OutputReport> {
    let even = |x: f64| ((x / 2.0).round() as u32 * 2).max(2);
    let (ow, oh) = if w <= h {
        (SHORT_SIDE.min(w & !1).max(2), even(f64::from(SHORT_SIDE.min(w)) * f64::from(h) / f64::from(w)))
    } else {
        (even(f64::from(SHORT_SIDE.min(h)) * f64::from(w) / f64::from(h)), SHORT_SIDE.min(h & !1).max(2))
    };
    let fps = if (1.0..30.0).contains(&fps) { fps } else { 30.0 };
    // Built as JSON so that fields other features add to the recipe keep their defaults.
    let json = serde_json::json!({
        "version": 1,
        "source": clip,
        "trim": { "start": start, "end": end },
        "audio": { "mute": true },
        "outputs": [{
            "path": out, "aspect": format!("{ow}:{oh}"), "width": ow, "height": oh, "fit": "crop",
            "fps": fps, "bitrate": BITRATE, "preset": "superfast"
        }]
    });
    let recipe = Recipe::from_json(&json.to_string(), None)?;
    // A 360p picture from (usually) 1080p: deblocking would not show after the shrink.
    let skip_deblocking = u64::from(ow) * u64::from(oh) * 9 <= u64::from(w) * u64::from(h);
    let mode = ExportMode { min_seconds: MIN_SECONDS, skip_deblocking };
    let mut reports = export_with_mode(&recipe, mode, opened, &|_| {}, cancel)?;
    reports.pop().ok_or_else(|| Error::internal("the preview export wrote no output"))
}
