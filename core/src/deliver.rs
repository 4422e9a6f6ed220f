//! A finished output made ready to deliver, between the mux and the all-or-nothing commit: its
//! `*.part` is signed (provenance) and its upload plan written as a part of its own, so side files
//! are committed with the videos or not at all. Nothing happens when the recipe asks for neither,
//! so an unsigned export's bytes are exactly what the muxer wrote.

use crate::encode::commit::PartFile;
use crate::error::{Error, Result};
use crate::plan::{OutputPlan, Plan};
use crate::upload::UploadPlan;

/// Signs `part` (the muxed file of `out`, output `index`) when the recipe asks for provenance, and
/// returns the parts of its side files: `<name>.upload.json` when it asks for upload plans,
/// `<name>.links.json` when the output shows links.
pub(crate) fn finish_part(plan: &Plan, index: usize, out: &OutputPlan, part: &PartFile) -> Result<Vec<PartFile>> {
    if let Some(prep) = &plan.provenance {
        crate::provenance::sign_output(prep, plan, out, part.path())?;
    }
    let mut sides = Vec::new();
    let names: Vec<String> =
        plan.outputs.iter().map(|o| o.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()).collect();
    if let Some(m) = crate::recipe::links::manifest_for(&plan.links, index, &names) {
        let side = PartFile::create(&crate::recipe::links::manifest_path_for(&out.path))?;
        let json = serde_json::to_string_pretty(&m).map_err(|e| Error::internal(format!("links manifest: {e}")))?;
        std::fs::write(side.path(), json).map_err(|e| Error::io_at(side.path(), e))?;
        sides.push(side);
    }
    let Some(spec) = &plan.upload_plan else { return Ok(sides) };
    // Planned from the finished part (signed if asked), described under its final name: the
    // rename keeps the size and modification time the plan records.
    let mut up = UploadPlan::new(part.path(), spec.part_size)?;
    up.file = absolute(&out.path)?;
    let side = PartFile::create(&crate::upload::plan_path_for(&out.path))?;
    std::fs::write(side.path(), up.to_json()).map_err(|e| Error::io_at(side.path(), e))?;
    sides.push(side);
    Ok(sides)
}

fn absolute(p: &std::path::Path) -> Result<std::path::PathBuf> {
    let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let dir = std::fs::canonicalize(dir).map_err(|e| Error::io_at(dir, e))?;
    Ok(dir.join(p.file_name().unwrap_or_default()))
}
