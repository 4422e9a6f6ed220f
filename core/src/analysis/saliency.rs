//! Where no face is found, the salient region from the EfficientNet-Lite0 model the preview already
//! ships: its `features` output (the head's 1280 activations on a 7x7 grid, before pooling;
//! fixtures/models/README.md) averaged over channels is high where the network sees an object.
//! The frame is stretched to the model's 224x224 (a 16:9 frame keeps 7 columns across its width,
//! which is the direction a vertical crop moves in). A map without a clear peak is "nothing here".

use std::path::Path;

use ort::session::Session;
use ort::value::Tensor;

use super::pixels::resample_rgb;
use super::track::{Detection, Region, SubjectKind};
use crate::error::{Error, Result};
use crate::frame::Frame;
use crate::onnx::ModelSource;

const SIDE: usize = 224;
const GRID: usize = 7;
const INPUT: &str = "image";
const OUTPUT: &str = "features";
/// A map whose peak is less than this many times its mean has nothing that stands out.
pub const MIN_CONTRAST: f32 = 2.5;
/// Cells at least this fraction of the peak, connected to it, make the salient region.
const REGION_LEVEL: f32 = 0.5;

/// An EfficientNet-Lite0 session for saliency. `Session::run` needs `&mut self`: one per thread.
pub struct SaliencyModel {
    session: Session,
}

impl SaliencyModel {
    /// Loads ONNX Runtime (once per process) and the model (fixtures/models' efficientnet_lite0*.onnx,
    /// which have the `features` output).
    pub fn new(runtime_lib: &Path, model: ModelSource<'_>, threads: usize) -> Result<SaliencyModel> {
        let hint = "build it with `bash fixtures/models/make.sh`, or set CLIPFORGE_MODEL";
        let session = crate::onnx::session(runtime_lib, model, threads, hint)?;
        let ok = session.inputs().iter().any(|i| i.name() == INPUT) && session.outputs().iter().any(|o| o.name() == OUTPUT);
        if !ok {
            return Err(Error::unsupported(format!(
                "the saliency model has no '{INPUT}' input or '{OUTPUT}' output (rebuild fixtures/models with make.sh)"
            )));
        }
        Ok(SaliencyModel { session })
    }

    /// The 7x7 map (row-major, channel means) of `frame`.
    pub fn map(&mut self, frame: &Frame) -> Result<[f32; GRID * GRID]> {
        let plane = SIDE * SIDE;
        let mut input = vec![0f32; 3 * plane];
        resample_rgb(frame, SIDE, SIDE, |c, r, p| {
            for (k, v) in p.into_iter().enumerate() {
                input[k * plane + r * SIDE + c] = v;
            }
        });
        let tensor = Tensor::from_array(([1usize, 3, SIDE, SIDE], input)).map_err(|e| Error::internal(format!("cannot build the saliency input: {e}")))?;
        let outputs = self
            .session
            .run(ort::inputs![INPUT => tensor])
            .map_err(|e| Error::internal(format!("saliency inference failed: {e}")))?;
        let (shape, data) = outputs[OUTPUT].try_extract_tensor::<f32>().map_err(|e| Error::internal(format!("unexpected saliency output: {e}")))?;
        if data.len() % (GRID * GRID) != 0 || data.is_empty() {
            return Err(Error::internal(format!("saliency output has shape {shape:?}, expected [1, C, 7, 7]")));
        }
        let channels = data.len() / (GRID * GRID);
        let mut map = [0f32; GRID * GRID];
        for ch in data.chunks(GRID * GRID) {
            for (m, v) in map.iter_mut().zip(ch) {
                *m += v;
            }
        }
        map.iter_mut().for_each(|m| *m /= channels as f32);
        Ok(map)
    }

    /// The salient region of `frame` in its pixels, if something stands out.
    pub fn detect(&mut self, frame: &Frame) -> Result<Option<Detection>> {
        Ok(salient_region(&self.map(frame)?, f64::from(frame.width), f64::from(frame.height)))
    }
}

/// From a 7x7 map: the cells connected to the peak that reach REGION_LEVEL of it, as a region of a
/// `w`x`h` picture centred on their weighted centroid; `None` below MIN_CONTRAST.
pub fn salient_region(map: &[f32; GRID * GRID], w: f64, h: f64) -> Option<Detection> {
    let mean = map.iter().sum::<f32>() / map.len() as f32;
    let (peak_at, peak) = map.iter().copied().enumerate().max_by(|a, b| a.1.total_cmp(&b.1))?;
    if mean.is_nan() || mean <= 0.0 || peak < MIN_CONTRAST * mean {
        return None;
    }
    let level = REGION_LEVEL * peak;
    let mut member = [false; GRID * GRID];
    let mut stack = vec![peak_at];
    member[peak_at] = true;
    while let Some(i) = stack.pop() {
        let (x, y) = (i % GRID, i / GRID);
        let near = [(x > 0).then(|| i - 1), (x + 1 < GRID).then(|| i + 1), (y > 0).then(|| i - GRID), (y + 1 < GRID).then(|| i + GRID)];
        for j in near.into_iter().flatten() {
            if !member[j] && map[j] >= level {
                member[j] = true;
                stack.push(j);
            }
        }
    }
    let (mut sw, mut sx, mut sy) = (0.0f64, 0.0f64, 0.0f64);
    let (mut x0, mut x1, mut y0, mut y1) = (GRID, 0, GRID, 0);
    for i in (0..GRID * GRID).filter(|&i| member[i]) {
        let (x, y) = (i % GRID, i / GRID);
        let m = f64::from(map[i] - level * 0.5);
        sw += m;
        sx += m * (x as f64 + 0.5);
        sy += m * (y as f64 + 0.5);
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x + 1), y0.min(y), y1.max(y + 1));
    }
    let (cell_w, cell_h) = (w / GRID as f64, h / GRID as f64);
    let (cx, cy) = (sx / sw * cell_w, sy / sw * cell_h);
    let (rw, rh) = ((x1 - x0) as f64 * cell_w, (y1 - y0) as f64 * cell_h);
    let score = ((peak / mean - 1.0) / 4.0).clamp(0.0, 1.0);
    Some(Detection { kind: SubjectKind::Salient, region: Region { x: cx - rw / 2.0, y: cy - rh / 2.0, w: rw, h: rh }, score })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clear_blob_is_found_where_it_is() {
        let mut m = [0.05f32; 49];
        for i in [15, 16, 22, 23] {
            m[i] = 0.8; // cells (1..3, 2..4)
        }
        let d = salient_region(&m, 700.0, 700.0).unwrap();
        let (cx, cy) = d.region.centre();
        assert!((cx - 200.0).abs() < 1e-6 && (cy - 300.0).abs() < 1e-6, "{d:?}");
        assert_eq!((d.region.w, d.region.h), (200.0, 200.0));
    }

    #[test]
    fn a_flat_map_has_nothing_salient() {
        let mut m = [0.3f32; 49];
        m[10] = 0.5;
        assert!(salient_region(&m, 700.0, 700.0).is_none());
        assert!(salient_region(&[0.0; 49], 700.0, 700.0).is_none());
    }
}
