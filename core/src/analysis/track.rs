//! What subject analysis finds in a clip, independent of any output: detections per sampled
//! frame (in source pixels) and scene cuts. `reframe_path` turns it into a crop path per output.

use serde::{Deserialize, Serialize};

/// A rectangle in upright source pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Region {
    pub fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
    pub fn area(&self) -> f64 {
        self.w.max(0.0) * self.h.max(0.0)
    }
    /// The smallest region holding both.
    pub fn union(&self, o: &Region) -> Region {
        let (x0, y0) = (self.x.min(o.x), self.y.min(o.y));
        let (x1, y1) = ((self.x + self.w).max(o.x + o.w), (self.y + self.h).max(o.y + o.h));
        Region { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }
    }
    /// Intersection over union (0 when apart).
    pub fn iou(&self, o: &Region) -> f64 {
        let iw = ((self.x + self.w).min(o.x + o.w) - self.x.max(o.x)).max(0.0);
        let ih = ((self.y + self.h).min(o.y + o.h) - self.y.max(o.y)).max(0.0);
        let inter = iw * ih;
        let union = self.area() + o.area() - inter;
        if union > 0.0 { inter / union } else { 0.0 }
    }
}

/// What kind of thing a detection is: faces are what a viewer looks at first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectKind {
    Face,
    /// A salient region (no face in the frame).
    Salient,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    pub kind: SubjectKind,
    pub region: Region,
    /// Detector confidence, 0..1.
    pub score: f32,
}

/// One sampled frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubjectSample {
    /// Seconds of the clip.
    pub time: f64,
    /// Faces, or else salient regions; empty when nothing stands out.
    pub detections: Vec<Detection>,
}

/// Subjects over a time range of a clip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubjectTrack {
    /// Upright source size: every region is in these pixels.
    pub width: u32,
    pub height: u32,
    /// The analysed range, seconds of the clip.
    pub start: f64,
    pub end: f64,
    /// In time order.
    pub samples: Vec<SubjectSample>,
    /// Scene cuts (seconds of the clip): the path jumps there instead of panning.
    pub cuts: Vec<f64>,
}
