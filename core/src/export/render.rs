//! One output's worker: constant-rate sampling of decoded frames, reframing, encoding one pass.

use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use crate::captions::Overlay;
use crate::encode::video::open_video_encoder;
use crate::encode::EncodedStream;
use crate::error::{Error, Result};
use crate::export::control::{CancelToken, Progress};
use crate::export::panic_text;
use crate::frame::reframe::Reframer;
use crate::frame::Frame;
use crate::plan::OutputPlan;
use crate::recipe::LoopMode;

/// A decoded source frame and its time in source seconds.
pub type Decoded = Arc<(f64, Frame)>;

pub(crate) fn render_output(
    out: &OutputPlan,
    seg_start: f64,
    work_size: (u32, u32),
    frames: Receiver<Decoded>,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<EncodedStream> {
    let mut encoder = open_video_encoder(&out.encoder, out.width, out.height, out.fps)?;
    let keyframes = out.video_timeline().keyframes();
    // Reframing and encoding run on two threads, one picture apart, so the reframe of frame n+1
    // overlaps x264's work on frame n instead of adding to it. Encoded pictures come back to be
    // drawn into again.
    let (to_encoder, pictures) = sync_channel::<(Frame, u32)>(0);
    let (recycle, recycled) = channel::<Frame>();
    std::thread::scope(|scope| {
        let encoding = scope.spawn(move || -> Result<EncodedStream> {
            for (pic, pos) in pictures {
                if cancel.is_cancelled() {
                    return Err(Error::cancelled());
                }
                encoder.encode(&pic, i64::from(pos), keyframes.contains(&pos))?;
                progress.add(1);
                let _ = recycle.send(pic);
            }
            // Cancelled: no flush. x264 still holds the frames of its lookahead and threads; encoding
            // them for a result nobody keeps took 230-370 ms of a cancel on a loaded 2-core machine.
            if cancel.is_cancelled() {
                return Err(Error::cancelled());
            }
            encoder.finish()
        });
        let drawn = draw_pictures(out, seg_start, work_size, frames, cancel, &to_encoder, &recycled);
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

/// Constant-rate sampling, reframing and captions: sends each output picture, in output order,
/// with its position in the output.
fn draw_pictures(
    out: &OutputPlan,
    seg_start: f64,
    work_size: (u32, u32),
    frames: Receiver<Decoded>,
    cancel: &CancelToken,
    to_encoder: &SyncSender<(Frame, u32)>,
    recycled: &Receiver<Frame>,
) -> std::result::Result<(), Stop> {
    let mut reframer = Reframer::new(work_size.0, work_size.1, out.width, out.height, out.fit, out.background);
    let t = out.timeline;
    // Captions that differ between passes turn the loop into one flat pass (see OutputPlan).
    let vt = out.video_timeline();
    let full = out.captions_per_pass;
    let encoded = vt.encoded();
    let fps = out.fps_f64();
    let mut overlay = out.captions.clone().map(|c| Overlay::new(c, out.width, out.height, fps, seg_start, t));
    let spill_dir = out.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new(".")).to_path_buf();
    // Which segment frames are kept for later passes, and where: the boomerang's middle (its way
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

    let mut emit = |seg_i: u32, frame: &Frame| -> std::result::Result<(), Stop> {
        if cancel.is_cancelled() {
            return Err(Error::cancelled().into());
        }
        let mut pic = recycled.try_recv().unwrap_or_else(|_| Frame::empty());
        reframer.apply_into(frame, &mut pic);
        if let Some(s) = spill.as_mut() {
            // Kept without captions: later passes draw their own.
            if spill_index(seg_i).is_some() {
                s.push(&pic)?;
            }
        }
        if seg_i < encoded {
            if let Some(o) = overlay.as_mut() {
                o.apply(&mut pic, seg_i);
            }
            send(pic, seg_i)?;
        }
        Ok(())
    };

    // Constant frame rate: output frame i shows the decoded frame nearest to its time.
    let mut next = 0u32;
    let mut current: Option<Decoded> = None;
    for incoming in frames.iter() {
        if let Some(cur) = &current {
            let midpoint = (cur.0 + incoming.0) / 2.0;
            while next < t.seg_frames && seg_start + f64::from(next) / fps < midpoint {
                emit(next, &cur.1)?;
                next += 1;
            }
        }
        if next >= t.seg_frames {
            break;
        }
        current = Some(incoming);
    }
    let last = current.ok_or_else(|| Error::unsupported("no video frame in the trimmed range could be decoded"))?;
    while next < t.seg_frames {
        emit(next, &last.1)?;
        next += 1;
    }
    drop(last);
    drop(frames);

    // Boomerang: the way back, read from the spill in reverse; or, with per-pass captions, every
    // later pass.
    if let Some(mut s) = spill.take() {
        for pos in t.seg_frames..encoded {
            if cancel.is_cancelled() {
                return Err(Error::cancelled().into());
            }
            let seg_i = t.frame_at(pos);
            let index = spill_index(seg_i).ok_or_else(|| Error::internal("loop frame missing from the frame store"))?;
            let mut pic = s.read(index, out.width, out.height)?;
            if let Some(o) = overlay.as_mut() {
                o.apply(&mut pic, pos);
            }
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

    fn read(&mut self, index: usize, w: u32, h: u32) -> Result<Frame> {
        let io = |e: std::io::Error| Error::io(format!("temporary frame store: {e}"));
        let (ys, cs) = (w as usize * h as usize, w as usize * h as usize / 4);
        let file = self.file.as_mut().ok_or_else(|| Error::internal("boomerang frame store is empty"))?;
        if index >= self.count {
            return Err(Error::internal("boomerang frame store index out of range"));
        }
        file.seek(SeekFrom::Start((index * (ys + 2 * cs)) as u64)).map_err(io)?;
        let mut f = Frame { width: w, height: h, y: vec![0; ys], u: vec![0; cs], v: vec![0; cs] };
        file.read_exact(&mut f.y).and_then(|_| file.read_exact(&mut f.u)).and_then(|_| file.read_exact(&mut f.v)).map_err(io)?;
        Ok(f)
    }
}
