//! Which frames subject analysis looks at, cheapest first: every keyframe in the range (a keyframe
//! decodes alone, and encoders put one at most scene cuts), plus in-between frames only where
//! keyframes are further apart than the interval. A GOP with no in-between target is decoded
//! keyframe only; the others reference frames only. Without a container index (MPEG-TS, AVI),
//! a plain grid every `interval` seconds, reference frames only.

use crate::source::video::DecodeOnly;

/// Times within this of each other are the same frame (a frame or two of B-frame reordering).
const SAME: f64 = 0.07;

#[derive(Debug, Clone, PartialEq)]
pub struct SamplePlan {
    /// Sample times in order: keyframes and fill times.
    targets: Vec<f64>,
    /// The fill times alone (frames that need more than keyframes decoded).
    fills: Vec<f64>,
    /// Keyframe times from the index, sorted; `None`: no index.
    keys: Option<Vec<f64>>,
    /// Index into `targets` of the next one to take.
    next: usize,
}

impl SamplePlan {
    /// For the range [start, end] (`end` = the last frame's time), `interval` the largest gap.
    pub fn new(start: f64, end: f64, interval: f64, keys: Option<Vec<f64>>) -> SamplePlan {
        let grid = |a: f64, b: f64| -> Vec<f64> {
            // Points strictly between a and b, evenly spaced, at most `interval` apart.
            let n = ((b - a) / interval - 1e-9).ceil().max(1.0) as usize;
            (1..n).map(|k| a + (b - a) * k as f64 / n as f64).collect()
        };
        let Some(mut keys) = keys else {
            let mut targets = vec![start];
            targets.extend(grid(start, end));
            if end - start > SAME {
                targets.push(end);
            }
            return SamplePlan { fills: targets.clone(), targets, keys: None, next: 0 };
        };
        keys.sort_by(f64::total_cmp);
        let inside: Vec<f64> = keys.iter().copied().filter(|&k| k > start - SAME && k <= end + SAME).collect();
        // Anchors: the range's first frame (unless a keyframe), its keyframes, its last frame.
        let mut anchors: Vec<(f64, bool)> = Vec::new();
        if inside.first().is_none_or(|&k| k - start > SAME) {
            anchors.push((start, false));
        }
        anchors.extend(inside.iter().map(|&k| (k, true)));
        if anchors.last().is_none_or(|&(t, _)| end - t > interval) {
            anchors.push((end, false));
        }
        let (mut targets, mut fills) = (Vec::new(), Vec::new());
        for (i, &(t, key)) in anchors.iter().enumerate() {
            targets.push(t);
            if !key {
                fills.push(t);
            }
            if let Some(&(next, _)) = anchors.get(i + 1) {
                let g = grid(t, next);
                fills.extend(&g);
                targets.extend(g);
            }
        }
        SamplePlan { targets, fills, keys: Some(keys), next: 0 }
    }

    /// What to decode through the GOP whose keyframe shows at `key`: keyframes only unless a fill
    /// target lies inside it.
    pub fn gop_decode(&self, key: f64) -> DecodeOnly {
        let Some(keys) = &self.keys else { return DecodeOnly::References };
        let next_key = keys.iter().copied().find(|&k| k > key + SAME).unwrap_or(f64::INFINITY);
        if self.fills.iter().any(|&f| f > key - SAME && f < next_key - SAME / 2.0) {
            DecodeOnly::References
        } else {
            DecodeOnly::Keyframes
        }
    }

    /// Whether a frame shown at `t` is the next sample.
    pub fn wants(&self, t: f64) -> bool {
        self.targets.get(self.next).is_some_and(|&target| t >= target - SAME / 2.0)
    }

    /// The frame at `t` was taken: move past every target it stands for.
    pub fn took(&mut self, t: f64) {
        while self.targets.get(self.next).is_some_and(|&target| target <= t + SAME / 2.0) {
            self.next += 1;
        }
    }

    pub fn len(&self) -> usize {
        self.targets.len()
    }
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyframes_a_second_apart_are_enough_for_a_one_second_interval() {
        let keys: Vec<f64> = (0..15).map(f64::from).collect();
        let p = SamplePlan::new(0.0, 14.967, 1.0, Some(keys));
        assert!(p.fills.is_empty(), "{p:?}");
        assert_eq!(p.len(), 15);
        assert_eq!(p.gop_decode(3.0), DecodeOnly::Keyframes);
    }

    #[test]
    fn sparse_keyframes_get_fill_targets_and_their_gops_decode_references() {
        let p = SamplePlan::new(0.5, 9.9, 1.0, Some(vec![0.0, 4.0, 8.0]));
        // 0.5 (not a keyframe), fills up to 4, 4, fills, 8, fills, 9.9.
        assert_eq!(p.targets.first(), Some(&0.5));
        assert!(p.targets.windows(2).all(|w| w[1] - w[0] <= 1.0 + 1e-9 && w[1] > w[0]), "{:?}", p.targets);
        assert!(p.targets.contains(&4.0) && p.targets.contains(&8.0));
        assert_eq!(p.gop_decode(0.0), DecodeOnly::References);
        assert_eq!(p.gop_decode(4.0), DecodeOnly::References);
    }

    #[test]
    fn without_an_index_a_grid() {
        let p = SamplePlan::new(1.0, 3.0, 0.5, None);
        assert_eq!(p.targets, vec![1.0, 1.5, 2.0, 2.5, 3.0]);
        assert_eq!(p.gop_decode(1.0), DecodeOnly::References);
    }

    #[test]
    fn a_frame_takes_the_targets_it_stands_for() {
        let mut p = SamplePlan::new(0.0, 2.0, 1.0, Some(vec![0.0, 1.0, 2.0]));
        assert!(p.wants(0.0));
        p.took(0.0);
        assert!(!p.wants(0.5) && p.wants(1.033), "a keyframe shown a frame after its listed time");
        p.took(1.033);
        assert!(p.wants(2.0));
    }
}
