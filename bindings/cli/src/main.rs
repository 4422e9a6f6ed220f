//! The `clipforge` command: a thin translation of arguments to core calls and results to text/JSON.

mod editor;
mod analysis;
mod preview;
mod template;
mod upload;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use clipforge::{golden, CancelToken, Error, Recipe};

#[derive(Parser)]
#[command(name = "clipforge", version, about = "Turn raw footage into 6–30 s micro-video loops")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// A font file or a folder of fonts for captions (repeatable). Also read from
    /// $CLIPFORGE_FONTS (folders separated by ':'). The library has only its built-in Latin face
    /// otherwise: other scripts come out as empty boxes, listed in `missing_glyphs`.
    #[arg(long, global = true, value_name = "PATH")]
    fonts: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Export every output of a recipe (one decode pass).
    Export {
        recipe: PathBuf,
        /// Print one JSON object per output instead of a summary.
        #[arg(long)]
        json: bool,
        /// Subject models, loaded when the recipe uses `fit: "smart"`.
        #[command(flatten)]
        models: analysis::SubjectModelArgs,
    },
    /// Golden tests for QA: re-export each case and compare with its blessed frames and metadata.
    Golden {
        #[command(subcommand)]
        action: GoldenAction,
    },
    /// The best seamless loop windows of a clip, best first.
    LoopPoints(analysis::LoopPointsArgs),
    /// Smart reframe's crop path for an output aspect (faces, else salient regions): a QA aid.
    ReframePath(analysis::ReframePathArgs),
    /// Poster frame and preview loop of a clip, personalised by a taste profile.
    Preview(preview::PreviewArgs),
    /// Update a viewer's taste profile.
    Profile {
        #[command(subcommand)]
        action: preview::ProfileAction,
    },
    /// Plan an upload: size, SHA-256, CRC-64/NVME and parts with their checksums (hex and base64).
    UploadPlan(upload::PlanArgs),
    /// Upload a file to S3 presigned part URLs or a tus server, resuming from FILE.upload.json.
    Upload(upload::UploadArgs),
    /// Filmstrip pictures evenly spread over a clip, written as they are decoded.
    Thumbnails(editor::ThumbnailsArgs),
    /// The exact frame shown at a time, as a PNG or JPEG.
    Frame(editor::FrameArgs),
    /// Min/max audio peaks of a clip in equal stretches.
    Waveform(editor::WaveformArgs),
    /// Templates: list the built-ins, show a template's slots, fill and render one.
    Template {
        #[command(subcommand)]
        action: template::TemplateAction,
    },
    /// Show container, duration and streams of a media file.
    Probe {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum GoldenAction {
    /// Run cases (all when none is named); exit non-zero if any fails.
    Run {
        cases: Vec<String>,
        /// Write a visual HTML report (expected vs actual, heatmaps, contact sheets) into DIR.
        #[arg(long, value_name = "DIR")]
        report: Option<PathBuf>,
        /// Folder holding the cases.
        #[arg(long, default_value = "fixtures/golden")]
        root: PathBuf,
        /// Subject models for `fit: "smart"` cases (registered when found).
        #[command(flatten)]
        models: analysis::SubjectModelArgs,
    },
    /// Re-export cases and store their frames and metadata as the new goldens; print what changed.
    Bless {
        cases: Vec<String>,
        #[arg(long, default_value = "fixtures/golden")]
        root: PathBuf,
        #[command(flatten)]
        models: analysis::SubjectModelArgs,
    },
}

/// Exit status of a run stopped by SIGINT/SIGTERM (the shell's 128 + SIGINT).
const EXIT_CANCELLED: u8 = 130;

fn main() -> ExitCode {
    quiet_panics();
    let cancel = CancelToken::new();
    on_signal_cancel(&cancel);
    match run(Cli::parse(), &cancel) {
        Ok(true) => ExitCode::SUCCESS,
        // A check ran and found failures; it has already said which.
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            // The core keeps messages to one line; this is the one place that prints them.
            eprintln!("error[{}]: {}", e.kind, e.message);
            if e.kind == clipforge::ErrorKind::Cancelled { ExitCode::from(EXIT_CANCELLED) } else { ExitCode::FAILURE }
        }
    }
}

/// Panics are caught by the core and reported as one `error[Internal]` line; the default hook
/// would print the panic's own lines before it. `CLIPFORGE_DEBUG=1` keeps them, for bug reports.
fn quiet_panics() {
    if std::env::var_os("CLIPFORGE_DEBUG").is_some_and(|v| v != "0") {
        return;
    }
    std::panic::set_hook(Box::new(|_| {}));
}

/// The first SIGINT/SIGTERM cancels the running work, which then removes its partial files and
/// ends with `error[Cancelled]`; a second one ends the process at once.
fn on_signal_cancel(cancel: &CancelToken) {
    let cancel = cancel.clone();
    let _ = ctrlc::set_handler(move || {
        if cancel.is_cancelled() {
            std::process::exit(i32::from(EXIT_CANCELLED));
        }
        cancel.cancel();
    });
}

/// Fonts named by `--fonts` and `$CLIPFORGE_FONTS`, registered before anything runs.
fn register_fonts(flags: &[PathBuf]) -> Result<(), Error> {
    let from_env = std::env::var_os("CLIPFORGE_FONTS").map(|v| std::env::split_paths(&v).collect::<Vec<_>>()).unwrap_or_default();
    for path in flags.iter().chain(from_env.iter().filter(|p| !p.as_os_str().is_empty())) {
        clipforge::register_font_path(path)?;
    }
    Ok(())
}

fn run(cli: Cli, cancel: &CancelToken) -> Result<bool, Error> {
    register_fonts(&cli.fonts)?;
    match cli.command {
        Command::Export { recipe, json, models } => export(&recipe, json, &models, cancel).map(|_| true),
        Command::Probe { file, json } => probe(&file, json).map(|_| true),
        Command::Template { action } => template::run(action, cancel).map(|_| true),
        Command::UploadPlan(args) => upload::plan(args).map(|_| true),
        Command::Upload(args) => upload::upload(args).map(|_| true),
        Command::Thumbnails(args) => editor::run_thumbnails(args).map(|_| true),
        Command::Frame(args) => editor::run_frame(args).map(|_| true),
        Command::Waveform(args) => editor::run_waveform(args).map(|_| true),
        Command::LoopPoints(args) => analysis::loop_points_cmd(args).map(|_| true),
        Command::ReframePath(args) => analysis::reframe_path_cmd(args).map(|_| true),
        Command::Preview(args) => preview::preview(args, cancel).map(|_| true),
        Command::Profile { action } => preview::profile(action).map(|_| true),
        Command::Golden { action: GoldenAction::Run { cases, report, root, models } } => {
            models.register_if_found()?;
            golden_run(&root, &cases, report.as_deref())
        }
        Command::Golden { action: GoldenAction::Bless { cases, root, models } } => {
            models.register_if_found()?;
            golden_bless(&root, &cases).map(|_| true)
        }
    }
}

fn work_dir() -> Result<tempfile::TempDir, Error> {
    tempfile::tempdir().map_err(|e| Error::io(format!("cannot create a work folder: {e}")))
}

fn golden_run(root: &std::path::Path, names: &[String], report: Option<&std::path::Path>) -> Result<bool, Error> {
    let work = work_dir()?;
    let mut results = Vec::new();
    let mut errors = 0;
    for case in golden::list_cases(root, names)? {
        match golden::run_case(&case, &work.path().join(&case.name)) {
            Ok(r) => {
                println!("{}", r.summary());
                results.push(r);
            }
            Err(e) => {
                println!("FAIL {}: error[{}]: {}", case.name, e.kind, e.message);
                errors += 1;
            }
        }
    }
    let failed = errors + results.iter().filter(|r| !r.passed()).count();
    let passed = results.len() + errors - failed;
    if let Some(dir) = report {
        let page = golden::write_report(dir, &results)?;
        println!("report: {}", page.display());
    }
    println!("{passed} passed, {failed} failed");
    Ok(failed == 0)
}

fn golden_bless(root: &std::path::Path, names: &[String]) -> Result<(), Error> {
    let work = work_dir()?;
    for case in golden::list_cases(root, names)? {
        let changes = golden::bless_case(&case, &work.path().join(&case.name))?;
        if changes.is_empty() {
            println!("{}: unchanged", case.name);
        } else {
            println!("{}: {} change(s)", case.name, changes.len());
            for c in changes {
                println!("  {c}");
            }
        }
    }
    Ok(())
}

fn export(path: &std::path::Path, json: bool, models: &analysis::SubjectModelArgs, cancel: &CancelToken) -> Result<(), Error> {
    let recipe = Recipe::from_file(path)?;
    if recipe.uses_fit(clipforge::Fit::Smart) {
        models.register()?;
    }
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(1000);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} exporting [{bar:40}] {percent:>3}% {elapsed_precise}")
                .expect("static template")
                .progress_chars("=> "),
        );
        bar
    });
    let on_progress = |p: f32| {
        if let Some(b) = &bar {
            b.set_position((p * 1000.0) as u64);
        }
    };
    let result = clipforge::export(&recipe, &on_progress, cancel);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    for r in result? {
        if json {
            println!("{}", serde_json::to_string(&r).map_err(|e| Error::internal(e.to_string()))?);
        } else {
            println!("{}  {}x{}  {:.3}s  {} frames  {} bytes", r.path.display(), r.width, r.height, r.duration, r.frames, r.bytes);
            if let Some(w) = r.loop_window {
                let how = if w.seamless { "seamless" } else { "no good loop in the clip; its seam may show" };
                println!("  loop window {:.3}–{:.3}s  score {:.3}  ({how})", w.start, w.end, w.score);
            }
            if let Some(s) = &r.smart {
                let how = if s.fallback { "nothing found: centred crop" } else { "following the subject" };
                println!("  smart: subject in {:.0} % of frames ({how})", s.subject_frames * 100.0);
            }
            if !r.missing_glyphs.is_empty() {
                eprintln!("warning: no font has {} (drawn as empty boxes; see --fonts)", r.missing_glyphs.join(" "));
            }
        }
    }
    Ok(())
}

fn probe(file: &std::path::Path, json: bool) -> Result<(), Error> {
    let info = clipforge::probe(file)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&info).map_err(|e| Error::internal(e.to_string()))?);
        return Ok(());
    }
    println!("{}: {} , {:.3} s, {} bytes", file.display(), info.container, info.duration, info.size_bytes);
    for s in &info.streams {
        match (&s.video, &s.audio) {
            (Some(v), _) => println!(
                "  #{} video {} {}x{} rot {} → {}x{} {:.3} fps {}",
                s.index, s.codec, v.width, v.height, v.rotation, v.display_width, v.display_height, v.fps, v.pixel_format
            ),
            (_, Some(a)) => println!("  #{} audio {} {} Hz {} ch {}", s.index, s.codec, a.sample_rate, a.channels, a.sample_format),
            _ => println!("  #{} {} {}", s.index, s.kind, s.codec),
        }
    }
    Ok(())
}
