//! Encoding and muxing: H.264 video behind one small trait, AAC audio, MP4 with atomic finish.

pub mod audio;
pub mod commit;
mod lent_frame;
pub mod mux;
pub mod video;

use ffmpeg_next as ff;

/// A compressed stream ready to mux: codec parameters, time base and packets in decode order.
pub struct EncodedStream {
    pub parameters: ff::codec::Parameters,
    pub time_base: ff::Rational,
    pub packets: Vec<ff::Packet>,
}
