//! The one decode loop of an export pass: asset loaders are opened clip after clip, at most two at
//! once (during a transition), and their pictures go to every output's sample exporter in
//! composed-time order. Memory stays flat however long or many the clips are: the channels to
//! the exporters hold one picture each.

use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::Arc;
use std::time::Duration;

use ffmpeg_next as ff;

use super::asset_loader::{AssetLoader, Picture};
use crate::error::{Error, Result};
use crate::export::control::CancelToken;
use crate::plan::Plan;
use crate::source::audio::AudioClip;

/// What a sample exporter receives.
#[derive(Clone)]
pub enum Feed {
    /// A picture of clip `.0`.
    Picture(usize, Arc<Picture>),
    /// Clip `.0` has no more pictures.
    End(usize),
}

/// Runs the pass: every clip of `plan`, pictures to `senders` (one per output of the pass).
/// `first` is clip 0's file already opened. Returns each clip's sound when `with_audio`.
pub fn run(
    plan: &Plan,
    mut first: Option<(ff::format::context::Input, bool)>,
    with_audio: bool,
    senders: &mut [Option<SyncSender<Feed>>],
    cancel: &CancelToken,
) -> Result<Vec<Option<AudioClip>>> {
    let clips = &plan.composition.clips;
    let mut sounds: Vec<Option<AudioClip>> = vec![None; clips.len()];
    // (clip, loader, its next picture not sent yet)
    let mut active: Vec<(usize, AssetLoader, Option<Picture>)> = Vec::new();
    let mut next_clip = 0;
    loop {
        if cancel.is_cancelled() {
            return Err(Error::cancelled());
        }
        // Open the next clip once the pictures sent so far reach its start (a cut: when the
        // previous clip is done; a transition: when it begins).
        let frontier = active.iter().filter_map(|(c, _, p)| p.as_ref().map(|p| clips[*c].composed_time(p.0))).fold(f64::INFINITY, f64::min);
        if next_clip < clips.len() && (active.is_empty() || frontier >= clips[next_clip].start - 1e-9) {
            let c = &clips[next_clip];
            let opened = if next_clip == 0 { first.take() } else { None };
            let mut loader = AssetLoader::open(c, opened, with_audio && c.with_audio, plan.skip_deblocking)?;
            let pending = loader.next()?;
            active.push((next_clip, loader, pending));
            next_clip += 1;
            continue;
        }
        // Send the earliest pending picture (in composed time).
        let earliest = active
            .iter()
            .enumerate()
            .filter_map(|(i, (c, _, p))| p.as_ref().map(|p| (i, clips[*c].composed_time(p.0))))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        match earliest {
            Some((i, _)) => {
                let (clip, loader, pending) = &mut active[i];
                let picture = pending.take().expect("chosen for its pending picture");
                send(senders, Feed::Picture(*clip, Arc::new(picture)), cancel)?;
                *pending = loader.next()?;
            }
            None => {
                // Every open loader is done: finish them (their sound, their checks).
                for (clip, loader, _) in active.drain(..) {
                    sounds[clip] = loader.finish()?;
                    send(senders, Feed::End(clip), cancel)?;
                }
                if next_clip >= clips.len() {
                    return Ok(sounds);
                }
            }
        }
        // A loader with nothing pending is finished as soon as it runs dry, so that it closes
        // before the one after the next opens (at most two decoders at once).
        let mut k = 0;
        while k < active.len() {
            if active[k].2.is_none() {
                let (clip, loader, _) = active.remove(k);
                sounds[clip] = loader.finish()?;
                send(senders, Feed::End(clip), cancel)?;
            } else {
                k += 1;
            }
        }
        if active.is_empty() && next_clip >= clips.len() {
            return Ok(sounds);
        }
    }
}

/// Hands `item` to every sample exporter still listening. Polls rather than blocks, so a cancel
/// is seen even while an exporter is busy.
fn send(senders: &mut [Option<SyncSender<Feed>>], item: Feed, cancel: &CancelToken) -> Result<()> {
    for slot in senders.iter_mut() {
        let Some(tx) = slot else { continue };
        let mut pending = item.clone();
        loop {
            match tx.try_send(pending) {
                Ok(()) => break,
                Err(TrySendError::Full(back)) => {
                    if cancel.is_cancelled() {
                        return Err(Error::cancelled());
                    }
                    pending = back;
                    std::thread::sleep(Duration::from_millis(1));
                }
                // The exporter has all it needs (or failed; its own error is reported).
                Err(TrySendError::Disconnected(_)) => {
                    *slot = None;
                    break;
                }
            }
        }
    }
    Ok(())
}
