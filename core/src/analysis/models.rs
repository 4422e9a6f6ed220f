//! The subject models `fit: "smart"` runs, registered once per process like fonts: the app (or the
//! CLI) loads them at start-up and every later export uses them. Loading here, not at export time,
//! means a wrong file fails at registration with its own message, and an export pays no load.

use std::sync::Mutex;

use super::subject::{SubjectAnalysis, SubjectModels};
use crate::error::{Error, Result};

/// The loaded models. Exports take turns: one subject analysis at a time per process (the models
/// are not shared between threads, and a phone has no cores to spare for two).
static REGISTERED: Mutex<Option<SubjectAnalysis>> = Mutex::new(None);

/// Loads the face model (and the saliency model, when given) through the ONNX Runtime library
/// `models.runtime_lib` and keeps them for every later export with `fit: "smart"`. Registering
/// again replaces them. The runtime library is process-wide: the first one loaded (also by the
/// preview ranker) stays loaded.
pub fn register_subject_models(models: &SubjectModels<'_>) -> Result<()> {
    let analysis = SubjectAnalysis::new(models)?;
    *REGISTERED.lock().unwrap_or_else(|p| p.into_inner()) = Some(analysis);
    Ok(())
}

/// Whether [`register_subject_models`] has succeeded in this process.
pub fn subject_models_registered() -> bool {
    REGISTERED.lock().unwrap_or_else(|p| p.into_inner()).is_some()
}

/// Runs `f` with the registered models (held for its duration).
pub(crate) fn with_registered<R>(f: impl FnOnce(&mut SubjectAnalysis) -> Result<R>) -> Result<R> {
    let mut slot = REGISTERED.lock().unwrap_or_else(|p| p.into_inner());
    let analysis = slot.as_mut().ok_or_else(|| Error::invalid(format!("fit \"smart\" {}", super::NOT_REGISTERED)))?;
    f(analysis)
}
