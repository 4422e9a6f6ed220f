//! The image-embedding model through ONNX Runtime (loaded by `crate::onnx`): YUV frames → 224x224
//! RGB → pooled 1280-d EfficientNet-Lite0 feature, L2-normalised.

use std::path::Path;

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use ort::session::Session;
use ort::value::Tensor;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::frame::Frame;
pub use crate::onnx::ModelSource;

/// Model input side (the converted graph has fixed 224x224 "SAME" pads).
pub const INPUT_SIDE: usize = 224;
/// Length of an embedding.
pub const DIM: usize = 1280;
/// Frames per inference call: amortises the per-call overhead, keeps memory small (8 x 600 kB).
pub const BATCH: usize = 8;
const INPUT_NAME: &str = "image";
const OUTPUT_NAME: &str = "embedding";

/// One model session. `Session::run` needs `&mut self`: one `Embedder` per thread.
pub struct Embedder {
    session: Session,
}

impl Embedder {
    /// Loads the runtime (once per process) and the model. `threads`: ONNX Runtime intra-op
    /// threads; keep it at 1–2 on a phone, next to a running decoder and encoder.
    pub fn new(runtime_lib: &Path, model: ModelSource<'_>, threads: usize) -> Result<Embedder> {
        let hint = "build it with `bash fixtures/models/make.sh`, or set CLIPFORGE_MODEL";
        let session = crate::onnx::session(runtime_lib, model, threads, hint)?;
        let has_in = session.inputs().iter().any(|i| i.name() == INPUT_NAME);
        let has_out = session.outputs().iter().any(|o| o.name() == OUTPUT_NAME);
        if !has_in || !has_out {
            return Err(Error::unsupported(format!(
                "the model has no '{INPUT_NAME}' input or '{OUTPUT_NAME}' output (expected fixtures/models' EfficientNet-Lite0)"
            )));
        }
        Ok(Embedder { session })
    }

    /// L2-normalised embeddings of `frames`, in order; preprocessing in parallel, inference batched.
    pub fn embed(&mut self, frames: &[&Frame]) -> Result<Vec<Vec<f32>>> {
        let mut out = Vec::with_capacity(frames.len());
        for chunk in frames.chunks(BATCH) {
            let pixels = INPUT_SIDE * INPUT_SIDE;
            let mut input = vec![0f32; chunk.len() * 3 * pixels];
            input
                .par_chunks_mut(3 * pixels)
                .zip(chunk.par_iter())
                .try_for_each(|(dst, f)| to_rgb_chw(f, dst))?;
            let tensor = Tensor::from_array(([chunk.len(), 3, INPUT_SIDE, INPUT_SIDE], input))
                .map_err(|e| Error::internal(format!("cannot build the model input: {e}")))?;
            let outputs = self
                .session
                .run(ort::inputs![INPUT_NAME => tensor])
                .map_err(|e| Error::internal(format!("model inference failed: {e}")))?;
            let (shape, data) = outputs[OUTPUT_NAME]
                .try_extract_tensor::<f32>()
                .map_err(|e| Error::internal(format!("unexpected model output: {e}")))?;
            if shape.len() != 2 || shape[0] as usize != chunk.len() || shape[1] as usize != DIM {
                return Err(Error::internal(format!("model output has shape {shape:?}, expected [{}, {DIM}]", chunk.len())));
            }
            out.extend(data.chunks(DIM).map(|v| normalised(v.to_vec())));
        }
        Ok(out)
    }
}

/// `v / |v|` (zero stays zero).
pub fn normalised(mut v: Vec<f32>) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 1e-12 {
        v.iter_mut().for_each(|x| *x /= n);
    }
    v
}

/// Centre square of the short side, resized to 224x224 per plane, BT.709 limited range → RGB in
/// 0..1, channel-planar: the preprocessing the converter's photos.py documents.
fn to_rgb_chw(f: &Frame, dst: &mut [f32]) -> Result<()> {
    let side = f.width.min(f.height) & !1;
    let (x0, y0) = (((f.width - side) / 2) & !1, ((f.height - side) / 2) & !1);
    let n = INPUT_SIDE as u32;
    let mut resizer = Resizer::new();
    let fir = |e: &dyn std::fmt::Display| Error::internal(format!("resize for the model failed: {e}"));
    let mut plane = |src: &[u8], w: u32, h: u32, crop: (u32, u32, u32)| -> Result<Vec<u8>> {
        let src = ImageRef::new(w, h, src, PixelType::U8).map_err(|e| fir(&e))?;
        let mut out = Image::new(n, n, PixelType::U8);
        let opts = ResizeOptions::new()
            .resize_alg(ResizeAlg::Convolution(FilterType::Bilinear))
            .crop(f64::from(crop.0), f64::from(crop.1), f64::from(crop.2), f64::from(crop.2));
        resizer.resize(&src, &mut out, &opts).map_err(|e| fir(&e))?;
        Ok(out.into_vec())
    };
    let y = plane(&f.y, f.width, f.height, (x0, y0, side))?;
    let (cw, ch) = (f.chroma_width(), f.chroma_height());
    let u = plane(&f.u, cw, ch, (x0 / 2, y0 / 2, side / 2))?;
    let v = plane(&f.v, cw, ch, (x0 / 2, y0 / 2, side / 2))?;
    let pixels = INPUT_SIDE * INPUT_SIDE;
    let (r, rest) = dst.split_at_mut(pixels);
    let (g, b) = rest.split_at_mut(pixels);
    for i in 0..pixels {
        let yy = (f32::from(y[i]) - 16.0) / 219.0;
        let cb = (f32::from(u[i]) - 128.0) / 224.0;
        let cr = (f32::from(v[i]) - 128.0) / 224.0;
        r[i] = (yy + 1.5748 * cr).clamp(0.0, 1.0);
        g[i] = (yy - 0.187_324 * cb - 0.468_124 * cr).clamp(0.0, 1.0);
        b[i] = (yy + 1.8556 * cb).clamp(0.0, 1.0);
    }
    Ok(())
}
