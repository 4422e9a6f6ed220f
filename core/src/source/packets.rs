//! Reading packets from a damaged file: skip bad data, stop where the file stops making sense.

use ffmpeg_next as ff;

/// Hands out the next readable packet; shared by every demux loop so all of them treat damage alike.
#[derive(Default)]
pub struct PacketReader {
    errors_in_a_row: u32,
}

impl PacketReader {
    /// The next packet, or `None` at the end of what can be read. Up to 1000 invalid chunks in a
    /// row are skipped (flipped bytes mid-file); any other read error is sticky in libavformat, so
    /// it ends the stream like EOF.
    pub fn next(&mut self, input: &mut ff::format::context::Input) -> Option<ff::Packet> {
        loop {
            let mut packet = ff::Packet::empty();
            match packet.read(input) {
                Ok(()) => {
                    self.errors_in_a_row = 0;
                    return Some(packet);
                }
                Err(ff::Error::InvalidData) if self.errors_in_a_row < 1000 => self.errors_in_a_row += 1,
                Err(_) => return None,
            }
        }
    }
}
