//! What several targets share: a scratch folder that lives for the whole fuzzing process, and the
//! probe facts of a typical phone clip for planning without a real file.
#![allow(dead_code)] // each target uses a part

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use clipforge::source::probe::{AudioStreamInfo, VideoStreamInfo};
use clipforge::{MediaInfo, StreamInfo};

/// A folder for the process (removed on normal exit; libFuzzer's crash exit leaves it in $TMPDIR).
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::Builder::new().prefix("clipforge-fuzz-").tempdir().expect("a temporary folder")).path()
}

/// The repository's fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// A 12 s portrait phone clip: 1920x1080 H.264 stored with a 90° display matrix, 30 fps, AAC
/// stereo at 48 kHz — what `probe` reports for such a file.
pub fn phone_clip() -> MediaInfo {
    MediaInfo {
        container: "mov,mp4,m4a,3gp,3g2,mj2".into(),
        duration: 12.0,
        size_bytes: 24_000_000,
        streams: vec![
            StreamInfo {
                index: 0,
                kind: "video".into(),
                codec: "h264".into(),
                duration: 12.0,
                video: Some(VideoStreamInfo {
                    width: 1920,
                    height: 1080,
                    rotation: 90,
                    display_width: 1080,
                    display_height: 1920,
                    fps: 30.0,
                    pixel_format: "yuv420p".into(),
                    hdr: Default::default(),
                    mirror: false,
                }),
                audio: None,
            },
            StreamInfo {
                index: 1,
                kind: "audio".into(),
                codec: "aac".into(),
                duration: 12.0,
                video: None,
                audio: Some(AudioStreamInfo { sample_rate: 48_000, channels: 2, sample_format: "fltp".into() }),
            },
        ],
    }
}

/// A clip whose container states no duration (a raw MPEG-TS capture, a damaged index): 640x360,
/// no audio. Then the recipe's trim decides every length.
pub fn unknown_duration_clip() -> MediaInfo {
    let mut info = phone_clip();
    info.container = "mpegts".into();
    info.duration = 0.0;
    info.streams.truncate(1);
    let s = &mut info.streams[0];
    s.duration = 0.0;
    s.video = Some(VideoStreamInfo { width: 640, height: 360, rotation: 0, display_width: 640, display_height: 360, fps: 0.0, pixel_format: "yuv420p".into(), hdr: Default::default(), mirror: false });
    info
}

/// Makes libFuzzer's `-timeout` hold in targets that start threads (rayon, FFmpeg's decoders).
/// libFuzzer's timer is a process-wide SIGALRM that it ignores unless the fuzzing thread receives
/// it, and the kernel may hand it to any thread: a slow input could run on unreported. While an
/// input runs longer than a second, a watchdog sends SIGALRM to the fuzzing thread itself, once a
/// second; libFuzzer's handler compares the input's run time with `-timeout` and reports a timeout
/// (with the input saved) once it is over.
pub struct Watch;

static RUNNING: std::sync::Mutex<Option<(libc::pthread_t, std::time::Instant)>> = std::sync::Mutex::new(None);

pub fn watch() -> Watch {
    static WATCHDOG: OnceLock<()> = OnceLock::new();
    WATCHDOG.get_or_init(|| {
        std::thread::spawn(|| loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
            if let Some((thread, since)) = *RUNNING.lock().unwrap_or_else(|p| p.into_inner()) {
                if since.elapsed().as_secs() >= 1 {
                    // SAFETY: `thread` is the fuzzing thread, which lives as long as the process.
                    unsafe { libc::pthread_kill(thread, libc::SIGALRM) };
                }
            }
        });
    });
    // SAFETY: pthread_self has no preconditions.
    *RUNNING.lock().unwrap_or_else(|p| p.into_inner()) = Some((unsafe { libc::pthread_self() }, std::time::Instant::now()));
    Watch
}

impl Drop for Watch {
    fn drop(&mut self) {
        *RUNNING.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}
