//! A picture handed to an FFmpeg encoder without copying it: the AVFrame points into the `Frame`'s
//! own planes, and one reference-counted AVBuffer owns the `Frame` until FFmpeg lets go of the last
//! reference. Then the `Frame` goes back to whoever draws the next picture. libx264 copies its input
//! inside `send_frame`, so the picture comes back before `send_frame` returns; a hardware encoder
//! that keeps the picture longer returns it later, and it cannot be drawn into meanwhile.

use std::ffi::c_void;
use std::sync::mpsc::Sender;

use ffmpeg_next as ff;
use ff::ffi;

use crate::error::{Error, Result};
use crate::frame::Frame;

/// What the AVBuffer owns: the planes the AVFrame points into, and where they go when freed.
struct Lent {
    frame: Frame,
    back: Sender<Frame>,
}

/// Called by FFmpeg, once, when the last reference to the buffer is gone (on whichever thread
/// drops it). It must not unwind into C: sending and dropping do not panic.
unsafe extern "C" fn give_back(opaque: *mut c_void, _data: *mut u8) {
    // SAFETY: `opaque` is the `Box<Lent>` leaked in `lend`, and FFmpeg calls this exactly once.
    let lent = unsafe { Box::from_raw(opaque.cast::<Lent>()) };
    let Lent { frame, back } = *lent;
    // The drawing side may be gone (the export stopped); then the planes are simply freed.
    let _ = back.send(frame);
}

/// Wraps `frame` (tightly packed YUV 4:2:0) as an AVFrame for an encoder. The returned AVFrame
/// holds the only reference to the planes until it is sent; dropping it returns `frame` at once.
pub(super) fn lend(frame: Frame, back: &Sender<Frame>) -> Result<ff::frame::Video> {
    let (w, h) = (frame.width as usize, frame.height as usize);
    if w == 0 || h == 0 || frame.y.len() != w * h || frame.u.len() != w * h / 4 || frame.v.len() != w * h / 4 {
        return Err(Error::internal(format!("picture of {}x{} with planes of the wrong size", frame.width, frame.height)));
    }
    let mut picture = ff::frame::Video::empty();
    let lent = Box::new(Lent { frame, back: back.clone() });
    // The planes' heap buffers do not move when the Box (and the Vecs in it) are moved.
    let planes = [lent.frame.y.as_ptr(), lent.frame.u.as_ptr(), lent.frame.v.as_ptr()].map(|p| p.cast_mut());
    let len = lent.frame.y.len();
    let opaque = Box::into_raw(lent).cast::<c_void>();
    // SAFETY: `planes[0]` is valid for `len` bytes for as long as `opaque` lives, which is until
    // `give_back` runs. On failure FFmpeg keeps nothing, so the Box is taken back here.
    let buf = unsafe { ffi::av_buffer_create(planes[0], len, Some(give_back), opaque, 0) };
    if buf.is_null() {
        // SAFETY: `opaque` came from Box::into_raw above and FFmpeg did not take it.
        drop(unsafe { Box::from_raw(opaque.cast::<Lent>()) });
        return Err(Error::internal("out of memory handing a picture to the encoder"));
    }
    let strides = [w, w / 2, w / 2];
    // SAFETY: `picture` is a freshly allocated, empty AVFrame that this function owns. One buffer
    // (buf[0]) owns all three planes, which av_frame_ref and av_frame_unref allow; every plane
    // pointer stays valid while any reference to buf[0] lives. Encoders only read their input.
    unsafe {
        let f = picture.as_mut_ptr();
        (*f).format = ffi::AVPixelFormat::AV_PIX_FMT_YUV420P as i32;
        (*f).width = w as i32;
        (*f).height = h as i32;
        for i in 0..3 {
            (*f).data[i] = planes[i];
            (*f).linesize[i] = strides[i] as i32;
        }
        (*f).extended_data = (*f).data.as_mut_ptr();
        (*f).buf[0] = buf;
    }
    Ok(picture)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Yuv;
    use std::sync::mpsc::channel;

    #[test]
    fn the_frame_comes_back_when_the_last_reference_goes() {
        let (back, returned) = channel();
        let frame = Frame::filled(64, 32, Yuv { y: 50, u: 60, v: 70 });
        let picture = lend(frame.clone(), &back).unwrap();
        assert_eq!((picture.width(), picture.height(), picture.stride(0), picture.stride(1)), (64, 32, 64, 32));
        assert_eq!(&picture.data(0)[..64 * 32], &frame.y[..]);
        assert_eq!(&picture.data(2)[..32 * 16], &frame.v[..]);
        // A second reference (what libavcodec takes in send_frame, and what an encoder that keeps
        // the picture holds) keeps it lent.
        // SAFETY: av_frame_clone takes a new reference to a valid frame; it is freed below.
        let mut kept = unsafe { ffi::av_frame_clone(picture.as_ptr()) };
        assert!(!kept.is_null());
        drop(picture);
        assert!(returned.try_recv().is_err(), "returned while still referenced");
        // SAFETY: `kept` is the frame allocated by av_frame_clone above, freed once.
        unsafe { ffi::av_frame_free(&mut kept) };
        assert_eq!(returned.try_recv().unwrap(), frame);
    }

    #[test]
    fn a_picture_of_the_wrong_shape_is_refused_not_lent() {
        let (back, returned) = channel();
        let mut frame = Frame::filled(64, 32, Yuv::BLACK);
        frame.u.pop();
        assert!(lend(frame, &back).is_err());
        assert!(returned.try_recv().is_err());
    }
}
