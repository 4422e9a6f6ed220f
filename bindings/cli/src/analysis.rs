//! `clipforge loop-points` and `clipforge reframe-path`: arguments to `clipforge::analysis` calls,
//! results to text or JSON (a QA and app-prototyping aid; the export wires both in). Also where the
//! subject models of `fit: "smart"` are found (`SubjectModelArgs`).

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use clipforge::analysis::reframe_path::{crop_size, reframe_path, PathOptions};
use clipforge::analysis::subject::{SubjectAnalysis, SubjectModels, SubjectOptions};
use clipforge::analysis::{loop_points, LoopSearch};
use clipforge::onnx::ModelSource;
use clipforge::{CancelToken, Error};
use serde_json::json;

use crate::preview::{locate, MODEL_ENV, MODEL_REL, ORT_ENV, ORT_REL};

pub const FACE_MODEL_ENV: &str = "CLIPFORGE_FACE_MODEL";
const FACE_MODEL_REL: &str = "fixtures/models/blazeface_back_256.onnx";

#[derive(Args)]
pub struct LoopPointsArgs {
    clip: PathBuf,
    /// Start of the range searched, seconds.
    #[arg(long, default_value_t = 0.0)]
    start: f64,
    /// End of the range searched, seconds (default: the clip's end).
    #[arg(long)]
    end: Option<f64>,
    /// Shortest loop, seconds.
    #[arg(long, default_value_t = 2.0)]
    min: f64,
    /// Longest loop, seconds.
    #[arg(long, default_value_t = 6.0)]
    max: f64,
    /// Candidates listed, best first.
    #[arg(long, default_value_t = 5)]
    count: usize,
    /// Seam crossfade the loop will get, seconds (each window keeps that much lead-in).
    #[arg(long, default_value_t = clipforge::analysis::seam::DEFAULT_CROSSFADE)]
    crossfade: f64,
    /// Print `[{"start", "end", "score", "seam", "seamless"}, …]`.
    #[arg(long)]
    json: bool,
}

pub fn loop_points_cmd(a: LoopPointsArgs) -> Result<(), Error> {
    let search = LoopSearch { start: a.start, end: a.end, min: a.min, max: a.max, count: a.count, crossfade: a.crossfade };
    let t0 = Instant::now();
    let points = loop_points(&a.clip, &search, &CancelToken::new())?;
    if a.json {
        println!("{}", serde_json::to_string(&points).map_err(|e| Error::internal(e.to_string()))?);
        return Ok(());
    }
    for p in &points {
        let verdict = if p.is_seamless() { "seamless" } else { "seam shows" };
        println!("{:8.3}–{:8.3} s  ({:.3} s)  score {:.3}  seam {:.2}  {verdict}", p.start, p.end, p.duration(), p.score, p.seam);
    }
    eprintln!("searched in {} ms", t0.elapsed().as_millis());
    Ok(())
}

/// Where the subject models (`fit: "smart"`, `reframe-path`) come from: found like the preview model.
#[derive(Args, Debug, Clone)]
pub struct SubjectModelArgs {
    /// Faces only: no saliency fallback.
    #[arg(long)]
    no_saliency: bool,
    /// BlazeFace ONNX model (default: $CLIPFORGE_FACE_MODEL, else fixtures/models/blazeface_back_256.onnx).
    #[arg(long, value_name = "FILE")]
    face_model: Option<PathBuf>,
    /// EfficientNet-Lite0 ONNX model for saliency (default: $CLIPFORGE_MODEL, else fixtures/models/efficientnet_lite0.onnx).
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// ONNX Runtime shared library (default: $CLIPFORGE_ORT_LIB, else .cache/onnxruntime/libonnxruntime.so.1.31.1).
    #[arg(long, value_name = "FILE")]
    onnxruntime: Option<PathBuf>,
    /// ONNX Runtime intra-op threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

impl SubjectModelArgs {
    fn paths(&self) -> (PathBuf, PathBuf, Option<PathBuf>) {
        let ort = locate(self.onnxruntime.as_deref(), ORT_ENV, ORT_REL);
        let faces = locate(self.face_model.as_deref(), FACE_MODEL_ENV, FACE_MODEL_REL);
        let saliency = (!self.no_saliency).then(|| locate(self.model.as_deref(), MODEL_ENV, MODEL_REL));
        (ort, faces, saliency)
    }

    fn with_models<R>(&self, f: impl FnOnce(&SubjectModels<'_>) -> Result<R, Error>) -> Result<R, Error> {
        let (ort, faces, saliency) = self.paths();
        f(&SubjectModels {
            runtime_lib: &ort,
            faces: ModelSource::Path(&faces),
            saliency: saliency.as_deref().map(ModelSource::Path),
            threads: self.threads,
        })
    }

    /// Registers the models for the exports of this process.
    pub fn register(&self) -> Result<(), Error> {
        self.with_models(clipforge::register_subject_models)
    }

    /// Registers them when the face model and the runtime are where they are looked for (golden
    /// runs: a smart case without them fails with the core's own explanation).
    pub fn register_if_found(&self) -> Result<(), Error> {
        let (ort, faces, _) = self.paths();
        if ort.is_file() && faces.is_file() {
            self.register()?;
        }
        Ok(())
    }
}

#[derive(Args)]
pub struct ReframePathArgs {
    clip: PathBuf,
    /// Output aspect "W:H", e.g. 9:16.
    #[arg(long, default_value = "9:16")]
    aspect: String,
    /// Start of the range, seconds.
    #[arg(long, default_value_t = 0.0)]
    start: f64,
    /// End of the range, seconds (default: the clip's end).
    #[arg(long)]
    end: Option<f64>,
    /// Path frames per second (the output's rate).
    #[arg(long, default_value_t = 30.0)]
    fps: f64,
    /// Longest gap between analysed frames, seconds (keyframes are always analysed).
    #[arg(long, default_value_t = SubjectOptions::default().interval)]
    interval: f64,
    #[command(flatten)]
    models: SubjectModelArgs,
    /// Print the path (one window per frame), the samples and the cuts as JSON.
    #[arg(long)]
    json: bool,
}

pub fn reframe_path_cmd(a: ReframePathArgs) -> Result<(), Error> {
    let (aw, ah) = clipforge::plan::parse_aspect(&a.aspect).ok_or_else(|| Error::invalid(format!("aspect '{}' is not W:H", a.aspect)))?;
    let mut analysis = a.models.with_models(SubjectAnalysis::new)?;
    let t0 = Instant::now();
    let opts = SubjectOptions { start: a.start, end: a.end, interval: a.interval };
    let track = analysis.analyze(&a.clip, &opts, &CancelToken::new())?;
    let analysis_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let crop = crop_size(track.width, track.height, aw, ah);
    let path = reframe_path(&track, crop, &PathOptions::covering(&track, a.fps))?;
    let with_subject = path.subject.iter().filter(|&&s| s).count();
    if a.json {
        let frames: Vec<_> = path
            .windows
            .iter()
            .zip(&path.subject)
            .enumerate()
            .map(|(i, (w, s))| json!({"time": track.start + i as f64 / a.fps, "x": w.x, "y": w.y, "w": w.w, "h": w.h, "subject": s}))
            .collect();
        let out = json!({
            "width": track.width, "height": track.height, "aspect": a.aspect, "crop": {"w": crop.0, "h": crop.1},
            "fps": a.fps, "analysis_ms": analysis_ms, "cuts": track.cuts, "samples": track.samples, "frames": frames,
        });
        println!("{}", serde_json::to_string(&out).map_err(|e| Error::internal(e.to_string()))?);
        return Ok(());
    }
    println!(
        "{}: {}x{} → {} crop {:.0}x{:.0}; {} samples, {} frames, {with_subject} with a subject, cuts {:?}; analysis {analysis_ms:.0} ms",
        a.clip.display(),
        track.width,
        track.height,
        a.aspect,
        crop.0,
        crop.1,
        track.samples.len(),
        path.windows.len(),
        track.cuts
    );
    for (i, w) in path.windows.iter().enumerate().step_by((a.fps.round() as usize / 2).max(1)) {
        println!("  {:7.3} s  x {:7.1}  y {:7.1}  {}", track.start + i as f64 / a.fps, w.x, w.y, if path.subject[i] { "subject" } else { "-" });
    }
    Ok(())
}
