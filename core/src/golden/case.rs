//! A golden case on disk: `<root>/<name>/case.json` (recipe + times + thresholds) and its
//! blessed expectations in `<root>/<name>/expected/` (meta.json and one PNG per output and time).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::golden::meta::OutputMeta;
use crate::golden::thumbs::Thumb;
use crate::plan::Plan;
use crate::recipe::Recipe;

/// Pass/fail bounds of a case. Defaults are stated in docs/golden.md.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// Minimum PSNR (dB, over RGB) of an output frame against its golden.
    pub psnr_min: f64,
    /// Minimum SSIM (luma) of an output frame against its golden.
    pub ssim_min: f64,
    /// Allowed difference of audio RMS per second and at seams, in dB.
    pub audio_db: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { psnr_min: 30.0, ssim_min: 0.93, audio_db: 1.5 }
    }
}

impl Thresholds {
    /// For `bless`: report any metadata change at all.
    pub const EXACT: Thresholds = Thresholds { psnr_min: f64::INFINITY, ssim_min: 1.0, audio_db: 0.05 };
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    #[serde(default)]
    description: String,
    /// The recipe; or, with `template`, none (the template's expansion is the recipe).
    #[serde(default)]
    recipe: serde_json::Value,
    #[serde(default)]
    template: Option<TemplateCase>,
    /// Output times (seconds) whose frames are compared.
    times: Vec<f64>,
    #[serde(default)]
    thresholds: Thresholds,
    /// `[start, end]`: render the recipe's source window as a preview rendition (2–6 s, muted,
    /// 360p) through the preview path instead of `export`; the recipe names source and output.
    #[serde(default)]
    preview_window: Option<[f64; 2]>,
}

/// A case whose recipe is a template filled: paths in the fills are relative to the case folder.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateCase {
    /// A built-in template's name.
    pub name: String,
    /// BCP 47 (default en-US).
    #[serde(default)]
    pub locale: Option<String>,
    pub fills: crate::template::Fills,
    /// Height of every output (the goldens' frames are small anyway).
    #[serde(default)]
    pub height: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub dir: PathBuf,
    pub description: String,
    pub recipe_json: serde_json::Value,
    pub times: Vec<f64>,
    pub thresholds: Thresholds,
    pub preview_window: Option<(f64, f64)>,
    pub template: Option<TemplateCase>,
}

/// Cases under `root`, sorted by name; `only` (if not empty) selects by name.
pub fn list_cases(root: &Path, only: &[String]) -> Result<Vec<Case>> {
    let entries = std::fs::read_dir(root).map_err(|e| Error::io_at(root, e))?;
    let mut cases = Vec::new();
    for entry in entries.flatten() {
        let dir = entry.path();
        if dir.join("case.json").is_file() {
            cases.push(Case::load(&dir)?);
        }
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    if !only.is_empty() {
        if let Some(missing) = only.iter().find(|n| !cases.iter().any(|c| &c.name == *n)) {
            return Err(Error::invalid(format!("no golden case named '{missing}' in {}", root.display())));
        }
        cases.retain(|c| only.contains(&c.name));
    }
    Ok(cases)
}

impl Case {
    pub fn load(dir: &Path) -> Result<Case> {
        // Absolute, so the recipe's relative source resolves the same from any working folder.
        let dir = &std::fs::canonicalize(dir).map_err(|e| Error::io_at(dir, e))?;
        let path = dir.join("case.json");
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io_at(&path, e))?;
        let f: CaseFile = serde_json::from_str(&text).map_err(|e| Error::invalid(format!("{}: {e}", path.display())))?;
        let has_recipe = !f.recipe.is_null();
        if f.template.is_some() == has_recipe {
            return Err(Error::invalid(format!("{}: give either 'recipe' or 'template'", path.display())));
        }
        if f.times.is_empty() {
            return Err(Error::invalid(format!("{}: 'times' is empty", path.display())));
        }
        Ok(Case {
            name: dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            dir: dir.to_path_buf(),
            description: f.description,
            recipe_json: f.recipe,
            times: f.times,
            thresholds: f.thresholds,
            preview_window: f.preview_window.map(|[a, b]| (a, b)),
            template: f.template,
        })
    }

    /// The case's recipe with the source resolved against the case folder and outputs in `work`.
    pub fn recipe_into(&self, work: &Path) -> Result<Recipe> {
        if let Some(t) = &self.template {
            return self.template_into(t, work);
        }
        let mut recipe = Recipe::from_json(&self.recipe_json.to_string(), Some(&self.dir))?;
        // Sources absolute: the recipe's folder is the case's, its outputs go elsewhere.
        if let Some(src) = recipe.source.take() {
            recipe.source = Some(recipe.resolve(&src));
        }
        let resolved: Vec<std::path::PathBuf> = recipe.clips.iter().flatten().map(|c| recipe.resolve(&c.source)).collect();
        for (c, p) in recipe.clips.iter_mut().flatten().zip(resolved) {
            c.source = p;
        }
        for o in &mut recipe.outputs {
            let name = o.path.file_name().ok_or_else(|| Error::invalid(format!("{}: output without a file name", self.name)))?;
            o.path = work.join(name);
        }
        Ok(recipe)
    }

    /// The template filled (its pictures written into `work`, with the outputs).
    fn template_into(&self, t: &TemplateCase, work: &Path) -> Result<Recipe> {
        use crate::template::Fill;
        let fills = t
            .fills
            .iter()
            .map(|(k, v)| {
                let v = match v.clone() {
                    Fill::Clip { path, start, end } => Fill::Clip { path: self.dir.join(path), start, end },
                    Fill::Image { path } => Fill::Image { path: self.dir.join(path) },
                    other => other,
                };
                (k.clone(), v)
            })
            .collect();
        std::fs::create_dir_all(work).map_err(|e| Error::io_at(work, e))?;
        let locale = t.locale.as_deref().unwrap_or(crate::template::DEFAULT_LOCALE);
        let mut recipe = crate::template::Template::builtin(&t.name)?.render_for(&fills, locale, work)?;
        for o in &mut recipe.outputs {
            o.height = t.height.or(o.height);
            o.path = work.join(&o.path);
        }
        Ok(recipe)
    }

    /// Loop seam times (output seconds) of output `name` when rendered into `work`.
    pub fn seams(&self, work: &Path, name: &str) -> Result<Vec<f64>> {
        let recipe = self.recipe_into(work)?;
        let plan = Plan::for_recipe(&recipe)?;
        let Some(out) = plan.outputs.iter().find(|o| o.path.file_name().is_some_and(|n| n.to_string_lossy() == name)) else {
            return Ok(Vec::new());
        };
        let (full, partial) = out.timeline.passes();
        let passes = full + u32::from(partial > 0);
        Ok((1..passes).map(|p| f64::from(p * out.timeline.period) / out.fps_f64()).collect())
    }

    pub fn expected_dir(&self) -> PathBuf {
        self.dir.join("expected")
    }
    pub fn meta_path(&self) -> PathBuf {
        self.expected_dir().join("meta.json")
    }
    pub fn frame_path(&self, output: &str, time: f64) -> PathBuf {
        let stem = Path::new(output).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        self.expected_dir().join(format!("{stem}@{:06.3}s.png", time))
    }

    pub fn expected_meta(&self) -> Result<Option<Vec<OutputMeta>>> {
        let p = self.meta_path();
        if !p.exists() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&p).map_err(|e| Error::io_at(&p, e))?;
        serde_json::from_str(&text).map(Some).map_err(|e| Error::invalid(format!("{}: {e}", p.display())))
    }

    pub fn expected_frame(&self, output: &str, time: f64) -> Result<Option<Thumb>> {
        let p = self.frame_path(output, time);
        if p.exists() { Thumb::load_png(&p).map(Some) } else { Ok(None) }
    }
}
