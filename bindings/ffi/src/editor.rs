//! Editor calls for a trim screen: `thumbnails` (a `ThumbnailStream` to pull from), `FrameReader`
//! (scrubbing, the clip kept open) and `waveform`, over `clipforge::editor`. Translation only.
//!
//! Every call reads and decodes: the idiomatic layers run them off the caller's thread
//! (`Clipforge.thumbnails` is a Flow, `Clipforge.frameAt` / `waveform` suspend; Swift async).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use clipforge::editor as core;

use crate::convert::{int, u32_of};
use crate::error::ClipforgeError;
use crate::guard::catch;

/// How a picture's bytes are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ImageFormat {
    /// Straight RGBA, 4 bytes a pixel, rows top to bottom: Android's
    /// `Bitmap.copyPixelsFromBuffer` (ARGB_8888) and Core Graphics take it as it is.
    Rgba,
    Png,
    /// Quality 85.
    Jpeg,
}

impl From<ImageFormat> for core::ImageFormat {
    fn from(f: ImageFormat) -> Self {
        match f {
            ImageFormat::Rgba => core::ImageFormat::Rgba,
            ImageFormat::Png => core::ImageFormat::Png,
            ImageFormat::Jpeg => core::ImageFormat::Jpeg,
        }
    }
}

/// A picture to show: `data` is RGBA pixels or an encoded PNG / JPEG, as `format` says.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Picture {
    pub width: i32,
    pub height: i32,
    pub format: ImageFormat,
    pub data: Vec<u8>,
}

fn picture(p: &core::Picture, format: Option<ImageFormat>) -> Result<Picture, ClipforgeError> {
    let format = format.unwrap_or(ImageFormat::Rgba);
    Ok(Picture { width: int(p.width), height: int(p.height), format, data: p.encode(format.into())? })
}

/// One filmstrip picture.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Thumbnail {
    /// Position in the strip, 0-based (pictures may arrive out of order only after damage).
    pub index: i32,
    /// Seconds into the clip of the frame shown.
    pub time: f64,
    /// A keyframe of the clip rather than the frame at the slot's middle.
    pub keyframe: bool,
    pub picture: Picture,
}

/// A frame for scrubbing: its time and picture.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct VideoFrame {
    /// Seconds into the clip of the frame shown.
    pub time: f64,
    pub picture: Picture,
}

/// Min and max sample of one stretch of the clip, in -1..1.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct Peak {
    pub min: f32,
    pub max: f32,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Waveform {
    /// Seconds the peaks cover.
    pub duration: f64,
    /// False for a clip without audio: every peak is then 0.
    pub has_audio: bool,
    /// One per bucket, in time order.
    pub peaks: Vec<Peak>,
}

/// `count` pictures evenly spread over `clip`, `height` pixels high, decoded on a worker thread
/// while the app takes them with `next()`. A missing or unreadable clip fails here.
#[uniffi::export(default(format = None))]
pub fn thumbnails(clip: String, count: i32, height: i32, format: Option<ImageFormat>) -> Result<Arc<ThumbnailStream>, ClipforgeError> {
    catch(|| {
        let strip = core::thumbnails(Path::new(&clip), u32_of(count, "count")?, u32_of(height, "height")?)?;
        Ok(Arc::new(ThumbnailStream { total: int(strip.total()), format, strip: Mutex::new(Some(strip)), stopped: AtomicBool::new(false) }))
    })
}

/// Thumbnails as they are decoded. Closing (or dropping) it stops the decoding.
#[derive(uniffi::Object)]
pub struct ThumbnailStream {
    total: i32,
    format: Option<ImageFormat>,
    strip: Mutex<Option<core::Thumbnails>>,
    /// Set by `cancel`, which must not wait for a `next` blocked on the worker.
    stopped: AtomicBool,
}

#[uniffi::export]
impl ThumbnailStream {
    /// How many thumbnails the strip has.
    pub fn total(&self) -> i32 {
        self.total
    }

    /// The next thumbnail (blocks until it is decoded), or null after the last.
    pub fn next(&self) -> Result<Option<Thumbnail>, ClipforgeError> {
        catch(|| {
            let mut strip = self.strip.lock().unwrap_or_else(|p| p.into_inner());
            let item = if self.stopped.load(Ordering::SeqCst) { None } else { strip.as_mut().and_then(Iterator::next) };
            let Some(item) = item.filter(|_| !self.stopped.load(Ordering::SeqCst)) else {
                *strip = None; // ended or cancelled: dropping the receiver stops the worker
                return Ok(None);
            };
            let t = item?;
            Ok(Some(Thumbnail { index: int(t.index), time: t.time, keyframe: t.keyframe, picture: picture(&t.picture, self.format)? }))
        })
    }

    /// Stops decoding (after the picture being decoded); `next()` returns null from now on.
    pub fn cancel(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        // A `next` blocked on the worker holds the lock: it drops the strip itself when it wakes.
        if let Ok(mut strip) = self.strip.try_lock() {
            *strip = None;
        }
    }
}

impl std::fmt::Debug for ThumbnailStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ThumbnailStream({})", self.total)
    }
}

/// Exact frames of one clip for scrubbing; the clip stays open between calls. Usable from any
/// thread, one call at a time (calls wait for each other).
#[derive(uniffi::Object)]
pub struct FrameReader {
    inner: Mutex<core::FrameReader>,
    duration: f64,
}

impl std::fmt::Debug for FrameReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FrameReader({:.3} s)", self.duration)
    }
}

#[uniffi::export]
impl FrameReader {
    /// Opens `clip` for frames `height` pixels high (upright, the clip's aspect, never upscaled).
    #[uniffi::constructor]
    pub fn new(clip: String, height: i32) -> Result<Arc<Self>, ClipforgeError> {
        catch(|| {
            let r = core::FrameReader::open(Path::new(&clip), u32_of(height, "height")?)?;
            Ok(Arc::new(FrameReader { duration: r.duration(), inner: Mutex::new(r) }))
        })
    }

    /// Seconds from the first frame's start to the last frame's end.
    pub fn duration(&self) -> f64 {
        self.duration
    }

    /// The frame shown at `seconds` (the first before the clip, the last after it).
    #[uniffi::method(default(format = None))]
    pub fn frame_at(&self, seconds: f64, format: Option<ImageFormat>) -> Result<VideoFrame, ClipforgeError> {
        catch(|| {
            let f = self.inner.lock().unwrap_or_else(|p| p.into_inner()).frame_at(seconds)?;
            Ok(VideoFrame { time: f.time, picture: picture(&f.picture, format)? })
        })
    }
}

/// Min/max peaks of `clip`'s audio in `buckets` equal stretches (a mono track at its own level).
#[uniffi::export]
pub fn waveform(clip: String, buckets: i32) -> Result<Waveform, ClipforgeError> {
    catch(|| {
        let w = core::waveform(Path::new(&clip), u32_of(buckets, "buckets")?)?;
        Ok(Waveform { duration: w.duration, has_audio: w.has_audio, peaks: w.peaks.into_iter().map(|p| Peak { min: p.min, max: p.max }).collect() })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn objects_are_send_and_sync() {
        assert_send_sync::<FrameReader>();
        assert_send_sync::<ThumbnailStream>();
    }

    #[test]
    fn negative_arguments_are_invalid_recipe() {
        assert!(matches!(thumbnails("x.mp4".into(), -1, 160, None), Err(ClipforgeError::InvalidRecipe { .. })));
        assert!(matches!(waveform("x.mp4".into(), -3), Err(ClipforgeError::InvalidRecipe { .. })));
        assert!(matches!(FrameReader::new("x.mp4".into(), -160), Err(ClipforgeError::InvalidRecipe { .. })));
    }
}
