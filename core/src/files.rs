//! Reading the small files a recipe names besides its media (the recipe itself, subtitles, fonts,
//! taste profiles, images): local regular files only, never more than a stated number of bytes.
//!
//! `std::fs::read` on `/dev/zero` never ends and on a FIFO blocks forever; a 2 GB "subtitle file"
//! would be read whole. Every such read goes through here instead.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// Size caps of the non-media inputs (bytes). Generous for real files, small enough for a phone.
pub const MAX_RECIPE_BYTES: u64 = 1 << 20;
pub const MAX_SUBTITLE_BYTES: u64 = 4 << 20;
pub const MAX_FONT_BYTES: u64 = 64 << 20;
pub const MAX_PROFILE_BYTES: u64 = 1 << 20;

/// Reads `path` whole if it is a regular file of at most `max` bytes. `what` names it in errors
/// ("subtitles", "recipe", …).
pub fn read_capped(path: &Path, max: u64, what: &str) -> Result<Vec<u8>> {
    let file = open_regular(path, what)?;
    let len = file.metadata().map_err(|e| io(what, path, e))?.len();
    if len > max {
        return Err(too_big(what, path, len, max));
    }
    let mut data = Vec::with_capacity(len as usize);
    // `take`: the file may grow after the size check.
    file.take(max + 1).read_to_end(&mut data).map_err(|e| io(what, path, e))?;
    if data.len() as u64 > max {
        return Err(too_big(what, path, data.len() as u64, max));
    }
    Ok(data)
}

/// [`read_capped`] as UTF-8 text (a byte-order mark is dropped). Text that is not UTF-8 is the
/// content's fault, not the file system's: `InvalidRecipe`.
pub fn read_text_capped(path: &Path, max: u64, what: &str) -> Result<String> {
    let bytes = read_capped(path, max, what)?;
    let text = String::from_utf8(bytes)
        .map_err(|e| Error::invalid(format!("{what} {}: not UTF-8 text (invalid byte at offset {})", path.display(), e.utf8_error().valid_up_to())))?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Opens `path` for reading after checking, on the opened handle, that it is a regular file.
/// Opening does not block on a FIFO (`O_NONBLOCK`), so a FIFO is refused instead of hanging.
pub fn open_regular(path: &Path, what: &str) -> Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path).map_err(|e| io(what, path, e))?;
    let meta = file.metadata().map_err(|e| io(what, path, e))?;
    if !meta.is_file() {
        return Err(Error::unsupported(format!("{what} {}: not a regular file", path.display())));
    }
    Ok(file)
}

fn io(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::io(format!("{what} {}: {e}", path.display()))
}

fn too_big(what: &str, path: &Path, len: u64, max: u64) -> Error {
    Error::limit(format!("{what} {} is {} bytes; at most {} are read", path.display(), len, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_fifos_and_folders_are_refused_without_blocking() {
        for p in ["/dev/zero", "/dev/null", "/"] {
            let e = read_capped(Path::new(p), 10, "subtitles").unwrap_err();
            assert_eq!(e.kind, crate::ErrorKind::UnsupportedInput, "{p}: {}", e.message);
        }
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo with a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_capped(&fifo, 10, "font").unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::UnsupportedInput, "{}", e.message);
    }

    #[test]
    fn size_cap_and_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.srt");
        std::fs::write(&p, vec![b'a'; 11]).unwrap();
        assert_eq!(read_capped(&p, 10, "subtitles").unwrap_err().kind, crate::ErrorKind::LimitExceeded);
        assert_eq!(read_capped(&p, 11, "subtitles").unwrap().len(), 11);
        std::fs::write(&p, b"\xef\xbb\xbfok").unwrap();
        assert_eq!(read_text_capped(&p, 10, "subtitles").unwrap(), "ok");
        std::fs::write(&p, b"a\xffb").unwrap();
        let e = read_text_capped(&p, 10, "subtitles").unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::InvalidRecipe);
        assert!(e.message.contains("not UTF-8") && e.message.contains("offset 1"), "{}", e.message);
    }
}
