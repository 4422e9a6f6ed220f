//! Golden tests for QA: a case is a recipe plus reviewed expectations (frames as small PNGs, and
//! metadata). `run` re-exports each case, decodes the outputs and compares them perceptually;
//! `bless` rewrites the expectations after a reviewed change.

mod case;
mod compare;
mod meta;
mod report;
mod thumbs;

pub use case::{list_cases, Case, Thresholds};
pub use compare::{psnr, ssim};
pub use meta::{AudioMeta, OutputMeta};
pub use report::write_report;
pub use thumbs::{decode_thumbs, Thumb};

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::export::{export, CancelToken};

/// Short side of the comparison frames: enough to see a wrong crop or a missing caption,
/// small enough to commit and to be insensitive to encoder noise.
pub const THUMB_SHORT_SIDE: u32 = 270;

/// One compared frame.
#[derive(Debug, Clone)]
pub struct FrameResult {
    pub output: String,
    pub time: f64,
    pub psnr: f64,
    pub ssim: f64,
    pub passed: bool,
    pub expected: Option<Thumb>,
    pub actual: Thumb,
}

/// Everything known about one case after a run.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub name: String,
    pub description: String,
    pub thresholds: Thresholds,
    pub failures: Vec<String>,
    pub frames: Vec<FrameResult>,
    pub meta: Vec<OutputMeta>,
    /// Evenly spaced frames of each output, for the contact sheet: (output, frames).
    pub sheets: Vec<(String, Vec<Thumb>)>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
    pub fn summary(&self) -> String {
        let min = |f: fn(&FrameResult) -> f64| self.frames.iter().map(f).fold(f64::INFINITY, f64::min);
        if self.passed() {
            format!("PASS {} ({} frames, min PSNR {:.1} dB, min SSIM {:.3})", self.name, self.frames.len(), min(|f| f.psnr), min(|f| f.ssim))
        } else {
            format!("FAIL {}: {}", self.name, self.failures.join("; "))
        }
    }
}

/// Exports `case` into `work` and compares the result with its expectations.
pub fn run_case(case: &Case, work: &Path) -> Result<CaseResult> {
    let outputs = render(case, work)?;
    let expected_meta = case.expected_meta()?;
    let mut failures = Vec::new();
    let mut frames = Vec::new();
    let mut meta = Vec::new();
    let mut sheets = Vec::new();
    for (name, path) in &outputs {
        let (m, thumbs, sheet) = inspect(case, work, name, path)?;
        match expected_meta.as_ref().and_then(|all| all.iter().find(|e| &e.name == name)) {
            Some(e) => failures.extend(e.differences(&m, &case.thresholds)),
            None => failures.push(format!("{name}: no blessed metadata (run `clipforge golden bless {}`)", case.name)),
        }
        for (time, actual) in case.times.iter().zip(thumbs) {
            let expected = case.expected_frame(name, *time)?;
            let (p, s) = match &expected {
                Some(e) if e.width == actual.width && e.height == actual.height => (psnr(e, &actual), ssim(e, &actual)),
                Some(e) => {
                    failures.push(format!("{name} @{time}s: frame is {}x{}, expected {}x{}", actual.width, actual.height, e.width, e.height));
                    (0.0, 0.0)
                }
                None => {
                    failures.push(format!("{name} @{time}s: no blessed frame"));
                    (0.0, 0.0)
                }
            };
            let passed = expected.is_some() && p >= case.thresholds.psnr_min && s >= case.thresholds.ssim_min;
            if expected.is_some() && !passed && p > 0.0 {
                failures.push(format!(
                    "{name} @{time}s: PSNR {p:.1} dB (min {}), SSIM {s:.3} (min {})",
                    case.thresholds.psnr_min, case.thresholds.ssim_min
                ));
            }
            frames.push(FrameResult { output: name.clone(), time: *time, psnr: p, ssim: s, passed, expected, actual });
        }
        meta.push(m);
        sheets.push((name.clone(), sheet));
    }
    if let Some(all) = expected_meta {
        for e in all.iter().filter(|e| !outputs.iter().any(|(n, _)| n == &e.name)) {
            failures.push(format!("{}: expected output is missing", e.name));
        }
    }
    Ok(CaseResult { name: case.name.clone(), description: case.description.clone(), thresholds: case.thresholds, failures, frames, meta, sheets })
}

/// Exports `case` and writes its outputs' metadata and frames as the new expectations.
/// Returns one line per changed item (empty when nothing changed).
pub fn bless_case(case: &Case, work: &Path) -> Result<Vec<String>> {
    let outputs = render(case, work)?;
    let old_meta = case.expected_meta()?;
    let mut changes = Vec::new();
    let mut metas = Vec::new();
    std::fs::create_dir_all(case.expected_dir()).map_err(|e| Error::io_at(&case.expected_dir(), e))?;
    for (name, path) in &outputs {
        let (m, thumbs, _) = inspect(case, work, name, path)?;
        match old_meta.as_ref().and_then(|all| all.iter().find(|e| &e.name == name)) {
            None => changes.push(format!("{name}: new metadata")),
            Some(old) => changes.extend(old.differences(&m, &Thresholds::EXACT).into_iter().map(|d| format!("metadata {d}"))),
        }
        for (time, thumb) in case.times.iter().zip(thumbs) {
            match case.expected_frame(name, *time)? {
                None => changes.push(format!("{name} @{time}s: new frame")),
                Some(old) if old.width != thumb.width || old.height != thumb.height => {
                    changes.push(format!("{name} @{time}s: frame size {}x{} → {}x{}", old.width, old.height, thumb.width, thumb.height))
                }
                Some(old) if old.rgb != thumb.rgb => changes.push(format!(
                    "{name} @{time}s: frame changed (PSNR {:.1} dB, SSIM {:.3} against the old one)",
                    psnr(&old, &thumb),
                    ssim(&old, &thumb)
                )),
                Some(_) => {}
            }
            thumb.save_png(&case.frame_path(name, *time))?;
        }
        metas.push(m);
    }
    let json = serde_json::to_string_pretty(&metas).map_err(|e| Error::internal(e.to_string()))? + "\n";
    std::fs::write(case.meta_path(), json).map_err(|e| Error::io_at(&case.meta_path(), e))?;
    Ok(changes)
}

/// Runs the case's recipe with every output redirected into `work`; returns (file name, path).
fn render(case: &Case, work: &Path) -> Result<Vec<(String, PathBuf)>> {
    std::fs::create_dir_all(work).map_err(|e| Error::io_at(work, e))?;
    let recipe = case.recipe_into(work)?;
    if let Some((start, end)) = case.preview_window {
        return render_preview(&recipe, start, end);
    }
    let reports = export(&recipe, &|_| {}, &CancelToken::new())?;
    Ok(reports
        .into_iter()
        .map(|r| (r.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), r.path))
        .collect())
}

/// A preview-rendition case: the window through the preview path (2–6 s, not the 6–30 s rule).
#[cfg(feature = "preview")]
fn render_preview(recipe: &crate::recipe::Recipe, start: f64, end: f64) -> Result<Vec<(String, PathBuf)>> {
    let out = recipe.outputs.first().ok_or_else(|| Error::invalid("a preview case needs one output"))?;
    let source = recipe.source.clone().ok_or_else(|| Error::invalid("a preview case needs a version 1 recipe with a source"))?;
    let info = crate::source::probe(&source)?;
    let (_, v) = info.video().ok_or_else(|| Error::unsupported("the source has no video stream"))?;
    let r = crate::preview::rendition::export_window(&source, None, (v.display_width, v.display_height), v.fps, (start, end), &out.path, &crate::CancelToken::new())?;
    let name = r.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(vec![(name, r.path)])
}

#[cfg(not(feature = "preview"))]
fn render_preview(_: &crate::recipe::Recipe, _: f64, _: f64) -> Result<Vec<(String, PathBuf)>> {
    Err(Error::invalid("preview-rendition cases need clipforge's 'preview' feature"))
}

fn inspect(case: &Case, work: &Path, name: &str, path: &Path) -> Result<(OutputMeta, Vec<Thumb>, Vec<Thumb>)> {
    let seams = case.seams(work, name)?;
    let mut m = meta::measure(path, &seams)?;
    m.name = name.to_string();
    let fps = m.fps.max(1.0);
    let want: Vec<u32> = case.times.iter().map(|t| (t * fps).round() as u32).collect();
    let sheet_idx: Vec<u32> = (0..8).map(|i| i * m.frames.max(1) / 8).collect();
    let all: Vec<u32> = want.iter().chain(&sheet_idx).copied().collect();
    let mut thumbs = decode_thumbs(path, &all, THUMB_SHORT_SIDE)?;
    let sheet = thumbs.split_off(want.len());
    Ok((m, thumbs, sheet))
}
