//! Opening a source safely: local regular files only, no playlists, an allow-list of demuxers.

use std::io::Read;
use std::path::{Path, PathBuf};

use ffmpeg_next as ff;

use crate::error::{Error, Result};

/// Demuxers clipforge reads (FFmpeg names): video containers, and audio files for the music bed.
/// Everything else, notably hls/concat/dash/image2, is refused.
const ALLOWED_DEMUXERS: &str = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts,mp3,ogg,wav,flac,aac";

/// The largest picture clipforge will decode; beyond this FFmpeg's own buffers alone would exceed a phone's budget.
pub const MAX_SOURCE_PIXELS: u64 = 8192 * 4320;
pub const MAX_SOURCE_SIDE: u32 = 8192;

/// Initialises FFmpeg once. Its own log stays silent: what went wrong reaches the caller as a
/// typed error, and an app's stderr (or a CLI's one error line) is not FFmpeg's to write to.
/// `CLIPFORGE_DEBUG=1` lets its warnings through, for diagnosis.
pub fn init() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ff::init();
        let debug = std::env::var_os("CLIPFORGE_DEBUG").is_some_and(|v| v != "0");
        ff::util::log::set_level(if debug { ff::util::log::Level::Warning } else { ff::util::log::Level::Quiet });
    });
}

/// Opens `path` as a media file after checking that it is a local, non-empty, non-playlist file.
pub fn open_input(path: &Path) -> Result<ff::format::context::Input> {
    open_checked(path, true)
}

/// [`open_input`] without FFmpeg's stream analysis where the container already says everything a
/// reader needs (MP4/MOV: sizes, rates and codec setup are in its header). The analysis decodes the
/// first frames (~16 ms for a 1080p H.264 clip here); the editor's readers do not need what it adds
/// (the pixel format name, the container's overall duration). Other containers are analysed.
pub fn open_input_quick(path: &Path) -> Result<ff::format::context::Input> {
    open_checked(path, false)
}

fn open_checked(path: &Path, analyse: bool) -> Result<ff::format::context::Input> {
    init();
    let abs = check_local_file(path)?;
    refuse_text_playlists(&abs)?;
    let mut opts = ff::Dictionary::new();
    opts.set("protocol_whitelist", "file");
    opts.set("format_whitelist", ALLOWED_DEMUXERS);
    // The "file:" prefix stops FFmpeg from reading a ':' in a file name as a protocol.
    let url = format!("file:{}", abs.display());
    let refused = |e: ff::Error| {
        Error::unsupported(format!(
            "{} is not a video clipforge can read (allowed containers: MP4/MOV, MKV/WebM, AVI, MPEG-TS): {e}",
            path.display()
        ))
    };
    let ctx = if analyse { ff::format::input_with_dictionary(&url, opts).map_err(refused)? } else { open_header_only(&url, opts).map_err(refused)? };
    let name = ctx.format().name().to_string();
    if !name.split(',').any(|n| ALLOWED_DEMUXERS.split(',').any(|a| a == n)) {
        return Err(Error::unsupported(format!("{}: container '{name}' is not allowed", path.display())));
    }
    Ok(ctx)
}

/// `avformat_open_input`, then `avformat_find_stream_info` only when the container is not MP4/MOV
/// or a stream lacks its size or sample rate.
fn open_header_only(url: &str, opts: ff::Dictionary) -> std::result::Result<ff::format::context::Input, ff::Error> {
    let url = std::ffi::CString::new(url).map_err(|_| ff::Error::InvalidData)?;
    // SAFETY: the FFmpeg calls ffmpeg-next's `input_with_dictionary` makes, on a context this
    // function owns until it is wrapped (or closed on error); the options dictionary is handed
    // over and taken back around the call; the streams are read only while the context lives.
    unsafe {
        let mut ps = std::ptr::null_mut();
        let mut raw_opts = opts.disown();
        let res = ff::ffi::avformat_open_input(&mut ps, url.as_ptr(), std::ptr::null_mut(), &mut raw_opts);
        ff::Dictionary::own(raw_opts);
        if res < 0 {
            return Err(ff::Error::from(res));
        }
        let ctx = &*ps;
        let mov = !ctx.iformat.is_null() && std::ffi::CStr::from_ptr((*ctx.iformat).name).to_string_lossy().split(',').any(|n| n == "mp4");
        let described = (0..ctx.nb_streams as usize).all(|i| {
            let par = &*(**ctx.streams.add(i)).codecpar;
            match par.codec_type {
                ff::ffi::AVMediaType::AVMEDIA_TYPE_VIDEO => par.width > 0 && par.height > 0,
                ff::ffi::AVMediaType::AVMEDIA_TYPE_AUDIO => par.sample_rate > 0 && par.ch_layout.nb_channels > 0,
                _ => true,
            }
        });
        if !(mov && described) {
            let r = ff::ffi::avformat_find_stream_info(ps, std::ptr::null_mut());
            if r < 0 {
                ff::ffi::avformat_close_input(&mut ps);
                return Err(ff::Error::from(r));
            }
        }
        Ok(ff::format::context::Input::wrap(ps))
    }
}

/// Resolves `path` to an absolute path of an existing, non-empty regular file.
fn check_local_file(path: &Path) -> Result<PathBuf> {
    let s = path.to_string_lossy();
    // Checked per component: a recipe's relative source is joined to the recipe folder first,
    // so "concat:a|b" arrives as "<folder>/concat:a|b".
    let protocol = |c: std::path::Component| {
        let c = c.as_os_str().to_string_lossy().to_ascii_lowercase();
        ["pipe:", "concat:", "data:"].iter().any(|p| c.starts_with(p))
    };
    if s.contains("://") || path.components().any(protocol) {
        return Err(Error::unsupported(format!("{s}: only local files are read, not URLs or protocols")));
    }
    let meta = std::fs::metadata(path).map_err(|e| Error::io_at(path, e))?;
    if !meta.is_file() {
        return Err(Error::unsupported(format!("{}: not a regular file", path.display())));
    }
    if meta.len() == 0 {
        return Err(Error::unsupported(format!("{}: the file is empty (0 bytes)", path.display())));
    }
    std::fs::canonicalize(path).map_err(|e| Error::io_at(path, e))
}

/// Text playlists (HLS, ffconcat, PLS, DASH/SMIL XML) would make FFmpeg follow other paths or URLs.
fn refuse_text_playlists(path: &Path) -> Result<()> {
    let mut head = [0u8; 512];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| Error::io_at(path, e))?;
    let text = String::from_utf8_lossy(&head[..n]);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let lower = t.to_ascii_lowercase();
    let playlist = lower.starts_with("#extm3u")
        || lower.starts_with("ffconcat")
        || lower.starts_with("[playlist]")
        || lower.starts_with("<?xml")
        || lower.starts_with("<mpd")
        || lower.starts_with("<smil")
        || lower.starts_with("file '")
        || lower.starts_with("file \"")
        || lower.starts_with("#ext-x-");
    if playlist {
        return Err(Error::unsupported(format!(
            "{}: text playlists (HLS, concat, DASH) are refused; pass a single media file",
            path.display()
        )));
    }
    Ok(())
}

/// Whether the container seeks exactly to a keyframe through an index (MP4/MOV, MKV/WebM), rather
/// than by an estimate that can land late (AVI without an index, MPEG-TS).
pub fn seeks_exactly(input: &ff::format::context::Input) -> bool {
    input.format().name().split(',').any(|n| n == "mp4" || n == "matroska")
}

/// Seeks to the keyframe at or before `seconds` of container time (absolute: a stream's own
/// times count from its start, see [`start_pts`]). False when the demuxer refused; callers then
/// read on from where they are.
pub fn seek_to(input: &mut ff::format::context::Input, seconds: f64) -> bool {
    let ts = (seconds.max(0.0) * f64::from(ff::ffi::AV_TIME_BASE)) as i64;
    input.seek(ts, ..ts).is_ok()
}

/// `opened` (the file at `path`, opened and read from by an earlier stage) or `path` opened now;
/// true when it was read before, so that [`seek_or_reopen`] knows it must go back.
pub fn reuse_or_open(opened: Option<ff::format::context::Input>, path: &Path) -> Result<(ff::format::context::Input, bool)> {
    match opened {
        Some(input) => Ok((input, true)),
        None => Ok((open_input(path)?, false)),
    }
}

/// [`seek_to`], for an input that may have been read before: if the demuxer refuses (a damaged
/// index), such an input is opened afresh at `path`, so reading starts from the file's start
/// rather than where the last reader stopped. A fresh input just reads on from its start.
pub fn seek_or_reopen(input: &mut ff::format::context::Input, path: &Path, seconds: f64, read_before: bool) -> Result<()> {
    if !seek_to(input, seconds) && read_before {
        *input = open_input(path)?;
    }
    Ok(())
}

/// Seconds from `start` to `ts` (both in a stream's time base `tb`). Saturating: damaged files
/// carry timestamps near i64's limits, and a plain subtraction would overflow.
pub fn seconds_between(start: i64, ts: i64, tb: f64) -> f64 {
    ts.saturating_sub(start) as f64 * tb
}

/// The stream's first timestamp, in its time base (0 when the file does not say).
pub fn start_pts(stream: &ff::format::stream::Stream) -> i64 {
    if stream.start_time() == ff::ffi::AV_NOPTS_VALUE { 0 } else { stream.start_time() }
}

/// Tells the demuxer to skip every stream but `index`: readers of one track (the audio for a
/// waveform) then do not read the other tracks' data at all (MP4/MOV jump over it).
pub fn read_only_stream(input: &mut ff::format::context::Input, index: usize) {
    let n = input.nb_streams() as usize;
    for i in 0..n {
        if let Some(mut s) = input.stream_mut(i) {
            // SAFETY: a plain field write on a stream owned by this open input; the demuxer reads
            // it before each packet.
            unsafe {
                (*s.as_mut_ptr()).discard =
                    if i == index { ff::ffi::AVDiscard::AVDISCARD_DEFAULT } else { ff::ffi::AVDiscard::AVDISCARD_ALL };
            }
        }
    }
}
