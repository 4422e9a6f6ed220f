//! Signing one finished part file in place: the manifest goes into a `uuid` box and the file is
//! rewritten beside the part, then renamed over it (the part is still uncommitted).

use std::path::Path;

use crate::error::{Error, Result};

pub(crate) fn sign_part(signer: &dyn c2pa::Signer, definition: &serde_json::Value, part: &Path) -> Result<()> {
    let fail = |e: c2pa::Error| Error::internal(format!("provenance: signing {} failed: {e}", part.display()));
    let mut builder = c2pa::Builder::from_context(c2pa::Context::new()).with_definition(definition.to_string()).map_err(fail)?;
    let dir = part.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut signed = tempfile::Builder::new()
        .prefix(".signing.")
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(|e| Error::io(format!("cannot create a file in {}: {e}", dir.display())))?;
    let mut source = std::fs::File::open(part).map_err(|e| Error::io_at(part, e))?;
    builder.sign(signer, "video/mp4", &mut source, signed.as_file_mut()).map_err(fail)?;
    signed.persist(part).map_err(|e| Error::io_at(part, e.error))?;
    Ok(())
}
