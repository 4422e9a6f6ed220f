//! Where the analysis passes spend their time (bench/analysis.sh runs this):
//!
//!   cargo run --release --example analysis_bench -- loops CLIP [END] [REPS]
//!   cargo run --release --example analysis_bench -- smart CLIP ORT_LIB FACE_MODEL SALIENCY_MODEL [END] [REPS] [INTERVAL]
//!
//! `loops`: decoding to thumbnails, then the search on them. `smart`: model loading, then the
//! whole analysis (decode + faces + saliency + cuts), then the path for 9:16. Median of REPS runs;
//! CPU time (user + sys of the process) is printed too, being steadier than wall time on a busy box.

use std::path::Path;
use std::time::Instant;

use clipforge::analysis::loop_points::search_thumbs;
use clipforge::analysis::reframe_path::{crop_size, reframe_path, PathOptions};
use clipforge::analysis::subject::{SubjectAnalysis, SubjectModels, SubjectOptions};
use clipforge::analysis::thumbs::luma_thumbnails;
use clipforge::analysis::LoopSearch;
use clipforge::onnx::ModelSource;
use clipforge::CancelToken;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// User + system CPU seconds of this process so far.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cancel = CancelToken::new();
    match args.first().map(String::as_str) {
        Some("loops") => {
            let clip = Path::new(&args[1]);
            let end = args.get(2).map(|s| s.parse()).transpose()?;
            let reps: usize = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(3);
            let search = LoopSearch { end, ..Default::default() };
            let (mut thumbs_ms, mut search_ms, mut cpu) = (vec![], vec![], vec![]);
            for _ in 0..reps {
                let c0 = cpu_seconds();
                let t = Instant::now();
                let thumbs = luma_thumbnails(clip, 0.0, end.map(|e: f64| e + 0.15), &cancel)?;
                thumbs_ms.push(ms(t));
                let t = Instant::now();
                let best = search_thumbs(&thumbs, &search)?;
                search_ms.push(ms(t));
                cpu.push((cpu_seconds() - c0) * 1000.0);
                eprintln!("  {} thumbnails {}x{}; best {:?}", thumbs.len(), thumbs.width, thumbs.height, best[0]);
            }
            let (a, b) = (median(thumbs_ms), median(search_ms));
            println!("loops: decode to thumbnails {a:.0} ms + search {b:.0} ms = {:.0} ms (median of {reps}); CPU {:.0} ms", a + b, median(cpu));
        }
        Some("smart") => {
            let (clip, ort, faces, sal) = (Path::new(&args[1]), Path::new(&args[2]), Path::new(&args[3]), Path::new(&args[4]));
            let end = args.get(5).map(|s| s.parse()).transpose()?;
            let reps: usize = args.get(6).map(|s| s.parse()).transpose()?.unwrap_or(3);
            let interval: f64 = args.get(7).map(|s| s.parse()).transpose()?.unwrap_or(SubjectOptions::default().interval);
            let t = Instant::now();
            let models = SubjectModels { runtime_lib: ort, faces: ModelSource::Path(faces), saliency: Some(ModelSource::Path(sal)), threads: 2 };
            let mut analysis = SubjectAnalysis::new(&models)?;
            let load_ms = ms(t);
            let (mut run_ms, mut path_ms, mut cpu) = (vec![], vec![], vec![]);
            for _ in 0..reps {
                let c0 = cpu_seconds();
                let t = Instant::now();
                let track = analysis.analyze(clip, &SubjectOptions { start: 0.0, end, interval }, &cancel)?;
                run_ms.push(ms(t));
                let t = Instant::now();
                let crop = crop_size(track.width, track.height, 9, 16);
                let path = reframe_path(&track, crop, &PathOptions::covering(&track, 30.0))?;
                path_ms.push(ms(t));
                cpu.push((cpu_seconds() - c0) * 1000.0);
                let faces = track.samples.iter().filter(|s| s.detections.iter().any(|d| d.kind == clipforge::analysis::SubjectKind::Face)).count();
                eprintln!("  {} samples ({faces} with a face), {} frames, cuts {:?}", track.samples.len(), path.windows.len(), track.cuts);
            }
            println!(
                "smart: models {load_ms:.0} ms (once); analysis {:.0} ms + 9:16 path {:.1} ms (median of {reps}, interval {interval} s); CPU {:.0} ms",
                median(run_ms),
                median(path_ms),
                median(cpu)
            );
        }
        _ => {
            eprintln!("usage: analysis_bench loops CLIP [END] [REPS] | smart CLIP ORT_LIB FACE_MODEL SALIENCY_MODEL [END] [REPS] [INTERVAL]");
            std::process::exit(2);
        }
    }
    Ok(())
}
