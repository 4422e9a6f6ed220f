//! The `clipforge` command: a thin translation of arguments to core calls and results to text/JSON.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use clipforge::{CancelToken, Error, Recipe};

#[derive(Parser)]
#[command(name = "clipforge", version, about = "Turn raw footage into 6–30 s micro-video loops")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Export every output of a recipe (one decode pass).
    Export {
        recipe: PathBuf,
        /// Print one JSON object per output instead of a summary.
        #[arg(long)]
        json: bool,
    },
    /// Show container, duration and streams of a media file.
    Probe {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error[{}]: {}", e.kind, e.message);
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Export { recipe, json } => export(&recipe, json),
        Command::Probe { file, json } => probe(&file, json),
    }
}

fn export(path: &std::path::Path, json: bool) -> Result<(), Error> {
    let recipe = Recipe::from_file(path)?;
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
    let result = clipforge::export(&recipe, &on_progress, &CancelToken::new());
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    for r in result? {
        if json {
            println!("{}", serde_json::to_string(&r).map_err(|e| Error::internal(e.to_string()))?);
        } else {
            println!("{}  {}x{}  {:.3}s  {} frames  {} bytes", r.path.display(), r.width, r.height, r.duration, r.frames, r.bytes);
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
