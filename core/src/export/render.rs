//! One output's sample exporter: composed frames (compositor.rs), overlays and captions on top,
//! encoded one loop pass; a boomerang's way back (or every pass, when the layers differ between
//! passes) comes from a spill file of composed frames.

use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use super::compositor::Compositor;
use super::sequencer::Feed;
use crate::captions::CaptionLayer;
use crate::encode::video::open_video_encoder;
use crate::encode::EncodedStream;
use crate::error::{Error, Result};
use crate::export::control::{CancelToken, Progress};
use crate::export::panic_text;
use crate::frame::Frame;
use crate::overlay::OverlayLayer;
use crate::plan::{Composition, OutputPlan};
use crate::recipe::LoopMode;

pub(crate) fn render_output(
    out: &OutputPlan,
    composition: &Arc<Composition>,
    frames: Receiver<Feed>,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<EncodedStream> {
    // Reframing and encoding run on two threads, one picture apart, so the reframe of frame n+1
    // overlaps x264's work on frame n instead of adding to it. Encoded pictures come back from the
    // encoder (which reads them in place) to be drawn into again.
    let (recycle, recycled) = channel::<Frame>();
    let mut encoder = open_video_encoder(&out.encoder, out.width, out.height, out.fps, recycle)?;
    let keyframes = out.video_timeline().keyframes();
    let (to_encoder, pictures) = sync_channel::<(Frame, u32)>(0);
    std::thread::scope(|scope| {
        let encoding = scope.spawn(move || -> Result<EncodedStream> {
            for (pic, pos) in pictures {
                if cancel.is_cancelled() {
                    return Err(Error::cancelled());
                }
                encoder.encode(pic, i64::from(pos), keyframes.contains(&pos))?;
                progress.add(1);
            }
            // Cancelled: no flush. x264 still holds the frames of its lookahead and threads; encoding
            // them for a result nobody keeps took 230-370 ms of a cancel on a loaded 2-core machine.
            if cancel.is_cancelled() {
                return Err(Error::cancelled());
            }
            encoder.finish()
        });
        let drawn = draw_pictures(out, composition, frames, cancel, &to_encoder, &recycled);
        drop(to_encoder);
        let encoded = encoding
            .join()
            .unwrap_or_else(|p| Err(Error::internal(format!("video encoder thread failed: {}", panic_text(&p)))));
        match (drawn, encoded) {
            // The encoder's own error explains why it stopped taking pictures.
            (Err(Stop::EncoderGone) | Ok(()), Err(e)) => Err(e),
            (Err(Stop::EncoderGone), Ok(_)) => Err(Error::internal("video encoder stopped early")),
            (Err(Stop::Failed(e)), _) => Err(e),
            (Ok(()), Ok(stream)) => Ok(stream),
        }
    })
}

/// Why drawing stopped early.
enum Stop {
    Failed(Error),
    /// The encoder thread hung up: it failed, and its error is the one to report.
    EncoderGone,
}

impl From<Error> for Stop {
    fn from(e: Error) -> Stop {
        Stop::Failed(e)
    }
}

/// Composed frames with overlays and captions: sends each output picture, in output order, with
/// its position in the output.
fn draw_pictures(
    out: &OutputPlan,
    composition: &Arc<Composition>,
    feeds: Receiver<Feed>,
    cancel: &CancelToken,
    to_encoder: &SyncSender<(Frame, u32)>,
    recycled: &Receiver<Frame>,
) -> std::result::Result<(), Stop> {
    let mut compositor = Compositor::new(out, composition.clone());
    let t = out.timeline;
    // Layers that differ between passes turn the loop into one flat pass (see OutputPlan).
    let vt = out.video_timeline();
    let full = out.layers_per_pass;
    let encoded = vt.encoded();
    let fps = out.fps_f64();
    let mut captions = out.captions.clone().map(|c| CaptionLayer::new(c, out.width, out.height, fps, composition.clone(), t));
    let mut overlays = out.overlays.clone().map(|o| OverlayLayer::new(o, out.width, out.height, fps));
    let spill_dir = out.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new(".")).to_path_buf();
    // Which composed frames are kept for later passes, and where: the boomerang's middle (its way
    // back), or every frame when each pass is encoded.
    let spill_index = move |seg_i: u32| -> Option<usize> {
        if full {
            Some(seg_i as usize)
        } else if seg_i > 0 && seg_i + 1 < t.seg_frames {
            Some(seg_i as usize - 1)
        } else {
            None
        }
    };
    // Beside the output, not in the system temp dir: on Android that is not writable by apps.
    let needs_spill = if full { t.total > t.seg_frames } else { t.mode == LoopMode::Boomerang && encoded > t.seg_frames };
    let mut spill = needs_spill.then(|| Spill::new(spill_dir));
    let send = |pic: Frame, pos: u32| to_encoder.send((pic, pos)).map_err(|_| Stop::EncoderGone);
    let mut layers = |pic: &mut Frame, pos: u32| {
        if let Some(o) = overlays.as_mut() {
            o.apply(pic, pos);
        }
        if let Some(c) = captions.as_mut() {
            c.apply(pic, pos);
        }
    };

    let mut next = 0u32;
    let mut emit = |compositor: &mut Compositor, seg_i: u32| -> std::result::Result<(), Stop> {
        if cancel.is_cancelled() {
            return Err(Error::cancelled().into());
        }
        let mut pic = recycled.try_recv().unwrap_or_else(|_| Frame::empty());
        compositor.draw(seg_i, &mut pic)?;
        if let Some(s) = spill.as_mut() {
            // Kept without overlays and captions: later passes draw their own.
            if spill_index(seg_i).is_some() {
                s.push(&pic)?;
            }
        }
        if seg_i < encoded {
            layers(&mut pic, seg_i);
            send(pic, seg_i)?;
        }
        Ok(())
    };
    for feed in feeds.iter() {
        compositor.take(feed);
        while next < t.seg_frames && compositor.ready(next) {
            emit(&mut compositor, next)?;
            next += 1;
        }
        if next >= t.seg_frames {
            break;
        }
    }
    if next < t.seg_frames {
        if !compositor.all_ended() {
            // The decode loop stopped early; its own error says why.
            return Err(Error::internal("the decode pass ended before every clip was read").into());
        }
        while next < t.seg_frames {
            emit(&mut compositor, next)?;
            next += 1;
        }
    }
    drop(compositor);
    drop(feeds);

    // Boomerang: the way back, read from the spill in reverse; or, with layers that differ per
    // pass, every later pass.
    if let Some(mut s) = spill.take() {
        for pos in t.seg_frames..encoded {
            if cancel.is_cancelled() {
                return Err(Error::cancelled().into());
            }
            let seg_i = t.frame_at(pos);
            let index = spill_index(seg_i).ok_or_else(|| Error::internal("loop frame missing from the frame store"))?;
            // Into a picture the encoder has handed back: allocating one per frame here while
            // the encoder returns them into the channel grew memory by a frame per frame.
            let mut pic = recycled.try_recv().unwrap_or_else(|_| Frame::empty());
            s.read_into(index, out.width, out.height, &mut pic)?;
            layers(&mut pic, pos);
            send(pic, pos)?;
        }
    }
    Ok(())
}

/// Reframed frames of a boomerang's middle, kept in an unnamed temporary file instead of memory.
struct Spill {
    dir: std::path::PathBuf,
    file: Option<std::fs::File>,
    count: usize,
}

impl Spill {
    fn new(dir: std::path::PathBuf) -> Spill {
        Spill { dir, file: None, count: 0 }
    }

    fn push(&mut self, f: &Frame) -> Result<()> {
        let io = |e: std::io::Error| Error::io(format!("temporary frame store: {e}"));
        if self.file.is_none() {
            self.file = Some(tempfile::tempfile_in(&self.dir).map_err(io)?);
        }
        let file = self.file.as_mut().expect("set above");
        file.write_all(&f.y).and_then(|_| file.write_all(&f.u)).and_then(|_| file.write_all(&f.v)).map_err(io)?;
        self.count += 1;
        Ok(())
    }

    fn read_into(&mut self, index: usize, w: u32, h: u32, f: &mut Frame) -> Result<()> {
        let io = |e: std::io::Error| Error::io(format!("temporary frame store: {e}"));
        let (ys, cs) = (w as usize * h as usize, w as usize * h as usize / 4);
        let file = self.file.as_mut().ok_or_else(|| Error::internal("boomerang frame store is empty"))?;
        if index >= self.count {
            return Err(Error::internal("boomerang frame store index out of range"));
        }
        file.seek(SeekFrom::Start((index * (ys + 2 * cs)) as u64)).map_err(io)?;
        (f.width, f.height) = (w, h);
        f.y.resize(ys, 0);
        f.u.resize(cs, 0);
        f.v.resize(cs, 0);
        file.read_exact(&mut f.y).and_then(|_| file.read_exact(&mut f.u)).and_then(|_| file.read_exact(&mut f.v)).map_err(io)?;
        Ok(())
    }
}
