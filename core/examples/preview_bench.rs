//! Preview personalization benchmark (run by bench/preview.sh):
//! per-frame embedding latency for a model, and the whole `preview` of a clip, model loaded.
//!
//!   cargo run --release -p clipforge --example preview_bench -- ORT_LIB MODEL CLIP LIKED_CLIP [REPS]

use std::path::PathBuf;
use std::time::Instant;

use clipforge::preview::{candidates, ModelSource, PreviewEvent, PreviewOptions, PreviewRanker, TasteProfile};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// CPU seconds (user + system, all threads) of this process so far: unlike wall time on a shared
/// machine, it does not grow with other people's load. Linux only; 0 elsewhere.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the ')'; clock ticks of 1/100 s.
    let tick = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 5 {
        eprintln!("usage: preview_bench ORT_LIB MODEL CLIP LIKED_CLIP [REPS]");
        std::process::exit(2);
    }
    let (ort, model, clip, liked) = (PathBuf::from(&a[1]), PathBuf::from(&a[2]), PathBuf::from(&a[3]), PathBuf::from(&a[4]));
    let reps: usize = a.get(5).map_or(Ok(7), |s| s.parse())?;
    let name = model.file_name().unwrap().to_string_lossy().into_owned();

    let t = Instant::now();
    let mut r = PreviewRanker::new(&ort, ModelSource::Path(&model), 2)?;
    let load_ms = t.elapsed().as_secs_f64() * 1e3;

    // Per-frame latency on real candidate frames of the clip.
    let (cands, _) = candidates::sample(&clip, &candidates::SampleOptions::default())?;
    let frames: Vec<_> = cands.iter().map(|c| &c.frame).collect();
    let frames8: Vec<_> = frames.iter().cycle().take(8).copied().collect();
    r.embed(&frames8)?; // warm-up
    let per_frame = |r: &mut PreviewRanker, batch: &[&clipforge::frame::Frame]| -> Result<f64, clipforge::Error> {
        let mut v = Vec::new();
        for _ in 0..reps {
            let t = Instant::now();
            r.embed(batch)?;
            v.push(t.elapsed().as_secs_f64() * 1e3 / batch.len() as f64);
        }
        Ok(median(v))
    };
    let b1 = per_frame(&mut r, &frames8[..1])?;
    let b8 = per_frame(&mut r, &frames8)?;

    // Whole preview of the clip, 32 candidates, for a profile that liked LIKED_CLIP.
    let mut profile = TasteProfile::new();
    r.like_clip(&mut profile, &liked)?;
    let dir = tempfile::tempdir()?;
    let opts = PreviewOptions::default();
    let mut runs = Vec::new();
    // Progressive: when the first candidate's embedding (its event) and the poster file were ready.
    let (mut first, mut poster) = (Vec::new(), Vec::new());
    let cpu0 = cpu_seconds();
    for _ in 0..reps {
        let t = Instant::now();
        let (mut f, mut p) = (None, None);
        runs.push(r.preview_with(&clip, &profile, dir.path(), &opts, &mut |e| match e {
            PreviewEvent::Candidate { candidate, .. } if candidate.similarity.is_some() => {
                f.get_or_insert(t.elapsed().as_secs_f64() * 1e3);
            }
            PreviewEvent::Poster(_) => p = Some(t.elapsed().as_secs_f64() * 1e3),
            _ => {}
        })?);
        first.push(f.unwrap_or(f64::NAN));
        poster.push(p.unwrap_or(f64::NAN));
    }
    let (first, poster) = (median(first), median(poster));
    let cpu_ms = (cpu_seconds() - cpu0) * 1e3 / reps as f64;
    runs.sort_by(|a, b| a.timings.total_ms.total_cmp(&b.timings.total_ms));
    let m = &runs[runs.len() / 2];
    let cold = {
        let mut v: Vec<_> = (0..reps).map(|_| r.preview(&clip, &TasteProfile::new(), dir.path(), &opts)).collect::<Result<_, _>>()?;
        v.sort_by(|a, b| a.timings.total_ms.total_cmp(&b.timings.total_ms));
        v[v.len() / 2].timings.total_ms
    };
    println!(
        "| {name} | {load_ms:.0} | {b1:.1} | {b8:.1} | {} ({} embedded) | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {first:.0} | {poster:.0} | {cpu_ms:.0} | {:.0} | {} |",
        m.candidates.len(),
        m.timings.embedded,
        m.timings.sample_ms,
        m.timings.embed_ms,
        m.timings.poster_ms,
        m.timings.loop_ms,
        m.timings.total_ms,
        cold,
        m.preview_loop.bytes
    );
    Ok(())
}
