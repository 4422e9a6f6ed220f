//! Sources that change or lie, and a disk that fills: a source cut short while it is exported, a
//! file whose index claims far more than it holds, writes that fail half way. Each ends in a typed
//! error with nothing written, under the memory cap — never a clip of frozen frames and exit 0.

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use clipforge_e2e::*;

fn repeat_recipe(source: &str, end: Option<f64>) -> Value {
    let trim = match end {
        Some(e) => json!({ "start": 0.0, "end": e }),
        None => json!({ "start": 0.0 }),
    };
    json!({
        "version": 1, "source": source, "trim": trim,
        "loop": { "mode": "repeat", "duration": 8.0 },
        "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 360 }]
    })
}

/// A 8 s source long enough to be cut while it is read (made with the ffmpeg CLI).
fn long_source(work: &Workdir) -> std::path::PathBuf {
    let p = work.path("long.mp4");
    let ok = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=8"])
        .args(["-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p"])
        .arg(&p)
        .status()
        .expect("ffmpeg")
        .success();
    assert!(ok, "ffmpeg could not make the source");
    p
}

#[test]
fn a_source_truncated_during_the_export_fails_it() {
    let work = Workdir::new();
    let src = long_source(&work);
    let len = std::fs::metadata(&src).unwrap().len();
    let cut = std::sync::atomic::AtomicBool::new(false);
    let progress = |p: f32| {
        if p > 0.02 && !cut.swap(true, std::sync::atomic::Ordering::SeqCst) {
            std::fs::OpenOptions::new().write(true).open(&src).unwrap().set_len(len / 3).unwrap();
        }
    };
    let e = work.export_with(&repeat_recipe("long.mp4", Some(8.0)), &progress, &CancelToken::new()).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Io | ErrorKind::UnsupportedInput), "{:?}: {}", e.kind, e.message);
    assert!(e.message.contains("long.mp4"), "{}", e.message);
    assert_eq!(work.unexpected_files(&["long.mp4", "recipe.json"]), Vec::<String>::new());
}

#[test]
fn a_source_truncated_before_the_export_is_named_not_frozen() {
    let work = Workdir::new();
    let src = long_source(&work);
    // The index (at the end of an ffmpeg-made MP4) moved to the front keeps the file openable.
    let fast = work.path("fast.mp4");
    let ok = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-i"])
        .arg(&src)
        .args(["-c", "copy", "-movflags", "+faststart"])
        .arg(&fast)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let len = std::fs::metadata(&fast).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&fast).unwrap().set_len(len / 3).unwrap();
    work.write_recipe(&repeat_recipe("fast.mp4", None));
    let run = run_cli_measured(work.dir.path(), &["export", "recipe.json"], 120);
    let (kind, msg) = run.error_line();
    assert_eq!(kind, "UnsupportedInput", "{msg}");
    assert!(msg.contains("truncated or damaged"), "{msg}");
    assert!(run.peak_rss_mb < PEAK_RSS_LIMIT_MB, "{:.0} MB", run.peak_rss_mb);
    assert_eq!(work.unexpected_files(&["long.mp4", "fast.mp4", "recipe.json"]), Vec::<String>::new());
}

/// Every 32-bit duration field of the MP4's movie/track/media headers set to its maximum: the
/// container claims 49 days (timescale 1000) or more for 8 s of video.
fn claim_forever(path: &std::path::Path) {
    let mut data = std::fs::read(path).unwrap();
    for (tag, offset) in [(b"mvhd", 16usize), (b"tkhd", 20), (b"mdhd", 16)] {
        let mut i = 0;
        while let Some(at) = data[i..].windows(4).position(|w| w == tag) {
            let box_start = i + at + 4; // version byte
            if data[box_start] == 0 {
                let d = box_start + offset;
                data[d..d + 4].copy_from_slice(&u32::MAX.to_be_bytes());
            }
            i = box_start;
        }
    }
    std::fs::write(path, data).unwrap();
}

#[test]
fn a_claimed_duration_never_sizes_memory() {
    let work = Workdir::new();
    let src = long_source(&work);
    claim_forever(&src);
    let info = clipforge::probe(&src).unwrap();
    assert!(info.duration > 1e5, "the patched file should claim a long duration: {}", info.duration);
    // A short loop of its start only reads that start.
    work.write_recipe(&repeat_recipe("long.mp4", None));
    let run = run_cli_measured(work.dir.path(), &["export", "recipe.json"], 120);
    assert!(run.peak_rss_mb < PEAK_RSS_LIMIT_MB, "{:.0} MB", run.peak_rss_mb);
    assert!(run.output.status.success(), "{}", run.stderr());
    let out = decode_video(&work.path("out.mp4"));
    assert_eq!(out.frame_count(), 240);
}

#[test]
fn a_full_disk_fails_with_io_and_leaves_nothing() {
    let work = Workdir::with_fixture("counter.mp4");
    work.write_recipe(&repeat_recipe("counter.mp4", Some(2.0)));
    let before = work.files();
    let mut cmd = Command::new(clipforge_bin());
    cmd.args(["export", "recipe.json"]).current_dir(work.dir.path()).stdout(Stdio::null()).stderr(Stdio::piped());
    // SAFETY: only async-signal-safe calls between fork and exec: the child's files may not grow
    // past 64 kB (what a full disk looks like to it), and the signal for that is ignored so the
    // write fails with EFBIG instead of killing it.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit { rlim_cur: 64 << 10, rlim_max: 64 << 10 };
            libc::setrlimit(libc::RLIMIT_FSIZE, &lim);
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success());
    assert!(stderr.starts_with("error[Io]: ") && stderr.lines().count() == 1, "{stderr}");
    assert_eq!(work.files(), before);
}
