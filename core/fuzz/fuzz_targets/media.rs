//! Media bytes → a file → the library's FFmpeg wrapper as an export uses it: `open_input`
//! (local-file checks, demuxer allow-list), `probe_input`, `Plan::new` for a small looped output of
//! the whole clip, then `VideoDecoder` / `AudioDecoder` over the first packets, the audio decoder
//! collecting the plan's segment as the export does. Where the plan refuses the file, the decoders
//! still run at a preview's working size, as the preview's frame sampling does without a plan.
//! Every failure must be a typed error; decoding must stay within the memory and time caps.
#![no_main]

#[path = "../common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use clipforge::plan::{ClipKind, Plan, AUDIO_PREROLL};
use clipforge::source::asset::Asset;
use clipforge::source::audio::AudioDecoder;
use clipforge::source::open::open_input;
use clipforge::source::packets::PacketReader;
use clipforge::source::probe::probe_input;
use clipforge::source::video::VideoDecoder;
use clipforge::Recipe;
use ffmpeg_next as ff;
use libfuzzer_sys::fuzz_target;

/// Enough packets for a few GOPs of interleaved audio and video, and the frames they give.
const MAX_PACKETS: usize = 300;
const MAX_FRAMES: usize = 12;
/// Seconds of audio collected when there is no plan.
const AUDIO_SECONDS: f64 = 1.0;

fn paths() -> &'static (PathBuf, Recipe) {
    static P: OnceLock<(PathBuf, Recipe)> = OnceLock::new();
    P.get_or_init(|| {
        let dir = common::scratch().join("media");
        std::fs::create_dir_all(&dir).unwrap();
        // No trim: the segment is the whole clip, as long as the file says it is.
        let json = r#"{ "version": 1, "source": "clip", "loop": { "mode": "repeat", "duration": 6 },
            "outputs": [{ "path": "out.mp4", "aspect": "9:16", "height": 64 }] }"#;
        let recipe = Recipe::from_json(json, Some(&dir)).expect("the target's recipe");
        (dir.join("clip"), recipe)
    })
}

fuzz_target!(|data: &[u8]| {
    let _watch = common::watch();
    let (path, recipe) = paths();
    std::fs::write(path, data).expect("writing the input file");
    let Ok(mut input) = open_input(path) else { return };
    let info = probe_input(&input, path);
    let Some((_, v)) = info.video() else { return };
    let (rotation, work, audio_range) = match Plan::new(recipe, &[Asset::Video(info.clone())]) {
        // The audio range as the export sets it: the clip with its pre-roll, to the end of the
        // longest pass.
        Ok(plan) => {
            let (o, c) = (&plan.outputs[0], &plan.composition.clips[0]);
            let end = c.src_end.max(c.src_start + f64::from(o.timeline.seg_frames) / o.fps_f64());
            let ClipKind::Video { rotation, .. } = c.kind else { return };
            (rotation, c.work_size, ((c.src_start - AUDIO_PREROLL).max(0.0), end))
        }
        // Sizes the plan refuses are never decoded; others are, by the preview's sampling.
        Err(_) if v.width > 8192 || v.height > 8192 || u64::from(v.width) * u64::from(v.height) > 8192 * 4320 => return,
        Err(_) if v.display_width < 2 || v.display_height < 2 => return,
        Err(_) => (v.rotation, preview_size(v.display_width, v.display_height), (0.0, AUDIO_SECONDS)),
    };
    let Some(vstream) = input.streams().best(ff::media::Type::Video) else { return };
    let vindex = vstream.index();
    let Ok(mut vdec) = VideoDecoder::new(&vstream, rotation, work.0, work.1) else { return };
    let mut adec = input.streams().best(ff::media::Type::Audio).and_then(|s| Some((s.index(), AudioDecoder::new(&s, audio_range.0, audio_range.1).ok()?)));
    let mut reader = PacketReader::default();
    let mut frames = 0;
    let mut check = |vdec: &mut VideoDecoder| -> bool {
        while let Ok(Some((t, f))) = vdec.receive() {
            assert!(t.is_finite(), "frame time {t}");
            assert_eq!((f.width, f.height), work, "decoded frames come at the working size");
            assert_eq!(f.y.len(), (f.width * f.height) as usize);
            frames += 1;
        }
        frames >= MAX_FRAMES
    };
    for _ in 0..MAX_PACKETS {
        let Some(packet) = reader.next(&mut input) else { break };
        if packet.stream() == vindex {
            vdec.send(&packet);
            if check(&mut vdec) {
                break;
            }
        } else if let Some((aindex, dec)) = adec.as_mut() {
            if packet.stream() == *aindex && dec.send(&packet).is_err() {
                adec = None;
            }
        }
    }
    vdec.send_eof();
    check(&mut vdec);
    if let Some((_, dec)) = adec {
        if let Ok(clip) = dec.finish() {
            // Samples may be NaN (float PCM carries any bit pattern): the AAC encoder refuses those.
            let frames = ((audio_range.1 - audio_range.0) * 48_000.0).round() as usize;
            assert_eq!(clip.samples.len(), frames * 2);
        }
    }
});

/// The preview's working size (short side 160, aspect kept, never upscaled).
fn preview_size(w: u32, h: u32) -> (u32, u32) {
    let s = (160.0 / f64::from(w.min(h))).min(1.0);
    let even = |x: f64| ((x / 2.0).round() as u32 * 2).max(2);
    (even(f64::from(w) * s), even(f64::from(h) * s))
}
