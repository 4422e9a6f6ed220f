//! MP4 muxing with the index at the front (into the `*.part` file of `commit.rs`).

use std::path::Path;

use ffmpeg_next as ff;

use crate::encode::EncodedStream;
use crate::error::{Error, Result};
use crate::timeline::Timeline;

/// Writes `video` (one encoded pass, replayed to fill `timeline`) and `audio` into an MP4 at `path`.
pub fn write_mp4(
    path: &Path,
    video: &EncodedStream,
    timeline: &Timeline,
    audio: Option<&EncodedStream>,
    cancelled: &dyn Fn() -> bool,
) -> Result<()> {
    let url = format!("file:{}", path.display());
    let mut out = ff::format::output_as(&url, "mp4").map_err(|e| Error::io(format!("cannot write {}: {e}", path.display())))?;
    add_stream(&mut out, video)?;
    if let Some(a) = audio {
        add_stream(&mut out, a)?;
    }
    let mut opts = ff::Dictionary::new();
    opts.set("movflags", "+faststart");
    out.write_header_with(opts).map_err(|e| Error::io(format!("cannot write {}: {e}", path.display())))?;
    let stream_tb: Vec<ff::Rational> = out.streams().map(|s| s.time_base()).collect();

    let mut queue = replay_video(video, timeline);
    let mut audio_packets = audio.map(|a| a.packets.iter().map(|p| (p, a.time_base)).collect::<Vec<_>>()).unwrap_or_default();
    audio_packets.reverse();
    queue.reverse();
    // Merge by decode time so the interleaver never has to buffer much.
    loop {
        if cancelled() {
            return Err(Error::cancelled());
        }
        let next_is_video = match (queue.last(), audio_packets.last()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(v), Some((a, atb))) => seconds(v.dts().unwrap_or(0), video.time_base) <= seconds(a.dts().unwrap_or(0), *atb),
        };
        let (mut pkt, tb, index) = if next_is_video {
            (queue.pop().expect("checked"), video.time_base, 0)
        } else {
            let (p, tb) = audio_packets.pop().expect("checked");
            (p.clone(), tb, 1)
        };
        pkt.set_stream(index);
        pkt.rescale_ts(tb, stream_tb[index]);
        pkt.set_position(-1);
        pkt.write_interleaved(&mut out).map_err(|e| Error::io(format!("writing {} failed: {e}", path.display())))?;
    }
    out.write_trailer().map_err(|e| Error::io(format!("finishing {} failed: {e}", path.display())))?;
    Ok(())
}

fn seconds(ts: i64, tb: ff::Rational) -> f64 {
    ts as f64 * f64::from(tb)
}

fn add_stream(out: &mut ff::format::context::Output, s: &EncodedStream) -> Result<()> {
    let mut st = out.add_stream(ff::encoder::find(ff::codec::Id::None)).map_err(|e| Error::internal(format!("cannot add a stream: {e}")))?;
    st.set_parameters(s.parameters.clone());
    st.set_time_base(s.time_base);
    // SAFETY: plain field write on the stream's own codec parameters; 0 lets the MP4 muxer pick the tag.
    unsafe { (*(*st.as_mut_ptr()).codecpar).codec_tag = 0 };
    Ok(())
}

/// The clip's video packets: the encoded pass repeated with shifted timestamps, the last pass cut.
fn replay_video(video: &EncodedStream, t: &Timeline) -> Vec<ff::Packet> {
    let (full, partial) = t.passes();
    let period = i64::from(t.encoded());
    let mut out = Vec::new();
    let mut push_pass = |p: i64, limit: i64| {
        for src in &video.packets {
            if src.pts().unwrap_or(0) >= limit {
                continue;
            }
            let mut pkt = src.clone();
            pkt.set_pts(src.pts().map(|x| x + p * period));
            pkt.set_dts(src.dts().map(|x| x + p * period));
            pkt.set_duration(1);
            out.push(pkt);
        }
    };
    for p in 0..i64::from(full) {
        push_pass(p, period);
    }
    if partial > 0 {
        push_pass(i64::from(full), i64::from(partial));
    }
    out
}
