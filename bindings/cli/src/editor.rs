//! `clipforge thumbnails`, `frame` and `waveform`: arguments to the core's editor calls, results
//! to picture files and JSON.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use clipforge::editor::{thumbnails, waveform, FrameReader, ImageFormat};
use clipforge::Error;
use serde_json::json;

#[derive(Args)]
pub struct ThumbnailsArgs {
    clip: PathBuf,
    /// How many pictures, evenly spread over the clip (1–1000).
    #[arg(long, default_value_t = 10)]
    count: u32,
    /// Picture height in pixels (16–4320; never more than the source's).
    #[arg(long, default_value_t = 160)]
    height: u32,
    /// Folder for `<clip>.thumb-NN.<ext>` (created if missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    out_dir: PathBuf,
    #[arg(long, value_enum, default_value_t = PictureFormat::Jpeg)]
    format: PictureFormat,
    /// One JSON object per picture, as each is written.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct FrameArgs {
    clip: PathBuf,
    /// Seconds into the clip: the frame shown then is written.
    #[arg(long, value_name = "SECONDS")]
    at: f64,
    /// Picture file; PNG or JPEG by its extension.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    out: PathBuf,
    /// Picture height in pixels (default: the source's).
    #[arg(long)]
    height: Option<u32>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct WaveformArgs {
    clip: PathBuf,
    /// How many equal stretches of the clip get a min/max peak (1–100000).
    #[arg(long, default_value_t = 200)]
    buckets: u32,
    /// Print JSON: {"duration", "has_audio", "peaks": [{"min", "max"}, …]}.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum PictureFormat {
    Jpeg,
    Png,
}

fn stem(clip: &Path) -> String {
    clip.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "clip".into())
}

pub fn run_thumbnails(a: ThumbnailsArgs) -> Result<(), Error> {
    let format = match a.format {
        PictureFormat::Jpeg => ImageFormat::Jpeg,
        PictureFormat::Png => ImageFormat::Png,
    };
    std::fs::create_dir_all(&a.out_dir).map_err(|e| Error::io_at(&a.out_dir, e))?;
    let strip = thumbnails(&a.clip, a.count, a.height)?;
    for thumb in strip {
        let t = thumb?;
        let path = a.out_dir.join(format!("{}.thumb-{:02}.{}", stem(&a.clip), t.index, format.extension()));
        t.picture.write(&path, format)?;
        if a.json {
            let line = json!({ "index": t.index, "time": t.time, "keyframe": t.keyframe, "path": path,
                               "width": t.picture.width, "height": t.picture.height });
            println!("{line}");
        } else {
            println!("{:>3}  {:8.3} s  {}  {}", t.index, t.time, if t.keyframe { "key" } else { "   " }, path.display());
        }
    }
    Ok(())
}

pub fn run_frame(a: FrameArgs) -> Result<(), Error> {
    let format = ImageFormat::from_path(&a.out)
        .filter(|f| *f != ImageFormat::Rgba)
        .ok_or_else(|| Error::invalid(format!("{}: the picture file must end in .png or .jpg", a.out.display())))?;
    let height = match a.height {
        Some(h) => h,
        None => clipforge::probe(&a.clip)?.video().map(|(_, v)| v.display_height).unwrap_or(1080),
    };
    let mut reader = FrameReader::open(&a.clip, height)?;
    let f = reader.frame_at(a.at)?;
    f.picture.write(&a.out, format)?;
    if a.json {
        println!("{}", json!({ "time": f.time, "path": a.out, "width": f.picture.width, "height": f.picture.height }));
    } else {
        println!("{:.3} s  {}x{}  {}", f.time, f.picture.width, f.picture.height, a.out.display());
    }
    Ok(())
}

pub fn run_waveform(a: WaveformArgs) -> Result<(), Error> {
    let w = waveform(&a.clip, a.buckets)?;
    if a.json {
        println!("{}", serde_json::to_string(&w).map_err(|e| Error::internal(e.to_string()))?);
        return Ok(());
    }
    // A small text picture: one column per bucket group, the louder the taller.
    println!("{:.3} s, {} buckets{}", w.duration, w.peaks.len(), if w.has_audio { "" } else { ", no audio track" });
    let cols = w.peaks.len().min(80);
    let line: String = (0..cols)
        .map(|c| {
            let group = &w.peaks[c * w.peaks.len() / cols..((c + 1) * w.peaks.len() / cols).max(c * w.peaks.len() / cols + 1)];
            let level = group.iter().map(|p| p.max.max(-p.min)).fold(0f32, f32::max);
            [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'][((level * 8.0).round() as usize).min(8)]
        })
        .collect();
    println!("{line}");
    Ok(())
}
