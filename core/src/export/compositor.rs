//! One output's view of the composition: which picture of which clip each composed frame shows
//! (constant frame rate by nearest source time, so speed and VFR sources retime the same way),
//! reframed per clip (its fit, a still's camera move), and the transition where two clips overlap.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use fast_image_resize::Resizer;

use super::asset_loader::Picture;
use super::sequencer::Feed;
use crate::error::{Error, Result};
use crate::frame::reframe::Reframer;
use crate::frame::{motion, transition, Frame};
use crate::plan::{Composition, Layers, OutputPlan};

/// Whether source time `s` is at or past the midpoint of pictures at `a` and `b`: then `b` is the
/// nearer one. Retimed clips (speed ≠ 1) hit midpoints exactly (half speed: every other output
/// frame), so there a tie within a microsecond always moves on, instead of going one way or the
/// other with the floating-point noise.
fn past_midpoint(speed: f64, s: f64, a: f64, b: f64) -> bool {
    let slack = if speed == 1.0 { 0.0 } else { 1e-6 };
    s >= (a + b) / 2.0 - slack
}

/// Pictures of one clip received but not yet passed by the composed frames.
#[derive(Default)]
struct ClipFeed {
    pictures: VecDeque<Arc<Picture>>,
    ended: bool,
}

pub struct Compositor<'a> {
    out: &'a OutputPlan,
    composition: Arc<Composition>,
    fps: f64,
    feeds: HashMap<usize, ClipFeed>,
    reframers: HashMap<usize, Reframer>,
    /// Scratch pictures: a still's moving view, the two sides of a transition.
    view: Frame,
    side_a: Frame,
    side_b: Frame,
    resizer: Resizer,
}

impl<'a> Compositor<'a> {
    pub fn new(out: &'a OutputPlan, composition: Arc<Composition>) -> Compositor<'a> {
        Compositor {
            out,
            composition,
            fps: out.fps_f64(),
            feeds: HashMap::new(),
            reframers: HashMap::new(),
            view: Frame::empty(),
            side_a: Frame::empty(),
            side_b: Frame::empty(),
            resizer: Resizer::new(),
        }
    }

    pub fn take(&mut self, feed: Feed) {
        match feed {
            Feed::Picture(c, p) => self.feeds.entry(c).or_default().pictures.push_back(p),
            Feed::End(c) => self.feeds.entry(c).or_default().ended = true,
        }
    }

    /// Every clip still to come has ended: no further feed will arrive.
    pub fn all_ended(&self) -> bool {
        (0..self.composition.clips.len()).all(|c| self.feeds.get(&c).is_some_and(|f| f.ended))
    }

    /// Whether composed frame `k` can be drawn with what has arrived: for each clip on screen, the
    /// picture nearest to its source time is known (a later one has arrived, or the clip ended).
    pub fn ready(&self, k: u32) -> bool {
        let t = f64::from(k) / self.fps;
        self.clips_at(t).iter().all(|&c| {
            let Some(feed) = self.feeds.get(&c) else { return false };
            if feed.ended {
                return true;
            }
            let clip = &self.composition.clips[c];
            if clip.is_still() {
                return !feed.pictures.is_empty();
            }
            let s = clip.source_time(t);
            feed.pictures.iter().zip(feed.pictures.iter().skip(1)).any(|(a, b)| !past_midpoint(clip.speed, s, a.0, b.0))
        })
    }

    fn clips_at(&self, t: f64) -> Vec<usize> {
        match self.composition.layers_at(t) {
            Layers::One(c) => vec![c],
            Layers::Transition { from, to, .. } => vec![from, to],
        }
    }

    /// Draws composed frame `k` into `pic`; clips that are over are let go.
    pub fn draw(&mut self, k: u32, pic: &mut Frame) -> Result<()> {
        let t = f64::from(k) / self.fps;
        match self.composition.layers_at(t) {
            Layers::One(c) => {
                self.forget_before(c);
                self.draw_clip(c, t, pic)?;
            }
            Layers::Transition { from, to, kind, progress } => {
                self.forget_before(from);
                let (mut a, mut b) = (std::mem::take(&mut self.side_a), std::mem::take(&mut self.side_b));
                let r = self.draw_clip(from, t, &mut a).and_then(|_| self.draw_clip(to, t, &mut b));
                if r.is_ok() {
                    transition::blend(kind, progress, &a, &b, pic);
                }
                (self.side_a, self.side_b) = (a, b);
                r?;
            }
        }
        Ok(())
    }

    /// Clips before `c` are never shown again.
    fn forget_before(&mut self, c: usize) {
        self.feeds.retain(|&k, _| k >= c);
        self.reframers.retain(|&k, _| k >= c);
    }

    /// Clip `c` at composed time `t`, reframed into `out`.
    fn draw_clip(&mut self, c: usize, t: f64, out: &mut Frame) -> Result<()> {
        let clip = &self.composition.clips[c];
        let feed = self.feeds.get_mut(&c).ok_or_else(|| Error::internal("a clip was drawn before it arrived"))?;
        if !clip.is_still() {
            // Nearest picture: move on while the next one is at least as close.
            let s = clip.source_time(t);
            while feed.pictures.len() >= 2 && past_midpoint(clip.speed, s, feed.pictures[0].0, feed.pictures[1].0) {
                feed.pictures.pop_front();
            }
        }
        let picture = feed
            .pictures
            .front()
            .cloned()
            .ok_or_else(|| Error::unsupported(format!("{}: no video frame in the trimmed range could be decoded", clip.path.display())))?;
        let fit = self.out.fit_for(clip);
        let (out_w, out_h, background) = (self.out.width, self.out.height, self.out.background);
        let frame = &picture.1;
        let reframer = self.reframers.entry(c).or_insert_with(|| Reframer::new(frame.width, frame.height, out_w, out_h, fit, background));
        // fit "smart": the window of the clip's crop path at this picture's source time.
        let path = if fit == crate::recipe::Fit::Smart { self.out.smart.get(c).and_then(Option::as_ref) } else { None };
        if let Some(window) = path.filter(|_| !clip.is_still()).and_then(|p| p.window_at(picture.0, (frame.width, frame.height))) {
            reframer.apply_window_into(frame, window.rect(), out);
        } else if clip.is_still() && clip.motion != crate::recipe::Motion::None {
            let progress = if clip.len > 0.0 { (t - clip.start) / clip.len } else { 0.0 };
            motion::render(clip.motion, progress, frame, &mut self.resizer, &mut self.view);
            reframer.apply_into(&self.view, out);
        } else {
            reframer.apply_into(frame, out);
        }
        Ok(())
    }
}
