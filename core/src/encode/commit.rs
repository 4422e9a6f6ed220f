//! The atomic finish of an export: every output is written to a hidden `*.part` beside its
//! destination, and the whole group is moved into place together — all of it, or none.
//!
//! Renames are atomic one by one, not as a group. So: every destination is checked first; a file
//! already at a destination is kept under a hard link (a backup name) until the group is in
//! place; and when one rename fails, the ones already done are undone and what they replaced is
//! put back. Only a crash of the machine in the middle of the group can leave it half done.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A destination being written: a hidden temporary file beside it, deleted unless committed.
pub struct PartFile {
    dest: PathBuf,
    temp: tempfile::TempPath,
}

impl PartFile {
    pub fn create(dest: &Path) -> Result<PartFile> {
        let dir = folder_of(dest);
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".part")
            .tempfile_in(dir)
            .map_err(|e| Error::io(format!("cannot create a file in {}: {e}", dir.display())))?
            .into_temp_path();
        Ok(PartFile { dest: dest.to_path_buf(), temp })
    }

    pub fn path(&self) -> &Path {
        &self.temp
    }

    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Makes the part an ordinary readable file and flushes it to disk.
    fn prepare(&self) -> Result<()> {
        std::fs::File::open(&self.temp)
            .and_then(|f| {
                // Temporary files are created private (0600); a finished video is an ordinary file.
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    f.set_permissions(std::fs::Permissions::from_mode(0o644))?;
                }
                f.sync_all()
            })
            .map_err(|e| Error::io_at(&self.dest, e))
    }
}

fn folder_of(p: &Path) -> &Path {
    p.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Moves every part to its destination, or leaves every destination as it was.
pub fn commit_all(parts: Vec<PartFile>) -> Result<()> {
    commit_all_with(parts, &mut |_| {})
}

/// [`commit_all`] with a hook called just before part `i` is renamed into place (tests use it to
/// change the file system at every point of the group).
pub(crate) fn commit_all_with(parts: Vec<PartFile>, before_rename: &mut dyn FnMut(usize)) -> Result<()> {
    for p in &parts {
        check_destination(&p.dest)?;
    }
    for p in &parts {
        p.prepare()?;
    }
    let mut done: Vec<Moved> = Vec::new();
    for (i, part) in parts.into_iter().enumerate() {
        before_rename(i);
        match move_into_place(part) {
            Ok(m) => done.push(m),
            Err(e) => {
                // Undo in reverse order; what cannot be undone is named in the error.
                let unrestored: Vec<String> = done.into_iter().rev().filter_map(|m| m.undo().err()).collect();
                if unrestored.is_empty() {
                    return Err(e);
                }
                return Err(Error::io(format!("{}; and restoring failed: {}", e.message, unrestored.join("; "))));
            }
        }
    }
    for m in done {
        m.finish();
    }
    Ok(())
}

/// A destination that is a folder (or anything but a file or a link) cannot take a file.
fn check_destination(dest: &Path) -> Result<()> {
    match std::fs::symlink_metadata(dest) {
        Ok(m) if m.is_dir() => Err(Error::io(format!("{} is a folder; the output cannot be written there", dest.display()))),
        Ok(m) if !(m.is_file() || m.file_type().is_symlink()) => {
            Err(Error::io(format!("{} is not a regular file; the output cannot be written there", dest.display())))
        }
        _ => Ok(()),
    }
}

/// An output moved into place, with what it replaced kept until the group is done.
struct Moved {
    dest: PathBuf,
    backup: Option<tempfile::TempPath>,
}

fn move_into_place(part: PartFile) -> Result<Moved> {
    check_destination(&part.dest)?;
    let backup = match std::fs::symlink_metadata(&part.dest) {
        Ok(_) => Some(keep_existing(&part.dest)?),
        Err(_) => None,
    };
    let PartFile { dest, temp } = part;
    // `persist` renames; on failure the part is dropped (deleted) with the returned TempPath.
    if let Err(e) = temp.persist(&dest) {
        return Err(Error::io_at(&dest, e.error));
    }
    Ok(Moved { dest, backup })
}

/// A second name for the file at `dest` (a hard link, or a copy where links are not supported),
/// so the rename over `dest` can be undone.
fn keep_existing(dest: &Path) -> Result<tempfile::TempPath> {
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let slot = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".keep")
        .tempfile_in(folder_of(dest))
        .map_err(|e| Error::io(format!("cannot keep the existing {}: {e}", dest.display())))?
        .into_temp_path();
    std::fs::remove_file(&slot).and_then(|_| std::fs::hard_link(dest, &slot).or_else(|_| std::fs::copy(dest, &slot).map(|_| ()))).map_err(
        |e| Error::io(format!("cannot keep the existing {}: {e}", dest.display())),
    )?;
    Ok(slot)
}

impl Moved {
    /// Puts back what was at the destination (or removes the new file if nothing was).
    fn undo(self) -> std::result::Result<(), String> {
        let Moved { dest, backup } = self;
        let r = match backup {
            Some(b) => b.persist(&dest).map_err(|e| e.error),
            None => std::fs::remove_file(&dest),
        };
        r.map_err(|e| format!("{}: {e}", dest.display()))
    }

    /// The group is in place: the backup goes.
    fn finish(self) {
        drop(self.backup);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(dir: &Path, name: &str, content: &str) -> PartFile {
        let p = PartFile::create(&dir.join(name)).unwrap();
        std::fs::write(p.path(), content).unwrap();
        p
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn all_parts_land_and_replace_old_files() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("b.mp4"), "old b").unwrap();
        commit_all(vec![part(d.path(), "a.mp4", "new a"), part(d.path(), "b.mp4", "new b")]).unwrap();
        assert_eq!(listing(d.path()), ["a.mp4", "b.mp4"]);
        assert_eq!(std::fs::read_to_string(d.path().join("b.mp4")).unwrap(), "new b");
    }

    #[test]
    fn a_folder_at_any_destination_fails_before_anything_moves() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.mp4"), "old a").unwrap();
        std::fs::create_dir(d.path().join("b.mp4")).unwrap();
        let e = commit_all(vec![part(d.path(), "a.mp4", "new a"), part(d.path(), "b.mp4", "new b")]).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::Io);
        assert!(e.message.contains("is a folder"), "{}", e.message);
        assert_eq!(listing(d.path()), ["a.mp4", "b.mp4"]);
        assert_eq!(std::fs::read_to_string(d.path().join("a.mp4")).unwrap(), "old a");
    }

    /// Every point of the group: a destination that turns into a folder just before its rename
    /// undoes the ones already done, puts back what they replaced, and leaves no part or backup.
    #[test]
    fn a_failure_at_any_rename_rolls_the_group_back() {
        for fail_at in 0..3 {
            for existing in [false, true] {
                let d = tempfile::tempdir().unwrap();
                let names = ["a.mp4", "b.mp4", "c.mp4"];
                if existing {
                    for n in names {
                        std::fs::write(d.path().join(n), format!("old {n}")).unwrap();
                    }
                }
                let parts = names.iter().map(|n| part(d.path(), n, &format!("new {n}"))).collect();
                let dir = d.path().to_path_buf();
                let e = commit_all_with(parts, &mut |i| {
                    if i == fail_at {
                        let dest = dir.join(names[i]);
                        let _ = std::fs::remove_file(&dest);
                        std::fs::create_dir(&dest).unwrap();
                        std::fs::write(dest.join("x"), "").unwrap();
                    }
                })
                .unwrap_err();
                assert_eq!(e.kind, crate::ErrorKind::Io, "{}", e.message);
                let mut want: Vec<&str> = names.to_vec();
                if !existing {
                    want.retain(|n| *n == names[fail_at]);
                }
                assert_eq!(listing(d.path()), want, "fail at {fail_at}, existing {existing}");
                for (i, n) in names.iter().enumerate() {
                    if i == fail_at {
                        assert!(d.path().join(n).is_dir());
                    } else if existing {
                        assert_eq!(std::fs::read_to_string(d.path().join(n)).unwrap(), format!("old {n}"), "fail at {fail_at}");
                    }
                }
            }
        }
    }
}
