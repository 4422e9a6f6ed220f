//! AAC encoding of the composed 48 kHz stereo track (encoded once, shared by every output).

use ffmpeg_next as ff;

use crate::encode::EncodedStream;
use crate::error::{Error, Result};
use crate::source::audio::{CHANNELS, SAMPLE_RATE};

pub const AAC_BITRATE: usize = 128_000;

/// Encodes interleaved stereo f32 samples at 48 kHz to AAC-LC.
pub fn encode_aac(samples: &[f32]) -> Result<EncodedStream> {
    crate::source::open::init();
    let codec = ff::encoder::find(ff::codec::Id::AAC)
        .ok_or_else(|| Error::internal("this FFmpeg build has no AAC encoder"))?;
    let mut enc = ff::codec::context::Context::new_with_codec(codec)
        .encoder()
        .audio()
        .map_err(|e| Error::internal(format!("cannot create the AAC encoder: {e}")))?;
    let time_base = ff::Rational::new(1, SAMPLE_RATE as i32);
    enc.set_rate(SAMPLE_RATE as i32);
    enc.set_format(ff::format::Sample::F32(ff::format::sample::Type::Planar));
    enc.set_channel_layout(ff::ChannelLayout::STEREO);
    enc.set_bit_rate(AAC_BITRATE);
    enc.set_time_base(time_base);
    enc.set_flags(ff::codec::Flags::GLOBAL_HEADER);
    let mut encoder = enc.open().map_err(|e| Error::internal(format!("cannot open the AAC encoder: {e}")))?;
    let frame_size = (encoder.frame_size() as usize).max(1);

    let mut packets = Vec::new();
    let total = samples.len() / CHANNELS;
    let mut pos = 0;
    while pos < total {
        let n = frame_size.min(total - pos);
        let mut frame = ff::frame::Audio::new(encoder.format(), n, ff::ChannelLayout::STEREO);
        frame.set_rate(SAMPLE_RATE);
        frame.set_pts(Some(pos as i64));
        for ch in 0..CHANNELS {
            let plane = frame.plane_mut::<f32>(ch);
            for (i, s) in plane.iter_mut().enumerate().take(n) {
                *s = samples[(pos + i) * CHANNELS + ch];
            }
        }
        encoder.send_frame(&frame).map_err(|e| Error::internal(format!("AAC encoding failed: {e}")))?;
        drain(&mut encoder, &mut packets)?;
        pos += n;
    }
    encoder.send_eof().map_err(|e| Error::internal(format!("AAC flush failed: {e}")))?;
    drain(&mut encoder, &mut packets)?;
    Ok(EncodedStream { parameters: ff::codec::Parameters::from(&encoder), time_base, packets })
}

fn drain(encoder: &mut ff::codec::encoder::audio::Encoder, out: &mut Vec<ff::Packet>) -> Result<()> {
    loop {
        let mut p = ff::Packet::empty();
        match encoder.receive_packet(&mut p) {
            Ok(()) => out.push(p),
            Err(ff::Error::Other { errno }) if errno == ff::util::error::EAGAIN => return Ok(()),
            Err(ff::Error::Eof) => return Ok(()),
            Err(e) => return Err(Error::internal(format!("AAC encoding failed: {e}"))),
        }
    }
}
