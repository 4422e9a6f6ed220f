//! FFmpeg's pixel and sample format numbers, read without transmuting them into Rust enums: a
//! number the bindings do not know (a newer or damaged stream) must not become an enum value.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int};

use ffmpeg_next::ffi::AVSampleFormat;

// The format is a C enum, an int at the ABI level: declared with `c_int` here so that any number
// can be passed. FFmpeg returns NULL for numbers it does not know.
extern "C" {
    #[link_name = "av_get_pix_fmt_name"]
    fn pix_fmt_name(pix_fmt: c_int) -> *const c_char;
}

/// The name of pixel format number `raw` ("yuv420p"), or "unknown".
pub fn pixel_format_name(raw: i32) -> String {
    if raw < 0 {
        return "unknown".into();
    }
    // SAFETY: av_get_pix_fmt_name accepts any int and returns NULL or a static NUL-terminated name.
    let name = unsafe { pix_fmt_name(raw) };
    if name.is_null() {
        return "unknown".into();
    }
    // SAFETY: non-null: a static C string owned by libavutil.
    unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned()
}

/// Every sample format of FFmpeg 5.1–7 (`AV_SAMPLE_FMT_NB` is 12 in all of them).
const SAMPLE_FORMATS: [AVSampleFormat; 12] = [
    AVSampleFormat::AV_SAMPLE_FMT_U8,
    AVSampleFormat::AV_SAMPLE_FMT_S16,
    AVSampleFormat::AV_SAMPLE_FMT_S32,
    AVSampleFormat::AV_SAMPLE_FMT_FLT,
    AVSampleFormat::AV_SAMPLE_FMT_DBL,
    AVSampleFormat::AV_SAMPLE_FMT_U8P,
    AVSampleFormat::AV_SAMPLE_FMT_S16P,
    AVSampleFormat::AV_SAMPLE_FMT_S32P,
    AVSampleFormat::AV_SAMPLE_FMT_FLTP,
    AVSampleFormat::AV_SAMPLE_FMT_DBLP,
    AVSampleFormat::AV_SAMPLE_FMT_S64,
    AVSampleFormat::AV_SAMPLE_FMT_S64P,
];

/// Sample format number `raw`, if it is one FFmpeg defines.
pub fn sample_format(raw: i32) -> Option<AVSampleFormat> {
    SAMPLE_FORMATS.iter().copied().find(|f| *f as i32 == raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_numbers() {
        assert_eq!(pixel_format_name(ffmpeg_next::ffi::AVPixelFormat::AV_PIX_FMT_YUV420P as i32), "yuv420p");
        assert_eq!(pixel_format_name(-1), "unknown");
        assert_eq!(pixel_format_name(100_000), "unknown");
        assert_eq!(sample_format(3), Some(AVSampleFormat::AV_SAMPLE_FMT_FLT));
        assert_eq!(sample_format(12), None);
        assert_eq!(sample_format(-5), None);
    }
}
