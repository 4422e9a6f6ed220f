//! A trim starts on exactly the right frame however the container seeks. Muted exports seek
//! straight to the keyframe at or before the trim in MP4/MKV (indexed), and with slack in MPEG-TS,
//! whose seeks are estimates; exports with audio always keep slack for the audio preroll.

use std::process::Command;

use clipforge_e2e::*;

/// The first three source frame numbers an export of `counter.<container>` trimmed at `start` shows.
fn first_frames_shown(container: &str, start: f64, mute: bool) -> Vec<u32> {
    let work = Workdir::with_fixture("counter.mp4");
    let src = format!("counter.{container}");
    if container != "mp4" {
        let ok = Command::new("ffmpeg")
            .args(["-v", "error", "-nostdin", "-y", "-i"])
            .arg(work.path("counter.mp4"))
            .args(["-c", "copy"])
            .arg(work.path(&src))
            .status()
            .expect("ffmpeg runs")
            .success();
        assert!(ok, "remuxing counter.mp4 to {container}");
    }
    let recipe = json!({
        "version": 1, "source": src,
        "trim": { "start": start, "end": start + 1.0 },
        "loop": { "mode": "repeat", "duration": 6.0 },
        "audio": { "mute": mute },
        "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 360 }]
    });
    work.export_ok(&recipe);
    let dec = decode_first_frames(&work.path("out.mp4"), 3);
    let map = Placement::for_fit("crop", (1280, 720), (640, 360)).mapper();
    (0..3).map(|k| read_barcode(dec.frame(k), &map)).collect()
}

#[test]
fn trims_start_on_the_right_frame_in_every_container() {
    // The counter has a keyframe every second: 2.0 is one, 2.5 and 3.9 are mid-GOP.
    for container in ["mp4", "mkv", "ts"] {
        for (start, first) in [(2.0, 60), (2.5, 75), (3.9, 117)] {
            for mute in [true, false] {
                let shown = first_frames_shown(container, start, mute);
                assert_eq!(shown, vec![first, first + 1, first + 2], "{container}, trim at {start} s, mute {mute}");
            }
        }
    }
}
