//! Signing cost of an export (docs/BENCHMARKS.md, bench/upload.sh):
//!
//!   cargo run --release -p clipforge --features golden,uploader,provenance --example sign_bench -- RECIPE.json [RUNS]
//!   (the workspace's feature set, so the core is not compiled again)
//!
//! Exports the recipe once without provenance, then signs a copy of its first output RUNS times as
//! the export would (the recipe's `provenance`, e.g. `{"ephemeral": true}`), and prints the median
//! and range of the preparing (key checks + source hash) and signing times, and the bytes added.

use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let recipe_path = args.get(1).ok_or("usage: sign_bench RECIPE.json [RUNS]")?;
    let runs: usize = args.get(2).map(|r| r.parse()).transpose()?.unwrap_or(10);
    let recipe = clipforge::Recipe::from_file(Path::new(recipe_path))?;
    let mut unsigned = recipe.clone();
    unsigned.provenance = None;
    let reports = clipforge::export(&unsigned, &|_| {}, &clipforge::CancelToken::new())?;
    let out = &reports[0];
    println!("export: {} ({:.1} s, {}x{}, {} bytes)", out.path.display(), out.duration, out.width, out.height, out.bytes);
    let dir = tempfile::tempdir()?;
    let (mut prep, mut sign, mut sign_cpu) = (Vec::new(), Vec::new(), Vec::new());
    let mut added = 0;
    for i in 0..runs {
        let copy = dir.path().join(format!("run{i}.mp4"));
        std::fs::copy(&out.path, &copy)?;
        let cpu0 = thread_cpu_ns();
        let (p, s) = clipforge::provenance::bench_sign(&recipe, 0, &copy)?;
        // Preparing and signing run on this thread: its CPU time is steadier than wall time on a busy machine.
        sign_cpu.push((thread_cpu_ns() - cpu0) as f64 / 1e6);
        prep.push(p.as_secs_f64() * 1e3);
        sign.push(s.as_secs_f64() * 1e3);
        added = std::fs::metadata(&copy)?.len() as i64 - out.bytes as i64;
    }
    let show = |name: &str, v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        println!("{name}: median {:.1} ms (min {:.1}, max {:.1}, {} runs)", v[v.len() / 2], v[0], v[v.len() - 1], v.len());
    };
    show("prepare (key checks + source SHA-256)", &mut prep);
    show("sign one output (manifest + BMFF hash + COSE), wall", &mut sign);
    show("prepare + sign, CPU time of the thread", &mut sign_cpu);
    println!("manifest adds {added} bytes");
    Ok(())
}

/// Time this thread has run on a CPU, in ns (Linux: /proc/thread-self/schedstat, first field).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}
