//! The font set captions are shaped with: a built-in Latin face, the bundled fonts folder, fonts the
//! app registers (files or bytes) and fonts named by a recipe's styles. No system fonts: the same
//! recipe renders the same on every device.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use cosmic_text::fontdb;

use crate::error::{Error, Result};

/// Always available, so captions never fail for lack of a font file (Latin, Greek, Cyrillic).
static BUILTIN_LATIN: &[u8] = include_bytes!("../../../fixtures/fonts/NotoSans-Bold.ttf");
pub const DEFAULT_FAMILY: &str = "Noto Sans";

static REGISTERED: Mutex<Vec<fontdb::Source>> = Mutex::new(Vec::new());

/// Adds a font (TTF/OTF/TTC bytes) for every later export of this process. Bytes that hold no font
/// face are refused with `InvalidRecipe` here, rather than being skipped silently at export time.
pub fn register_font_bytes(data: Vec<u8>) -> Result<()> {
    if data.len() as u64 > crate::files::MAX_FONT_BYTES {
        return Err(Error::limit(format!("font bytes: {} bytes; at most {}", data.len(), crate::files::MAX_FONT_BYTES)));
    }
    let source = fontdb::Source::Binary(Arc::new(data));
    if !has_face(&source) {
        return Err(Error::invalid("font bytes are not a font (TTF, OTF or TTC)"));
    }
    REGISTERED.lock().unwrap_or_else(|p| p.into_inner()).push(source);
    Ok(())
}

/// Adds a font file, or every font in a folder, for every later export of this process. A file that
/// is not a font is refused with `InvalidRecipe`; a missing path is `Io`.
pub fn register_font_path(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io_at(path, e))?;
    if meta.is_dir() {
        let files = font_files(path);
        REGISTERED.lock().unwrap_or_else(|p| p.into_inner()).extend(files.into_iter().map(fontdb::Source::File));
    } else {
        // Read here (regular file, size cap) rather than by fontdb, which would hang on a FIFO.
        let data = crate::files::read_capped(path, crate::files::MAX_FONT_BYTES, "font")?;
        let source = fontdb::Source::Binary(Arc::new(data));
        if !has_face(&source) {
            return Err(Error::invalid(format!("{} is not a font file (TTF, OTF or TTC)", path.display())));
        }
        REGISTERED.lock().unwrap_or_else(|p| p.into_inner()).push(source);
    }
    Ok(())
}

/// Whether fontdb finds at least one face in `source` (the check it would otherwise do at export).
fn has_face(source: &fontdb::Source) -> bool {
    !fontdb::Database::new().load_font_source(source.clone()).is_empty()
}

/// The bundled fonts folder: `$CLIPFORGE_FONTS`, else the source tree's `fixtures/fonts` (made by
/// `fixtures/fonts/make.sh`). Apps ship their own folder and point `register_font_path` at it.
pub fn bundled_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("CLIPFORGE_FONTS") {
        return Some(PathBuf::from(d));
    }
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/fonts");
    d.is_dir().then_some(d)
}

fn font_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| {
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        // fontdb maps these files: regular files of a sane size only (a FIFO would hang it).
        let usable = std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() <= crate::files::MAX_FONT_BYTES);
        matches!(ext.as_str(), "ttf" | "otf" | "ttc" | "otc") && usable
    });
    v.sort();
    v
}

/// A resolved font database; cheap to clone (faces are shared or memory-mapped).
#[derive(Clone)]
pub struct Fonts {
    pub db: fontdb::Database,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fonts({} faces)", self.db.len())
    }
}

impl Fonts {
    /// Built-in + bundled folder + registered fonts.
    pub fn standard() -> Fonts {
        let mut db = fontdb::Database::new();
        db.load_font_source(fontdb::Source::Binary(Arc::new(BUILTIN_LATIN)));
        if let Some(dir) = bundled_dir() {
            for f in font_files(&dir) {
                // The built-in face is already loaded; a second copy would only waste memory.
                if f.file_name().and_then(|n| n.to_str()) != Some("NotoSans-Bold.ttf") {
                    db.load_font_source(fontdb::Source::File(f));
                }
            }
        }
        for s in REGISTERED.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            db.load_font_source(s.clone());
        }
        Fonts { db }
    }

    /// Loads a style's font file and returns its family name.
    pub fn add_file(&mut self, path: &Path, what: &str) -> Result<String> {
        let data = crate::files::read_capped(path, crate::files::MAX_FONT_BYTES, &format!("{what}: font"))?;
        let ids = self.db.load_font_source(fontdb::Source::Binary(Arc::new(data)));
        let family = ids
            .first()
            .and_then(|id| self.db.face(*id))
            .and_then(|f| f.families.first().map(|(name, _)| name.clone()))
            .ok_or_else(|| Error::invalid(format!("{what}: {} is not a font file (TTF, OTF or TTC)", path.display())))?;
        Ok(family)
    }

    pub fn font_system(&self) -> cosmic_text::FontSystem {
        // Fixed locale: shaping and fallback must not depend on the device's language settings.
        cosmic_text::FontSystem::new_with_locale_and_db("en-US".into(), self.db.clone())
    }
}
