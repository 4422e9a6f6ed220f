//! ONNX Runtime for every model clipforge runs (preview embedding, face detection, saliency): the
//! runtime library is loaded once per process from a path the caller gives (the PyPI wheel's
//! `libonnxruntime.so.1.31.1` here, the platform's build on a phone), so a missing runtime is an
//! error, not a link failure or a panic; sessions are built with the same thread settings.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;

use crate::error::{Error, Result};

/// Where a model comes from.
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

/// Loads the runtime (once per process) and `model` into a session. `threads`: intra-op threads;
/// keep it at 1–2 on a phone, next to a running decoder and encoder. `missing_hint` ends the
/// message of a model path that does not exist (how to get the model).
pub fn session(runtime_lib: &Path, model: ModelSource<'_>, threads: usize, missing_hint: &str) -> Result<Session> {
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
    match model {
        ModelSource::Path(p) => {
            if !p.is_file() {
                return Err(Error::io(format!("model not found at {} ({missing_hint})", p.display())));
            }
            builder.commit_from_file(p)
        }
        ModelSource::Bytes(b) => builder.commit_from_memory(b),
    }
    .map_err(|e| Error::unsupported(format!("cannot load the model: {e}")))
}
