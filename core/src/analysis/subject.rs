//! Subject analysis for `fit: "smart"`: the keyframes of a range, and frames in between where
//! keyframes are further apart than `interval` (`sample_plan.rs`), decoded small (256 px on the
//! long side, no deblocking) go through the face detector; where it finds none, through the
//! saliency model. A weak face seen only once is dropped.
//! Consecutive samples that differ a lot are a scene cut (placed on the keyframe between them when
//! there is one: encoders start one there).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::faces::FaceDetector;
use super::sample_plan::SamplePlan;
use super::saliency::SaliencyModel;
use super::track::{Detection, Region, SubjectKind, SubjectSample, SubjectTrack};
use crate::error::{Error, Result};
use crate::export::CancelToken;
use crate::frame::Frame;
use crate::onnx::ModelSource;
use crate::source::frames::{frame_index, read_range, RangeRead, WorkSize};
use crate::source::video::DecodeOnly;

/// The models subject analysis runs.
#[derive(Debug, Clone, Copy)]
pub struct SubjectModels<'a> {
    /// ONNX Runtime's shared library (see `crate::onnx`).
    pub runtime_lib: &'a Path,
    /// BlazeFace (fixtures/models/blazeface_back_256.onnx).
    pub faces: ModelSource<'a>,
    /// EfficientNet-Lite0 with its `features` output (fixtures/models/efficientnet_lite0*.onnx);
    /// `None`: faces only.
    pub saliency: Option<ModelSource<'a>>,
    /// ONNX Runtime intra-op threads (1–2 next to a decoder).
    pub threads: usize,
}

/// Which part of the clip, how often.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SubjectOptions {
    /// Seconds of the clip; `end` `None`: the clip's end.
    pub start: f64,
    pub end: Option<f64>,
    /// Longest gap between analysed frames, seconds (0.04–2; default 1). Every keyframe is
    /// analysed (it decodes alone); frames in between only where keyframes are further apart.
    pub interval: f64,
}

impl Default for SubjectOptions {
    fn default() -> Self {
        SubjectOptions { start: 0.0, end: None, interval: 1.0 }
    }
}

/// Long side of the analysed frames: the face model's input side.
const WORK_LONG_SIDE: u32 = 256;
/// Cut detection on 32x18-ish luma means and 32-bin luma histograms of consecutive samples.
const SIG_W: usize = 32;
const HIST_BINS: usize = 32;
/// A jump this much larger than the clip's usual sample-to-sample change, and at least
/// MIN_CUT_CHANGE luma levels, is a cut; so is a histogram change above HIST_CUT (of 2).
const CUT_FACTOR: f64 = 4.0;
const MIN_CUT_CHANGE: f64 = 12.0;
const HIST_CUT: f64 = 0.7;
/// Faces scoring below this must be seen again near the same place in a neighbouring sample: a
/// lone weak face is a false alarm (a coffee cup's rim scored 0.755 in one frame, real faces in the
/// fixtures 0.9 and more).
const CONFIRM_SCORE: f32 = 0.85;

/// The loaded models; reuse one for several clips.
pub struct SubjectAnalysis {
    faces: FaceDetector,
    saliency: Option<SaliencyModel>,
}

/// One sample's picture summary for cut detection.
struct Signature {
    thumb: Vec<f32>,
    hist: [f32; HIST_BINS],
}

impl SubjectAnalysis {
    pub fn new(models: &SubjectModels<'_>) -> Result<SubjectAnalysis> {
        let faces = FaceDetector::new(models.runtime_lib, models.faces, models.threads)?;
        let saliency = models.saliency.map(|m| SaliencyModel::new(models.runtime_lib, m, models.threads)).transpose()?;
        Ok(SubjectAnalysis { faces, saliency })
    }

    /// Subjects and scene cuts of `clip` over `opts`' range.
    pub fn analyze(&mut self, clip: &Path, opts: &SubjectOptions, cancel: &CancelToken) -> Result<SubjectTrack> {
        if !(opts.interval.is_finite() && (0.04..=2.0).contains(&opts.interval)) {
            return Err(Error::invalid(format!("analysis interval {} s must be 0.04–2 s", opts.interval)));
        }
        let index = frame_index(clip)?;
        // The range's last frame: a frame before its end (the frame rate is not known yet: 30).
        let range_end = opts.end.unwrap_or(index.duration);
        // Unknown duration: plan up to an hour; reading stops at the clip's end anyway.
        let horizon = if range_end > opts.start { range_end } else { opts.start + 3600.0 };
        let last = (horizon - 1.0 / 30.0).max(opts.start);
        let plan = std::cell::RefCell::new(SamplePlan::new(opts.start, last, opts.interval, index.keyframes));
        let read = RangeRead {
            start: opts.start,
            end: opts.end,
            size: WorkSize::LongSide(WORK_LONG_SIDE),
            decode: DecodeOnly::References,
            skip_deblocking: true,
        };
        let mut samples = Vec::new();
        let mut signatures = Vec::new();
        let mut work = (0u32, 0u32);
        let facts = read_range(
            clip,
            &read,
            cancel,
            |key| Some(plan.borrow().gop_decode(key)),
            |t| plan.borrow().wants(t),
            |t, frame| {
                plan.borrow_mut().took(t);
                work = (frame.width, frame.height);
                let mut detections = self.faces.detect(&frame)?;
                if detections.is_empty() {
                    if let Some(s) = self.saliency.as_mut() {
                        detections.extend(s.detect(&frame)?);
                    }
                }
                signatures.push(signature(&frame));
                samples.push(SubjectSample { time: t, detections });
                Ok(())
            },
        )?;
        if samples.is_empty() {
            return Err(Error::unsupported(format!("{}: no frame could be decoded in the range", clip.display())));
        }
        // Working pixels → source pixels.
        let (sx, sy) = (f64::from(facts.width) / f64::from(work.0.max(1)), f64::from(facts.height) / f64::from(work.1.max(1)));
        for s in &mut samples {
            for d in &mut s.detections {
                let r = d.region;
                d.region = Region { x: r.x * sx, y: r.y * sy, w: r.w * sx, h: r.h * sy };
            }
        }
        drop_unconfirmed_faces(&mut samples, opts.interval);
        let times: Vec<f64> = samples.iter().map(|s| s.time).collect();
        let cuts = scene_cuts(&times, &signatures, &facts.keyframes);
        let end = if range_end > opts.start { range_end } else { times.last().copied().unwrap_or(opts.start) + 1.0 / facts.fps };
        Ok(SubjectTrack { width: facts.width, height: facts.height, start: opts.start, end, samples, cuts })
    }
}

/// [`SubjectAnalysis::new`] then `analyze`, for a single clip.
pub fn analyze_subjects(clip: &Path, models: &SubjectModels<'_>, opts: &SubjectOptions, cancel: &CancelToken) -> Result<SubjectTrack> {
    SubjectAnalysis::new(models)?.analyze(clip, opts, cancel)
}

/// Removes weak faces (below CONFIRM_SCORE) that no face of the previous or next sample backs up
/// (within 2.5 intervals in time, centres closer than the face's size).
fn drop_unconfirmed_faces(samples: &mut [SubjectSample], interval: f64) {
    let is_face = |d: &Detection| d.kind == SubjectKind::Face;
    let keep: Vec<Vec<bool>> = (0..samples.len())
        .map(|k| {
            samples[k]
                .detections
                .iter()
                .map(|d| {
                    if !is_face(d) || d.score >= CONFIRM_SCORE {
                        return true;
                    }
                    let (cx, cy) = d.region.centre();
                    let size = d.region.w.max(d.region.h);
                    [k.checked_sub(1), Some(k + 1)].into_iter().flatten().filter_map(|q| samples.get(q)).any(|n| {
                        (n.time - samples[k].time).abs() <= 2.5 * interval
                            && n.detections.iter().filter(|e| is_face(e)).any(|e| {
                                let (ex, ey) = e.region.centre();
                                (ex - cx).hypot(ey - cy) <= size
                            })
                    })
                })
                .collect()
        })
        .collect();
    for (s, keep) in samples.iter_mut().zip(keep) {
        let mut it = keep.into_iter();
        s.detections.retain(|_| it.next().unwrap_or(true));
    }
}

fn signature(f: &Frame) -> Signature {
    let (w, h) = (f.width as usize, f.height as usize);
    let sig_h = (SIG_W * h / w.max(1)).max(1);
    let mut thumb = vec![0f32; SIG_W * sig_h];
    let mut count = vec![0f32; SIG_W * sig_h];
    let mut hist = [0f32; HIST_BINS];
    for y in 0..h {
        let ty = y * sig_h / h;
        for x in 0..w {
            let v = f.y[y * w + x];
            let i = ty * SIG_W + x * SIG_W / w;
            thumb[i] += f32::from(v);
            count[i] += 1.0;
            hist[usize::from(v) * HIST_BINS / 256] += 1.0;
        }
    }
    thumb.iter_mut().zip(&count).for_each(|(t, c)| *t /= c.max(1.0));
    let n = (w * h).max(1) as f32;
    hist.iter_mut().for_each(|b| *b /= n);
    Signature { thumb, hist }
}

/// Cut times between consecutive samples whose pictures change far more than usual.
fn scene_cuts(times: &[f64], sigs: &[Signature], keyframes: &[f64]) -> Vec<f64> {
    let change: Vec<(f64, f64)> = sigs
        .windows(2)
        .map(|p| {
            let mad = p[0].thumb.iter().zip(&p[1].thumb).map(|(a, b)| f64::from((a - b).abs())).sum::<f64>() / p[0].thumb.len().max(1) as f64;
            let hist = p[0].hist.iter().zip(&p[1].hist).map(|(a, b)| f64::from((a - b).abs())).sum::<f64>();
            (mad, hist)
        })
        .collect();
    let mut mads: Vec<f64> = change.iter().map(|c| c.0).collect();
    mads.sort_by(f64::total_cmp);
    let usual = mads.get(mads.len() / 2).copied().unwrap_or(0.0);
    let mut cuts = Vec::new();
    for (k, &(mad, hist)) in change.iter().enumerate() {
        let cut = hist > HIST_CUT || (mad >= MIN_CUT_CHANGE && mad > CUT_FACTOR * usual);
        if cut {
            let (a, b) = (times[k], times[k + 1]);
            let at = keyframes.iter().rev().find(|&&t| t > a && t <= b + 1e-6).copied().unwrap_or((a + b) / 2.0);
            cuts.push(at);
        }
    }
    cuts
}
