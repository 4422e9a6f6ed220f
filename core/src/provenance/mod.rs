//! Provenance: a signed C2PA manifest in every output when the recipe asks (`provenance`).
//!
//! ```text
//! spec.rs         the recipe field (always compiled: a recipe asking for provenance from a build
//!                 without it gets a clear error, not a silently unsigned file)
//! credentials.rs  chain + key checked when the plan is made, before any encoding (feature)
//! manifest.rs     actions (trimmed, looped, captioned, reframed, transcoded), sources with their
//!                 SHA-256, tool, creator (feature)
//! sign.rs         each finished *.part signed in place before the all-or-nothing commit (feature)
//! ```

mod spec;
#[cfg(feature = "provenance")]
mod credentials;
#[cfg(feature = "provenance")]
mod manifest;
#[cfg(feature = "provenance")]
mod sign;

use std::path::Path;
use std::sync::Arc;

pub use spec::{Creator, ProvenanceSpec};

use crate::error::{Error, Result};
use crate::plan::{OutputPlan, Plan};
use crate::recipe::Recipe;

/// One source of the export as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceFact {
    /// File name only: the manifest travels with the video, the device's folders should not.
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Provenance resolved when the plan is made: a working signer and the facts every manifest shares.
pub struct Prepared {
    #[cfg(feature = "provenance")]
    signer: c2pa::BoxedSigner,
    /// Every input medium once (clips, overlay images, music), in recipe order.
    pub sources: Vec<SourceFact>,
    /// Each timeline clip's source duration (0 for a still): what "trimmed" is measured against.
    pub clip_durations: Vec<f64>,
    pub creator: Option<Creator>,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared").field("sources", &self.sources).field("creator", &self.creator).finish_non_exhaustive()
    }
}

/// Checks the recipe's provenance request and makes its signer; None when it asks for none.
pub(crate) fn prepare(recipe: &Recipe, clip_durations: &[f64]) -> Result<Option<Arc<Prepared>>> {
    let Some(spec) = &recipe.provenance else { return Ok(None) };
    #[cfg(not(feature = "provenance"))]
    {
        let _ = (spec, clip_durations);
        Err(Error::invalid("the recipe asks for provenance, but this build of clipforge has no provenance support"))
    }
    #[cfg(feature = "provenance")]
    {
        let signer = credentials::signer(spec, recipe)?;
        let mut media: Vec<std::path::PathBuf> = recipe.timeline_clips().iter().map(|c| recipe.resolve(&c.source)).collect();
        media.extend(recipe.overlays.iter().flatten().map(|o| recipe.resolve(&o.image)));
        media.extend(recipe.music.iter().map(|m| recipe.resolve(&m.path)));
        let mut seen = std::collections::HashSet::new();
        media.retain(|p| seen.insert(p.clone()));
        Ok(Some(Arc::new(Prepared {
            signer,
            sources: media.iter().map(|p| source_fact(p)).collect::<Result<_>>()?,
            clip_durations: clip_durations.to_vec(),
            creator: spec.creator.clone(),
        })))
    }
}

/// Signs the finished, uncommitted file of `out` at `part`.
pub(crate) fn sign_output(prep: &Prepared, plan: &Plan, out: &OutputPlan, part: &Path) -> Result<()> {
    #[cfg(feature = "provenance")]
    {
        let def = manifest::definition(prep, plan, out);
        sign::sign_part(prep.signer.as_ref(), &def, part)
    }
    #[cfg(not(feature = "provenance"))]
    {
        let _ = (prep, plan, out, part);
        Err(Error::internal("provenance is not built in"))
    }
}

#[cfg(feature = "provenance")]
fn source_fact(path: &Path) -> Result<SourceFact> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| Error::io_at(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| Error::io_at(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    Ok(SourceFact {
        name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        bytes,
        sha256: crate::upload::hex(&hasher.finalize()),
    })
}

/// Benchmark hook (bench/upload.sh, `examples/sign_bench.rs`): the two costs provenance adds to an
/// export of `recipe`, timed apart: preparing (key checks, hashing the source) and signing the
/// finished `file` as output `output`. Not part of the API.
#[doc(hidden)]
#[cfg(feature = "provenance")]
pub fn bench_sign(recipe: &Recipe, output: usize, file: &Path) -> Result<(std::time::Duration, std::time::Duration)> {
    let mut unsigned = recipe.clone();
    unsigned.provenance = None;
    let plan = Plan::for_recipe(&unsigned)?;
    // The sources' own lengths (what "trimmed" is measured against), as the export passes them.
    let durations = recipe
        .timeline_clips()
        .iter()
        .map(|c| match crate::source::asset::probe_asset(&recipe.resolve(&c.source))? {
            crate::source::asset::Asset::Video(info) => Ok(info.duration),
            crate::source::asset::Asset::Still { .. } => Ok(0.0),
        })
        .collect::<Result<Vec<f64>>>()?;
    let t0 = std::time::Instant::now();
    let prep = prepare(recipe, &durations)?.ok_or_else(|| Error::invalid("the recipe asks for no provenance"))?;
    let prepared = t0.elapsed();
    let t1 = std::time::Instant::now();
    sign_output(&prep, &plan, &plan.outputs[output], file)?;
    Ok((prepared, t1.elapsed()))
}
