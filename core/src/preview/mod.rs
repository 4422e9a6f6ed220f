//! Preview personalization: per viewer, the poster frame and the short preview loop of a clip.
//!
//! Data flow: [`candidates`] (keyframes + a uniform spread, decoded small) → [`quality`] (reject
//! black / white / flat / blurred, prior score, near-duplicates) → [`embed`] (EfficientNet-Lite0
//! through ONNX Runtime, batched) → [`rank`] (taste similarity + quality prior; best frame, best
//! window) → [`poster`] (image file) and [`rendition`] (muted 360p MP4 through the export engine).
//! The [`profile::TasteProfile`] is plain JSON that never leaves the device.

pub mod candidates;
pub mod embed;
pub mod poster;
pub mod profile;
pub mod quality;
pub mod rank;
pub mod rendition;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

pub use candidates::{ClipFacts, SampleOptions};
pub use embed::{Embedder, ModelSource};
pub use poster::PosterFormat;
pub use profile::TasteProfile;
pub use rank::ScoredCandidate;

use crate::error::{Error, Result};
use crate::export::{panic_text, CancelToken};
use crate::source::video::DecodeOnly;

/// What `preview` makes.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviewOptions {
    /// Preview loop length in seconds, 2–6 (default 3).
    pub window: f64,
    pub sample: SampleOptions,
    pub poster_format: PosterFormat,
    /// Short side of the poster picture in pixels (default 480; never upscaled).
    pub poster_short_side: u32,
    /// Stops the preview between its stages and inside the loop's export; nothing is left behind.
    pub cancel: crate::export::CancelToken,
}

impl Default for PreviewOptions {
    fn default() -> Self {
        PreviewOptions {
            window: 3.0,
            sample: SampleOptions::default(),
            poster_format: PosterFormat::Jpeg,
            poster_short_side: 480,
            cancel: crate::export::CancelToken::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Poster {
    pub time: f64,
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewLoop {
    pub start: f64,
    pub end: f64,
    pub path: PathBuf,
    pub bytes: u64,
}

/// Wall time of each stage, milliseconds (for benchmarks and logs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// Until the last candidate is decoded (and measured and embedded: they overlap).
    pub sample_ms: f64,
    /// Time in the model, summed over batches (it overlaps the decoding).
    pub embed_ms: f64,
    /// From the call to the first candidate's embedding (none on a cold profile, which embeds nothing).
    pub first_embedding_ms: Option<f64>,
    /// Frames that went through the model (rejected and near-duplicate candidates do not).
    pub embedded: usize,
    /// The poster and the loop are made side by side: `total_ms` is not the sum of the stages.
    pub poster_ms: f64,
    pub loop_ms: f64,
    pub total_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewResult {
    pub poster: Poster,
    #[serde(rename = "loop")]
    pub preview_loop: PreviewLoop,
    /// Every candidate in time order with its score.
    pub candidates: Vec<ScoredCandidate>,
    pub timings: Timings,
}

/// What a preview reports while it runs ([`PreviewRanker::preview_with`]), in this order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum PreviewEvent {
    /// A candidate measured, and embedded for a profile with a taste, in decode order (two readers:
    /// not time order). Provisional: judged against the candidates that have arrived so far (the
    /// similarity is centred on their mean: 0 while only one is embedded), while the final scores
    /// judge blur and flatness within the candidate's scene.
    Candidate { candidate: ScoredCandidate, elapsed_ms: f64 },
    /// Every candidate scored for good, in time order; the poster's time and the loop are chosen.
    Ranked { candidates: Vec<ScoredCandidate>, poster_time: f64, loop_start: f64, loop_end: f64 },
    /// The poster file is written; the loop is still being made.
    Poster(Poster),
}

/// A candidate as it arrived from the readers, with what was learnt of it.
struct Arrived {
    frame: candidates::CandidateFrame,
    reader: candidates::Reader,
    quality: quality::Quality,
    /// Black, white or empty: dropped whatever the rest of the clip is.
    hard: Option<quality::Reject>,
    /// Index of its embedding; `own` when computed for it (not shared as a near-duplicate).
    vector: Option<usize>,
    own: bool,
}

/// A clip's place in a prefetch order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClipRank {
    pub path: PathBuf,
    pub score: f32,
}

/// The model session plus the ranking logic. One per thread (`Session::run` needs `&mut`).
pub struct PreviewRanker {
    embedder: Embedder,
}

/// Candidates scored, with what scoring needed.
pub struct RankedFrames {
    pub facts: ClipFacts,
    pub candidates: Vec<ScoredCandidate>,
    /// Embeddings of usable candidates (index into `candidates`, L2-normalised vector).
    pub embeddings: Vec<(usize, Vec<f32>)>,
    pub timings: Timings,
}

fn guarded<T>(what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| Err(Error::internal(format!("{what} failed unexpectedly: {}", panic_text(&p)))))
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

impl PreviewRanker {
    /// `runtime_lib`: absolute or relative path of ONNX Runtime's shared library (1.31+);
    /// `model`: the EfficientNet-Lite0 ONNX file or bytes; `threads`: intra-op threads (1–2).
    pub fn new(runtime_lib: &Path, model: ModelSource<'_>, threads: usize) -> Result<PreviewRanker> {
        guarded("loading the model", || Ok(PreviewRanker { embedder: Embedder::new(runtime_lib, model, threads)? }))
    }

    /// L2-normalised embeddings of frames.
    pub fn embed(&mut self, frames: &[&crate::frame::Frame]) -> Result<Vec<Vec<f32>>> {
        guarded("embedding", || self.embedder.embed(frames))
    }

    /// Samples, measures, embeds and scores the candidate frames of `clip` for `profile`.
    pub fn rank_frames(&mut self, clip: &Path, profile: &TasteProfile, opts: &SampleOptions) -> Result<RankedFrames> {
        guarded("ranking frames", || Ok(self.rank_frames_inner(clip, profile, opts, profile.is_cold(), &CancelToken::new(), &mut |_| {})?.0))
    }

    /// Also gives back the clip opened, for the next stage to read on from. Candidates are measured
    /// and embedded as the readers decode them (the first within tens of milliseconds), each
    /// reported provisionally through `on_event`; the final judgement waits for all of them.
    fn rank_frames_inner(
        &mut self,
        clip: &Path,
        profile: &TasteProfile,
        opts: &SampleOptions,
        cold: bool,
        cancel: &CancelToken,
        on_event: &mut dyn FnMut(PreviewEvent),
    ) -> Result<(RankedFrames, candidates::Opened)> {
        let t0 = Instant::now();
        let taste = profile.taste();
        let embed_wanted = !cold || taste.is_some();
        let mut got: Vec<Arrived> = Vec::new();
        let mut vecs: Vec<Vec<f32>> = Vec::new();
        let mut embed_ms = 0.0;
        let mut first_embedding_ms = None;
        // What the provisional judgement compares with: everything that has arrived.
        let mut so_far = quality::SceneMax::default();
        let embedder = &mut self.embedder;
        let (facts, opened) = candidates::sample_streaming(clip, opts, embed::BATCH, |batch| {
            if cancel.is_cancelled() {
                return Err(Error::cancelled());
            }
            let quals: Vec<_> = {
                use rayon::prelude::*;
                batch.par_iter().map(|(_, c)| quality::measure(&c.frame)).collect()
            };
            let start = got.len();
            let mut to_embed = Vec::new();
            for ((reader, c), q) in batch.into_iter().zip(quals) {
                let hard = quality::hard_reject(&q);
                // A near-duplicate of the reader's last candidate with its own vector shares it
                // (the same reader's: those have all arrived, so the choice does not depend on timing).
                let (vector, own) = if hard.is_some() || !embed_wanted {
                    (None, false)
                } else {
                    let prev = got.iter().rev().find(|a| a.own && a.reader == reader);
                    match prev {
                        Some(p) if quality::near_duplicate(&q, &p.quality) => (p.vector, false),
                        _ => {
                            to_embed.push(got.len());
                            (Some(vecs.len() + to_embed.len() - 1), true)
                        }
                    }
                };
                got.push(Arrived { frame: c, reader, quality: q, hard, vector, own });
            }
            if !to_embed.is_empty() {
                let t = Instant::now();
                let frames: Vec<_> = to_embed.iter().map(|&i| &got[i].frame.frame).collect();
                let new = embedder.embed(&frames)?;
                embed_ms += ms(t);
                first_embedding_ms.get_or_insert_with(|| ms(t0));
                vecs.extend(new);
            }
            for a in got[start..].iter().filter(|a| a.hard.is_none()) {
                so_far.sharpness = so_far.sharpness.max(a.quality.sharpness);
                so_far.std_luma = so_far.std_luma.max(a.quality.std_luma);
            }
            let centre = rank::mean(&vecs.iter().map(Vec::as_slice).collect::<Vec<_>>());
            for a in &got[start..] {
                let q = quality::prior(&a.quality, so_far, so_far.sharpness);
                let sim = taste.as_ref().zip(a.vector).map(|(t, v)| rank::centred_cosine(&vecs[v], t, &centre));
                emit(on_event, PreviewEvent::Candidate { candidate: scored(&a.frame, q, sim, a.hard), elapsed_ms: ms(t0) })?;
            }
            Ok(())
        })?;
        let sample_ms = ms(t0);

        // The final judgement, in time order: blur and flatness within each candidate's scene, so
        // a soft scene (fog, a night sky) stays a candidate next to sharper ones and taste can
        // choose it.
        got.sort_by(|a, b| a.frame.time.total_cmp(&b.frame.time));
        let quals: Vec<_> = got.iter().map(|a| a.quality.clone()).collect();
        let scene_max = quality::scene_max(&quals, &quality::scenes(&quals));
        let clip_sharpness = scene_max.iter().map(|m| m.sharpness).fold(0.0, f32::max);
        let rejected: Vec<_> = quals.iter().zip(&scene_max).map(|(q, &m)| quality::reject(q, m)).collect();
        let embeddings: Vec<(usize, Vec<f32>)> = got
            .iter()
            .enumerate()
            .filter(|(i, _)| rejected[*i].is_none())
            .filter_map(|(i, a)| a.vector.map(|v| (i, vecs[v].clone())))
            .collect();
        let centre = rank::mean(&embeddings.iter().map(|(_, v)| v.as_slice()).collect::<Vec<_>>());
        let scored = got
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let q = quality::prior(&quals[i], scene_max[i], clip_sharpness);
                let sim = taste.as_ref().and_then(|t| {
                    embeddings.iter().find(|(j, _)| *j == i).map(|(_, v)| rank::centred_cosine(v, t, &centre))
                });
                scored(&a.frame, q, sim, rejected[i])
            })
            .collect();
        let timings = Timings { sample_ms, embed_ms, first_embedding_ms, embedded: vecs.len(), ..Default::default() };
        Ok((RankedFrames { facts, candidates: scored, embeddings, timings }, opened))
    }

    /// Poster frame and preview loop of `clip` for `profile`, written into `out_dir` as
    /// `<clip stem>.poster.<ext>` and `<clip stem>.preview.mp4`.
    pub fn preview(&mut self, clip: &Path, profile: &TasteProfile, out_dir: &Path, opts: &PreviewOptions) -> Result<PreviewResult> {
        self.preview_with(clip, profile, out_dir, opts, &mut |_| {})
    }

    /// [`preview`](Self::preview), reporting as it goes (for a progressive UI): a
    /// [`PreviewEvent::Candidate`] for each candidate as it is decoded and embedded, one
    /// [`PreviewEvent::Ranked`] and one [`PreviewEvent::Poster`] once the poster file is written,
    /// before the loop is. `on_event` runs on the calling thread.
    pub fn preview_with(
        &mut self,
        clip: &Path,
        profile: &TasteProfile,
        out_dir: &Path,
        opts: &PreviewOptions,
        on_event: &mut dyn FnMut(PreviewEvent),
    ) -> Result<PreviewResult> {
        if !(rendition::MIN_SECONDS..=rendition::MAX_SECONDS).contains(&opts.window) {
            return Err(Error::invalid(format!("the preview window must be 2–6 s, got {}", opts.window)));
        }
        if !out_dir.is_dir() {
            return Err(Error::io(format!("output folder {} does not exist", out_dir.display())));
        }
        guarded("preview", || {
            let t0 = Instant::now();
            let (ranked, opened) = self.rank_frames_inner(clip, profile, &opts.sample, profile.is_cold(), &opts.cancel, on_event)?;
            if opts.cancel.is_cancelled() {
                return Err(Error::cancelled());
            }
            let mut timings = ranked.timings;
            let cands = &ranked.candidates;
            let best = rank::best(cands).ok_or_else(|| Error::unsupported(format!("{}: no candidate frames", clip.display())))?;
            let stem = clip.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "clip".into());

            let time = cands[best].time;
            let poster_path = out_dir.join(format!("{stem}.poster.{}", opts.poster_format.extension()));
            let facts = ranked.facts;
            let window = rank::best_window(cands, facts.duration, opts.window);
            let (start, end) = rank::snap_to_keyframe(cands, window, facts.duration);
            let loop_path = out_dir.join(format!("{stem}.preview.mp4"));
            emit(on_event, PreviewEvent::Ranked { candidates: cands.clone(), poster_time: time, loop_start: start, loop_end: end })?;
            if opts.cancel.is_cancelled() {
                return Err(Error::cancelled()); // (the listener may cancel)
            }
            // The poster and the loop are independent: made side by side, the poster's decode
            // fills the cores the loop's pipeline leaves idle. The poster is on this thread, so
            // its event comes from the caller's thread too.
            let candidates::Opened { first, second } = opened;
            let outcome = std::thread::scope(|scope| {
                let looping = scope.spawn(|| {
                    let t2 = Instant::now();
                    let report =
                        rendition::export_window(clip, Some(first), (facts.width, facts.height), facts.fps, (start, end), &loop_path, &opts.cancel);
                    report.map(|r| (r, ms(t2)))
                });
                let t1 = Instant::now();
                // A candidate's frame: a keyframe or a reference frame.
                let poster = poster::frame_at(clip, second, time, opts.poster_short_side, DecodeOnly::References).and_then(|frame| {
                    poster::write(&frame, &poster_path, opts.poster_format)?;
                    Ok(Poster { time, path: poster_path.clone(), width: frame.width, height: frame.height })
                });
                let poster_ms = ms(t1);
                let mut heard = Ok(());
                if let Ok(p) = &poster {
                    heard = emit(on_event, PreviewEvent::Poster(p.clone()));
                    if heard.is_err() {
                        opts.cancel.cancel(); // the listener failed: stop the loop too
                    }
                }
                let report = looping.join().unwrap_or_else(|p| Err(Error::internal(format!("preview loop failed: {}", panic_text(&p)))));
                (poster.map(|p| (p, poster_ms)), report, heard)
            });
            let (poster, report, heard) = outcome;
            let (wrote_poster, wrote_loop) = (poster.is_ok(), report.is_ok());
            let done = heard.and(report).and_then(|(report, loop_ms)| {
                let (poster, poster_ms) = poster?;
                timings.poster_ms = poster_ms;
                timings.loop_ms = loop_ms;
                timings.total_ms = ms(t0);
                Ok(PreviewResult {
                    poster,
                    preview_loop: PreviewLoop { start, end, path: report.path, bytes: report.bytes },
                    candidates: ranked.candidates,
                    timings,
                })
            });
            // Both files or neither: a failed or cancelled half takes the other's file with it.
            if done.is_err() {
                if wrote_poster {
                    let _ = std::fs::remove_file(&poster_path);
                }
                if wrote_loop {
                    let _ = std::fs::remove_file(&loop_path);
                }
            }
            done
        })
    }

    /// One vector for a whole clip: the quality-weighted mean of its usable candidates' embeddings.
    pub fn clip_embedding(&mut self, clip: &Path) -> Result<Vec<f32>> {
        let opts = SampleOptions { max_candidates: 12, extra_decode_budget: 48, ..Default::default() };
        guarded("embedding a clip", || {
            let (ranked, _) = self.rank_frames_inner(clip, &TasteProfile::new(), &opts, false, &CancelToken::new(), &mut |_| {})?;
            clip_vector(&ranked).ok_or_else(|| {
                Error::unsupported(format!("{}: every sampled frame is black, white, flat or blurred", clip.display()))
            })
        })
    }

    /// Records that the viewer liked `clip`.
    pub fn like_clip(&mut self, profile: &mut TasteProfile, clip: &Path) -> Result<()> {
        let v = self.clip_embedding(clip)?;
        profile.like(&v)
    }

    /// Records that the viewer skipped `clip`.
    pub fn skip_clip(&mut self, profile: &mut TasteProfile, clip: &Path) -> Result<()> {
        let v = self.clip_embedding(clip)?;
        profile.skip(&v)
    }

    /// Orders clips for prefetching, most likely to be opened first. A clip that cannot be read
    /// ranks last (score −∞ is not serialisable: −10) rather than failing the whole list.
    pub fn rank_clips(&mut self, profile: &TasteProfile, clips: &[PathBuf]) -> Result<Vec<ClipRank>> {
        let opts = SampleOptions { max_candidates: 12, extra_decode_budget: 48, ..Default::default() };
        guarded("ranking clips", || {
            let mut rows = Vec::new();
            for clip in clips {
                let ranked = self.rank_frames_inner(clip, profile, &opts, false, &CancelToken::new(), &mut |_| {}).ok().map(|r| r.0);
                let v = ranked.as_ref().and_then(clip_vector);
                let q = ranked.as_ref().map_or(0.0, |r| {
                    let ok: Vec<f32> = r.candidates.iter().filter(|c| c.rejected.is_none()).map(|c| c.quality).collect();
                    ok.iter().sum::<f32>() / ok.len().max(1) as f32
                });
                rows.push((clip.clone(), v, q));
            }
            let vecs: Vec<&[f32]> = rows.iter().filter_map(|(_, v, _)| v.as_deref()).collect();
            // With several clips, centre on their mean (what they share says nothing about taste).
            let centre = if vecs.len() >= 2 { rank::mean(&vecs) } else { vec![0.0; embed::DIM] };
            let taste = profile.taste();
            let mut out: Vec<ClipRank> = rows
                .into_iter()
                .map(|(path, v, q)| {
                    let score = match (&v, &taste) {
                        (None, _) => -10.0,
                        (Some(v), Some(t)) => rank::centred_cosine(v, t, &centre) + 0.25 * q,
                        (Some(_), None) => q,
                    };
                    ClipRank { path, score }
                })
                .collect();
            out.sort_by(|a, b| b.score.total_cmp(&a.score));
            Ok(out)
        })
    }
}

/// Hands `event` to the caller's listener; a panic there (a foreign exception across the FFI) becomes
/// an error, and the preview stops and removes what it wrote.
fn emit(on_event: &mut dyn FnMut(PreviewEvent), event: PreviewEvent) -> Result<()> {
    catch_unwind(AssertUnwindSafe(|| on_event(event)))
        .map_err(|p| Error::internal(format!("the preview's listener failed: {}", panic_text(&p))))
}

/// A candidate with its score from its parts.
fn scored(c: &candidates::CandidateFrame, quality: f32, similarity: Option<f32>, rejected: Option<quality::Reject>) -> ScoredCandidate {
    ScoredCandidate {
        time: c.time,
        score: rank::combine(similarity, quality, rejected),
        quality,
        similarity,
        rejected,
        keyframe: c.keyframe,
        scene_change: c.scene_change,
    }
}

fn clip_vector(r: &RankedFrames) -> Option<Vec<f32>> {
    if r.embeddings.is_empty() {
        return None;
    }
    let mut v = vec![0f32; embed::DIM];
    for (i, e) in &r.embeddings {
        let w = r.candidates[*i].quality.max(0.05);
        v.iter_mut().zip(e).for_each(|(v, e)| *v += w * e);
    }
    Some(embed::normalised(v))
}
