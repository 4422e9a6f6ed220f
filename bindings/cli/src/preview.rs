//! `clipforge preview` and `clipforge profile like|skip`: arguments to core calls, results to JSON.
//! Also where the CLI finds the model and ONNX Runtime when no flag names them.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use clipforge::preview::{PosterFormat, PreviewOptions, PreviewRanker, TasteProfile};
use clipforge::Error;

pub const MODEL_ENV: &str = "CLIPFORGE_MODEL";
pub const ORT_ENV: &str = "CLIPFORGE_ORT_LIB";
pub const MODEL_REL: &str = "fixtures/models/efficientnet_lite0.onnx";
pub const ORT_REL: &str = ".cache/onnxruntime/libonnxruntime.so.1.31.1";

/// Where the model and the runtime come from.
#[derive(Args, Debug, Clone)]
pub struct ModelArgs {
    /// ONNX model (default: $CLIPFORGE_MODEL, else fixtures/models/efficientnet_lite0.onnx of the
    /// checkout the binary or the current folder is in).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// ONNX Runtime shared library, 1.31+ (default: $CLIPFORGE_ORT_LIB, else
    /// .cache/onnxruntime/libonnxruntime.so.1.31.1 made by scripts/setup-onnxruntime.sh).
    #[arg(long, value_name = "FILE")]
    pub onnxruntime: Option<PathBuf>,
    /// ONNX Runtime intra-op threads.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
}

#[derive(Subcommand)]
pub enum ProfileAction {
    /// Record that the viewer liked CLIP (creates the profile file if missing).
    Like {
        clip: PathBuf,
        #[arg(long, value_name = "P.json")]
        profile: PathBuf,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Record that the viewer skipped CLIP (creates the profile file if missing).
    Skip {
        clip: PathBuf,
        #[arg(long, value_name = "P.json")]
        profile: PathBuf,
        #[command(flatten)]
        model: ModelArgs,
    },
}

#[derive(Args)]
pub struct PreviewArgs {
    clip: PathBuf,
    /// Taste profile (JSON); without it, ranking uses picture quality alone.
    #[arg(long, value_name = "P.json")]
    profile: Option<PathBuf>,
    /// Preview loop length in seconds (2–6).
    #[arg(long, default_value_t = 3.0)]
    window: f64,
    /// Folder for the poster and the preview loop.
    #[arg(long, value_name = "DIR", default_value = ".")]
    out_dir: PathBuf,
    /// Poster picture format.
    #[arg(long, value_enum, default_value_t = Format::Jpeg)]
    poster_format: Format,
    /// Short side of the poster picture in pixels.
    #[arg(long, default_value_t = 480)]
    poster_size: u32,
    /// At most this many candidate frames.
    #[arg(long, default_value_t = 32)]
    candidates: usize,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// Before the result, print each progress event as it happens, one JSON line each
    /// (`candidate` per frame as it is embedded, `ranked`, `poster`).
    #[arg(long)]
    events: bool,
    #[command(flatten)]
    model: ModelArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Jpeg,
    Png,
    Webp,
}

/// `flag`, else `$env`, else `rel` under the first ancestor of the executable or the current
/// folder that has it.
pub fn locate(flag: Option<&Path>, env: &str, rel: &str) -> PathBuf {
    if let Some(p) = flag {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os(env).filter(|v| !v.is_empty()) {
        return PathBuf::from(p);
    }
    let starts = [std::env::current_exe().ok(), std::env::current_dir().ok()];
    for start in starts.iter().flatten() {
        for dir in start.ancestors() {
            let p = dir.join(rel);
            if p.is_file() {
                return p;
            }
        }
    }
    // Not found: the core reports this path in its error.
    PathBuf::from(rel)
}

fn ranker(m: &ModelArgs) -> Result<PreviewRanker, Error> {
    let ort = locate(m.onnxruntime.as_deref(), ORT_ENV, ORT_REL);
    let model = locate(m.model.as_deref(), MODEL_ENV, MODEL_REL);
    PreviewRanker::new(&ort, clipforge::preview::ModelSource::Path(&model), m.threads)
}

pub fn profile(action: ProfileAction) -> Result<(), Error> {
    let (clip, path, m, like) = match action {
        ProfileAction::Like { clip, profile, model } => (clip, profile, model, true),
        ProfileAction::Skip { clip, profile, model } => (clip, profile, model, false),
    };
    let mut p = TasteProfile::load_or_new(&path)?;
    let mut r = ranker(&m)?;
    if like {
        r.like_clip(&mut p, &clip)?;
    } else {
        r.skip_clip(&mut p, &clip)?;
    }
    p.save(&path)?;
    println!("{}: {} likes, {} skips", path.display(), p.likes, p.skips);
    Ok(())
}

pub fn preview(a: PreviewArgs, cancel: &clipforge::CancelToken) -> Result<(), Error> {
    let profile = match &a.profile {
        Some(p) => TasteProfile::load(p)?,
        None => TasteProfile::new(),
    };
    let mut opts = PreviewOptions { window: a.window, poster_short_side: a.poster_size, cancel: cancel.clone(), ..Default::default() };
    opts.sample.max_candidates = a.candidates;
    opts.poster_format = match a.poster_format {
        Format::Jpeg => PosterFormat::Jpeg,
        Format::Png => PosterFormat::Png,
        Format::Webp => PosterFormat::Webp,
    };
    let mut r = ranker(&a.model)?;
    let mut on_event = |e: clipforge::preview::PreviewEvent| {
        if a.events {
            if let Ok(line) = serde_json::to_string(&e) {
                use std::io::Write;
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{line}").and_then(|()| out.flush());
            }
        }
    };
    let res = r.preview_with(&a.clip, &profile, &a.out_dir, &opts, &mut on_event)?;
    if a.json {
        let out = serde_json::json!({
            "poster": { "time": res.poster.time, "path": res.poster.path },
            "loop": { "start": res.preview_loop.start, "end": res.preview_loop.end, "path": res.preview_loop.path },
            "candidates": res.candidates.iter().map(|c| serde_json::json!({ "time": c.time, "score": c.score })).collect::<Vec<_>>(),
        });
        println!("{out}");
    } else {
        println!("poster  {:.3} s  {}", res.poster.time, res.poster.path.display());
        println!("loop    {:.3}–{:.3} s  {} bytes  {}", res.preview_loop.start, res.preview_loop.end, res.preview_loop.bytes, res.preview_loop.path.display());
        println!("{} candidates, {:.0} ms", res.candidates.len(), res.timings.total_ms);
    }
    Ok(())
}
