//! Grouping outputs into decode passes under a memory limit (recipe `max_memory_mb`).
//!
//! One pass feeding every output is fastest, but each live x264 encoder holds its lookahead and
//! reference pictures (about 56 MB per output megapixel with clipforge's settings), so three 1080p
//! outputs at once peak near 400 MB. Under a limit, outputs that do not fit together are encoded in
//! further passes over the same trimmed segment.

use super::OutputPlan;

/// The estimate, calibrated with GNU time on x264 (see docs/BENCHMARKS.md, "Memory limit"):
/// process, libraries and demuxing; the decoder's picture pool per source megapixel; per output a
/// worker (threads, queued frames) and its encoder (lookahead, references, our picture buffers) per
/// output megapixel.
const BASE_MB: f64 = 40.0;
const DECODER_MB_PER_MPIXEL: f64 = 35.0;
const OUTPUT_MB: f64 = 10.0;
const ENCODER_MB_PER_MPIXEL: f64 = 56.0;

/// Estimated peak memory, MB, of one pass decoding `source` and encoding `outputs`.
pub fn estimate_mb(source: (u32, u32), outputs: &[&OutputPlan]) -> f64 {
    let mpix = |w: u32, h: u32| f64::from(w) * f64::from(h) / 1e6;
    BASE_MB
        + DECODER_MB_PER_MPIXEL * mpix(source.0, source.1)
        + outputs.iter().map(|o| OUTPUT_MB + ENCODER_MB_PER_MPIXEL * mpix(o.width, o.height)).sum::<f64>()
}

/// Output indices per pass. Without a limit, one pass holds all. With one, first fit in recipe
/// order: an output that does not fit beside others gets a pass of its own, even if it alone is
/// over the limit (there is nothing smaller to run).
pub fn group(source: (u32, u32), outputs: &[OutputPlan], max_mb: Option<u32>) -> Vec<Vec<usize>> {
    let Some(max) = max_mb.map(f64::from) else { return vec![(0..outputs.len()).collect()] };
    let mut passes: Vec<Vec<usize>> = Vec::new();
    for i in 0..outputs.len() {
        let fits = |p: &Vec<usize>| {
            let with: Vec<&OutputPlan> = p.iter().chain([&i]).map(|&j| &outputs[j]).collect();
            estimate_mb(source, &with) <= max
        };
        match passes.iter_mut().find(|p| fits(p)) {
            Some(p) => p.push(i),
            None => passes.push(vec![i]),
        }
    }
    passes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipe::Recipe;

    /// The issue's three outputs (9:16 1920, 1:1 1080, 4:5 1350) from a 1080p source.
    fn issue_outputs() -> Vec<OutputPlan> {
        let json = r#"{ "version": 1, "source": "s.mp4", "loop": { "mode": "repeat", "duration": 6 }, "outputs": [
            { "path": "a.mp4", "aspect": "9:16", "height": 1920, "fit": "blur" },
            { "path": "b.mp4", "aspect": "1:1", "height": 1080, "fit": "crop" },
            { "path": "c.mp4", "aspect": "4:5", "height": 1350, "fit": "pad" } ] }"#;
        let r = Recipe::from_json(json, None).unwrap();
        let composition = super::super::Composition { clips: Vec::new(), length: 3.0, length_sum: String::new() };
        r.outputs.iter().enumerate().map(|(i, s)| super::super::output_plan(&r, s, i, &composition, 6.0).unwrap()).collect()
    }

    #[test]
    fn estimates_match_the_measured_peaks() {
        // Peak RSS measured with GNU time on the bench source: 233, 180, 198 MB alone; 409 MB together.
        let outs = issue_outputs();
        let one = |i: usize| estimate_mb((1920, 1080), &[&outs[i]]);
        for (i, measured) in [(0, 233.0), (1, 180.0), (2, 198.0)] {
            assert!((one(i) - measured).abs() < 12.0, "output {i}: estimate {} MB, measured {measured} MB", one(i));
        }
        let all = estimate_mb((1920, 1080), &outs.iter().collect::<Vec<_>>());
        assert!((all - 409.0).abs() < 15.0, "three outputs: estimate {all} MB, measured 409 MB");
    }

    #[test]
    fn a_limit_splits_outputs_into_passes_first_fit() {
        let outs = issue_outputs();
        let src = (1920, 1080);
        assert_eq!(group(src, &outs, None), vec![vec![0, 1, 2]]);
        assert_eq!(group(src, &outs, Some(450)), vec![vec![0, 1, 2]]);
        assert_eq!(group(src, &outs, Some(250)), vec![vec![0], vec![1], vec![2]]);
        // 9:16 and 1:1 together are over 300 MB; 1:1 and 4:5 fit.
        assert_eq!(group(src, &outs, Some(300)), vec![vec![0], vec![1, 2]]);
        // Below what any output needs alone: one pass each, nothing dropped.
        assert_eq!(group(src, &outs, Some(1)), vec![vec![0], vec![1], vec![2]]);
    }
}
