//! The image-embedding model through ONNX Runtime: YUV frames → 224x224 RGB → pooled 1280-d
//! EfficientNet-Lite0 feature, L2-normalised. The runtime library is loaded at run time from a
//! path the caller gives (the PyPI wheel's `libonnxruntime.so.1.31.1` here, the platform's build
//! on a phone), so a missing runtime is an error, not a link failure or a panic.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::Tensor;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::frame::Frame;

/// Model input side (the converted graph has fixed 224x224 "SAME" pads).
pub const INPUT_SIDE: usize = 224;
/// Length of an embedding.
pub const DIM: usize = 1280;
/// Frames per inference call: amortises the per-call overhead, keeps memory small (8 x 600 kB).
const BATCH: usize = 8;
const INPUT_NAME: &str = "image";
const OUTPUT_NAME: &str = "embedding";

/// Where the model comes from.
#[derive(Debug, Clone, Copy)]
pub enum ModelSource<'a> {
    Path(&'a Path),
    /// A single-file ONNX model in memory (e.g. bundled in an app's assets).
    Bytes(&'a [u8]),
}

/// The ONNX Runtime environment is process-wide: the first library loaded stays loaded.
static RUNTIME: Mutex<Option<(PathBuf, ort::environment::Environment)>> = Mutex::new(None);

fn environment(runtime_lib: &Path) -> Result<ort::environment::Environment> {
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, env)) = slot.as_ref() {
        return Ok(env.clone());
    }
    if !runtime_lib.is_file() {
        return Err(Error::io(format!(
            "ONNX Runtime library not found at {} (run `bash scripts/setup-onnxruntime.sh`, or pass the path of \
             libonnxruntime.so.1.31+ / set CLIPFORGE_ORT_LIB)",
            runtime_lib.display()
        )));
    }
    // ort wants an absolute path (it dlopens it as given).
    let abs = std::fs::canonicalize(runtime_lib).map_err(|e| Error::io_at(runtime_lib, e))?;
    let builder = ort::init_from(&abs)
        .map_err(|e| Error::unsupported(format!("cannot load ONNX Runtime from {}: {e}", abs.display())))?;
    let env = builder
        .with_name("clipforge")
        .build()
        .map_err(|e| Error::internal(format!("cannot start ONNX Runtime: {e}")))?;
    *slot = Some((abs, env.clone()));
    Ok(env)
}

/// One model session. `Session::run` needs `&mut self`: one `Embedder` per thread.
pub struct Embedder {
    session: Session,
}

impl Embedder {
    /// Loads the runtime (once per process) and the model. `threads`: ONNX Runtime intra-op
    /// threads; keep it at 1–2 on a phone, next to a running decoder and encoder.
    pub fn new(runtime_lib: &Path, model: ModelSource<'_>, threads: usize) -> Result<Embedder> {
        let env = environment(runtime_lib)?;
        let ort_err = |what: &str| {
            let what = what.to_string();
            move |e: ort::Error<ort::session::builder::SessionBuilder>| Error::internal(format!("{what}: {e}"))
        };
        let mut builder = Session::builder(&env)
            .map_err(|e| Error::internal(format!("cannot create an ONNX Runtime session: {e}")))?
            .with_optimization_level(GraphOptimizationLevel::Level3)
            .map_err(ort_err("optimisation level"))?
            .with_intra_threads(threads.clamp(1, 8))
            .map_err(ort_err("intra-op threads"))?
            .with_inter_threads(1)
            .map_err(ort_err("inter-op threads"))?
            // Spinning threads would steal the cores the decoder and encoder need.
            .with_intra_op_spinning(false)
            .map_err(ort_err("intra-op spinning"))?;
        let session = match model {
            ModelSource::Path(p) => {
                if !p.is_file() {
                    return Err(Error::io(format!(
                        "model not found at {} (build it with `bash fixtures/models/make.sh`, or set CLIPFORGE_MODEL)",
                        p.display()
                    )));
                }
                builder.commit_from_file(p)
            }
            ModelSource::Bytes(b) => builder.commit_from_memory(b),
        }
        .map_err(|e| Error::unsupported(format!("cannot load the model: {e}")))?;
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
