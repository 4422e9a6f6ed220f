//! A finished output made ready to deliver, between the mux and the all-or-nothing commit: its
//! `*.part` is signed (provenance) and its upload plan written as a part of its own, so side files
//! are committed with the videos or not at all. Nothing happens when the recipe asks for neither,
//! so an unsigned export's bytes are exactly what the muxer wrote.

use crate::encode::commit::PartFile;
use crate::error::{Error, Result};
use crate::plan::{OutputPlan, Plan};
use crate::upload::UploadPlan;

/// Signs `part` (the muxed file of `out`) when the recipe asks for provenance, and returns the part
/// of its `<name>.upload.json` when it asks for upload plans.
pub(crate) fn finish_part(plan: &Plan, out: &OutputPlan, part: &PartFile) -> Result<Option<PartFile>> {
    if let Some(prep) = &plan.provenance {
        crate::provenance::sign_output(prep, plan, out, part.path())?;
    }
    let Some(spec) = &plan.upload_plan else { return Ok(None) };
    // Planned from the finished part (signed if asked), described under its final name: the
    // rename keeps the size and modification time the plan records.
    let mut up = UploadPlan::new(part.path(), spec.part_size)?;
    up.file = absolute(&out.path)?;
    let side = PartFile::create(&crate::upload::plan_path_for(&out.path))?;
    std::fs::write(side.path(), up.to_json()).map_err(|e| Error::io_at(side.path(), e))?;
    Ok(Some(side))
}

fn absolute(p: &std::path::Path) -> Result<std::path::PathBuf> {
    let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let dir = std::fs::canonicalize(dir).map_err(|e| Error::io_at(dir, e))?;
    Ok(dir.join(p.file_name().unwrap_or_default()))
}
