//! The audio track of an export: the clips' sound composed like the pictures (speed, volume,
//! equal-power crossfades over transitions), laid out like the loop, the music bed under it
//! (ducked while the clips speak), normalised to a loudness target and measured per EBU R128.

pub mod compose;
pub mod loudness;
pub mod music;
pub mod timeline;

/// A gain in decibels as a factor.
pub fn db_to_gain(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}
