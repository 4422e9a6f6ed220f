//! The progressive preview: candidates reported as they are decoded and embedded, then the final
//! ranking, then the poster file before the loop; the same result as the plain call, whatever the
//! readers' timing; a cancel from the listener stops the sampling and leaves nothing behind.
//! Real model through real ONNX Runtime; the poster is checked by FFmpeg when its event arrives.

mod preview_common;

use clipforge::preview::{PreviewEvent, PreviewOptions, PreviewResult, TasteProfile};
use clipforge::ErrorKind;
use clipforge_e2e::decode_first_frames;
use preview_common::*;

/// What the listener saw: the events in order, and whether the poster file decoded when its event came.
struct Seen {
    events: Vec<PreviewEvent>,
    poster_decoded_on_event: Option<(u32, u32)>,
}

fn progressive(r: &mut clipforge::preview::PreviewRanker, p: &TasteProfile, dir: &std::path::Path) -> (PreviewResult, Seen) {
    let mut seen = Seen { events: Vec::new(), poster_decoded_on_event: None };
    let res = r
        .preview_with(&photo_clip("mixed.mp4"), p, dir, &PreviewOptions::default(), &mut |e| {
            if let PreviewEvent::Poster(poster) = &e {
                let d = decode_first_frames(&poster.path, 1);
                seen.poster_decoded_on_event = Some((d.width, d.height));
            }
            seen.events.push(e);
        })
        .unwrap();
    (res, seen)
}

#[test]
fn candidates_then_ranking_then_poster_and_the_same_result_as_the_plain_call() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = ranker(PHONE);
    let mut p = TasteProfile::new();
    r.like_clip(&mut p, &photo_clip("cat.mp4")).unwrap();
    let (res, seen) = progressive(&mut r, &p, dir.path());

    let kinds: Vec<&str> = seen
        .events
        .iter()
        .map(|e| match e {
            PreviewEvent::Candidate { .. } => "candidate",
            PreviewEvent::Ranked { .. } => "ranked",
            PreviewEvent::Poster(_) => "poster",
        })
        .collect();
    let n = res.candidates.len();
    assert!(n >= 12, "{n} candidates");
    assert_eq!(kinds[..n], vec!["candidate"; n][..], "{kinds:?}");
    assert_eq!(kinds[n..], ["ranked", "poster"], "{kinds:?}");

    // Every candidate reported once, with a similarity (a liked profile embeds each usable frame).
    let mut times: Vec<f64> = seen.events[..n]
        .iter()
        .map(|e| match e {
            PreviewEvent::Candidate { candidate, .. } => {
                assert!(candidate.similarity.is_some() || candidate.rejected.is_some(), "{candidate:?}");
                candidate.time
            }
            _ => unreachable!(),
        })
        .collect();
    times.sort_by(f64::total_cmp);
    assert_eq!(times, res.candidates.iter().map(|c| c.time).collect::<Vec<_>>());
    let elapsed: Vec<f64> = seen.events[..n].iter().map(|e| if let PreviewEvent::Candidate { elapsed_ms, .. } = e { *elapsed_ms } else { 0.0 }).collect();
    assert!(elapsed.windows(2).all(|w| w[0] <= w[1]), "{elapsed:?}");
    let first = res.timings.first_embedding_ms.expect("a liked profile embeds");
    assert!(first <= res.timings.sample_ms && first > 0.0, "{:?}", res.timings);

    // The ranking event is the result's; the poster file was whole when its event came.
    match &seen.events[n] {
        PreviewEvent::Ranked { candidates, poster_time, loop_start, loop_end } => {
            assert_eq!(candidates, &res.candidates);
            assert_eq!(*poster_time, res.poster.time);
            assert_eq!((*loop_start, *loop_end), (res.preview_loop.start, res.preview_loop.end));
        }
        e => panic!("{e:?}"),
    }
    assert_eq!(seen.events[n + 1], PreviewEvent::Poster(res.poster.clone()));
    assert_eq!(seen.poster_decoded_on_event, Some((res.poster.width, res.poster.height)));
    assert!((3.0..6.0).contains(&res.poster.time), "liked the cat: {:?}", res.poster);

    // Arrival order differs from run to run (two readers); the result does not.
    let plain = r.preview(&photo_clip("mixed.mp4"), &p, dir.path(), &PreviewOptions::default()).unwrap();
    assert_eq!(plain.candidates, res.candidates);
    for _ in 0..2 {
        let (again, _) = progressive(&mut r, &p, dir.path());
        assert_eq!(again.candidates, res.candidates);
    }
}

#[test]
fn a_cold_profile_reports_quality_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = ranker(PHONE);
    let (res, seen) = progressive(&mut r, &TasteProfile::new(), dir.path());
    assert_eq!(res.timings.first_embedding_ms, None);
    assert_eq!(res.timings.embedded, 0);
    for e in &seen.events {
        if let PreviewEvent::Candidate { candidate, .. } = e {
            assert_eq!(candidate.similarity, None);
            assert!(candidate.quality > 0.0, "{candidate:?}");
        }
    }
}

#[test]
fn a_cancel_from_the_listener_stops_the_sampling_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = ranker(PHONE);
    let mut p = TasteProfile::new();
    r.like_clip(&mut p, &photo_clip("cat.mp4")).unwrap();
    let opts = PreviewOptions::default();
    let cancel = opts.cancel.clone();
    let mut candidates = 0;
    let e = r
        .preview_with(&photo_clip("mixed.mp4"), &p, dir.path(), &opts, &mut |e| {
            if matches!(e, PreviewEvent::Candidate { .. }) {
                candidates += 1;
                cancel.cancel();
            }
        })
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled, "{e}");
    assert!(candidates < 12, "the sampling went on after the cancel: {candidates} candidates");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing is written");
}

#[test]
fn the_cli_prints_each_event_as_a_json_line_before_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(clipforge_e2e::clipforge_bin())
        .args(["preview", photo_clip("mixed.mp4").to_str().unwrap(), "--events", "--json", "--out-dir", dir.path().to_str().unwrap()])
        .args(["--model", model(PHONE).to_str().unwrap()])
        .env("CLIPFORGE_ORT_LIB", ort_lib())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).expect("one JSON value per line")).collect();
    let (result, events) = lines.split_last().unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e["event"].as_str().unwrap()).collect();
    let n = result["candidates"].as_array().unwrap().len();
    assert_eq!(kinds.len(), n + 2, "{kinds:?}");
    assert!(kinds[..n].iter().all(|k| *k == "candidate") && kinds[n..] == ["ranked", "poster"], "{kinds:?}");
    assert_eq!(events[n + 1]["path"], result["poster"]["path"]);
    assert_eq!(events[n]["poster_time"], result["poster"]["time"]);
    assert!(events[0]["elapsed_ms"].as_f64().unwrap() > 0.0);
}

#[test]
fn a_listener_that_fails_ends_the_preview_with_an_error_and_no_file() {
    let mut r = ranker(PHONE);
    let p = TasteProfile::new();
    // Failing on the first candidate (sampling stops), on the ranking, and on the poster (the loop,
    // still being encoded, is stopped and both files go).
    for fail_on in ["candidate", "ranked", "poster"] {
        let dir = tempfile::tempdir().unwrap();
        let e = r
            .preview_with(&photo_clip("mixed.mp4"), &p, dir.path(), &PreviewOptions::default(), &mut |e| {
                let kind = match e {
                    PreviewEvent::Candidate { .. } => "candidate",
                    PreviewEvent::Ranked { .. } => "ranked",
                    PreviewEvent::Poster(_) => "poster",
                };
                if kind == fail_on {
                    panic!("the app's listener failed on {kind}");
                }
            })
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Internal, "{fail_on}: {e}");
        assert!(e.message.contains("listener failed"), "{fail_on}: {e}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|f| f.unwrap().file_name()).collect();
        assert!(left.is_empty(), "{fail_on}: left {left:?}");
    }
    // The ranker is still usable.
    let dir = tempfile::tempdir().unwrap();
    r.preview(&photo_clip("mixed.mp4"), &p, dir.path(), &PreviewOptions::default()).unwrap();
}
