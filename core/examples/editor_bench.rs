//! Editor calls, timed the way an app uses them (bench/editor.sh runs this; docs/BENCHMARKS.md).
//!
//!   editor_bench CLIP_15S CLIP_30S REPS
//!
//! - thumbnails: 10 of CLIP_15S at 160 px high, from the call to the last picture (open included);
//! - scrubbing: a FrameReader at 360 px; the first call, then a finger dragging forward (every
//!   0.1 s of the clip, 149 calls), dragging back (every 0.1 s backwards), and 20 random times;
//! - waveform: 1000 buckets of CLIP_30S.
//!
//! Prints median (and p90) milliseconds per measurement.

use std::path::Path;
use std::time::Instant;

use clipforge::editor::{thumbnails, waveform, FrameReader};

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// CPU time of the whole process so far (every thread, finished ones too), milliseconds; the
/// kernel counts it in 10 ms ticks, so it is only meaningful summed over many calls.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) * 10.0
}

fn quantile(v: &[f64], q: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}

fn summary(v: &[f64]) -> String {
    format!("median {:.1} ms, p90 {:.1} ms, max {:.1} ms (n = {})", quantile(v, 0.5), quantile(v, 0.9), quantile(v, 1.0), v.len())
}

/// Deterministic pseudo-random numbers in [0, 1).
fn lcg(seed: &mut u64) -> f64 {
    *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (*seed >> 11) as f64 / (1u64 << 53) as f64
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (clip15, clip30) = (Path::new(&args[1]), Path::new(&args[2]));
    let reps: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(5);

    let c0 = cpu_ms();
    let mut thumbs = Vec::new();
    let mut first_thumb = Vec::new();
    for _ in 0..reps {
        let t0 = Instant::now();
        let mut n = 0;
        for t in thumbnails(clip15, 10, 160).expect("thumbnails") {
            t.expect("thumbnail");
            if n == 0 {
                first_thumb.push(ms(t0));
            }
            n += 1;
        }
        assert_eq!(n, 10);
        thumbs.push(ms(t0));
    }
    println!("thumbnails 10 x 160p of a 15 s 1080p clip, whole strip: {}", summary(&thumbs));
    println!("thumbnails, first picture: {}", summary(&first_thumb));
    println!("thumbnails: CPU {:.0} ms per strip", (cpu_ms() - c0) / reps as f64);

    let (mut open, mut first, mut forward, mut backward, mut random) = (vec![], vec![], vec![], vec![], vec![]);
    let mut seed = 42u64;
    let mut cpu = [0.0f64; 4];
    for _ in 0..reps {
        let c = cpu_ms();
        let t0 = Instant::now();
        let mut r = FrameReader::open(clip15, 360).expect("open");
        open.push(ms(t0));
        let t0 = Instant::now();
        r.frame_at(0.0).expect("frame");
        first.push(ms(t0));
        cpu[0] += cpu_ms() - c;
        let c = cpu_ms();
        for i in 1..150 {
            let t0 = Instant::now();
            r.frame_at(f64::from(i) * 0.1).expect("frame");
            forward.push(ms(t0));
        }
        cpu[1] += cpu_ms() - c;
        let c = cpu_ms();
        for i in (0..149).rev() {
            let t0 = Instant::now();
            r.frame_at(f64::from(i) * 0.1).expect("frame");
            backward.push(ms(t0));
        }
        cpu[2] += cpu_ms() - c;
        let c = cpu_ms();
        for _ in 0..20 {
            let t = lcg(&mut seed) * 15.0;
            let t0 = Instant::now();
            r.frame_at(t).expect("frame");
            random.push(ms(t0));
        }
        cpu[3] += cpu_ms() - c;
    }
    println!("FrameReader::open (360p): {}", summary(&open));
    println!("frame_at, first call: {}", summary(&first));
    println!("frame_at, dragging forward 0.1 s a call: {}", summary(&forward));
    println!("frame_at, dragging back 0.1 s a call: {}", summary(&backward));
    println!("frame_at, random times: {}", summary(&random));
    let n = reps as f64;
    println!(
        "CPU ms: open + first call {:.0}; per forward call {:.1}; per backward call {:.1}; per random call {:.1}",
        cpu[0] / n,
        cpu[1] / n / 149.0,
        cpu[2] / n / 149.0,
        cpu[3] / n / 20.0
    );

    let c0 = cpu_ms();
    let mut wave = Vec::new();
    for _ in 0..reps {
        let t0 = Instant::now();
        let w = waveform(clip30, 1000).expect("waveform");
        wave.push(ms(t0));
        assert_eq!(w.peaks.len(), 1000);
    }
    println!("waveform 1000 buckets of a 30 s clip: {}", summary(&wave));
    println!("waveform: CPU {:.0} ms per call", (cpu_ms() - c0) / reps as f64);
}
