//! The audio track under a trim screen's filmstrip: the lowest and highest sample of each of
//! `buckets` equal stretches of the clip. Only the audio is read (the demuxer skips the video's
//! data) and decoded the one way every export decodes it (48 kHz stereo float).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::source::audio::{AudioDecoder, CHANNELS};
use crate::source::open::{open_input_quick, read_only_stream};
use crate::source::packets::PacketReader;
use crate::source::probe::probe_input;

/// Lowest and highest sample of a stretch, over both channels of the stereo mix (a mono track at
/// its own level), in -1..1.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Peak {
    pub min: f32,
    pub max: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waveform {
    /// Seconds the buckets cover (the audio track's duration; the clip's when it has no audio).
    pub duration: f64,
    /// False for a clip without an audio track: every peak is then 0 (it plays silence).
    pub has_audio: bool,
    /// One per bucket, in time order; bucket `i` covers `[i, i + 1) · duration / buckets`.
    pub peaks: Vec<Peak>,
}

/// The most buckets one call makes (far more than a screen has pixels).
pub const MAX_BUCKETS: u32 = 100_000;

/// Peaks of `clip`'s audio track in `buckets` equal stretches.
pub fn waveform(clip: &Path, buckets: u32) -> Result<Waveform> {
    if !(1..=MAX_BUCKETS).contains(&buckets) {
        return Err(Error::invalid(format!("waveform: buckets must be 1–{MAX_BUCKETS}, got {buckets}")));
    }
    let mut input = open_input_quick(clip)?;
    let info = probe_input(&input, clip);
    let Some((stream_info, _)) = info.audio() else {
        // The quick open leaves the container's duration unset for MP4: the longest stream's.
        let duration = info.streams.iter().map(|s| s.duration).fold(info.duration, f64::max);
        return Ok(Waveform { duration, has_audio: false, peaks: vec![Peak::default(); buckets as usize] });
    };
    let duration = if stream_info.duration > 0.0 { stream_info.duration } else { info.duration };
    if !(duration > 0.0 && duration.is_finite()) {
        return Err(Error::unsupported(format!("{}: the audio track's duration is unknown", clip.display())));
    }
    if duration > 4.0 * 3600.0 {
        return Err(Error::limit(format!("{}: a waveform covers at most 4 hours, the audio lasts {duration:.0} s", clip.display())));
    }
    let aindex = stream_info.index;
    read_only_stream(&mut input, aindex);
    let stream = input.stream(aindex).ok_or_else(|| Error::unsupported("the audio stream went away"))?;
    let mut decoder = AudioDecoder::new(&stream, 0.0, duration)?;
    decoder.keep_centre_level();
    let mut packets = PacketReader::default();
    while let Some(packet) = packets.next(&mut input) {
        if packet.stream() == aindex {
            decoder.send(&packet)?;
        }
    }
    let audio = decoder.finish()?;
    Ok(Waveform { duration, has_audio: true, peaks: peaks(&audio.samples, buckets as usize) })
}

/// Min and max of interleaved stereo `samples` over `buckets` equal stretches of frames.
fn peaks(samples: &[f32], buckets: usize) -> Vec<Peak> {
    let frames = samples.len() / CHANNELS;
    (0..buckets)
        .map(|b| {
            let (from, to) = (b * frames / buckets, ((b + 1) * frames / buckets).max(b * frames / buckets));
            let s = &samples[from * CHANNELS..to * CHANNELS];
            let (min, max) = s.iter().fold((0f32, 0f32), |(lo, hi), &x| (lo.min(x), hi.max(x)));
            Peak { min: min.max(-1.0), max: max.min(1.0) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peaks_per_bucket() {
        // 4 stereo frames per bucket: a burst in the second bucket only.
        let mut s = vec![0f32; 3 * 4 * CHANNELS];
        s[8] = 0.5;
        s[11] = -0.25;
        let p = peaks(&s, 3);
        assert_eq!(p[0], Peak { min: 0.0, max: 0.0 });
        assert_eq!(p[1], Peak { min: -0.25, max: 0.5 });
        assert_eq!(p[2], Peak::default());
    }
}
