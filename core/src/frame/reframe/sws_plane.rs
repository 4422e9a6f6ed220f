//! One 8-bit plane resized by libswscale (bicubic) from a whole-pixel crop into a rect of the
//! output. For the export's main picture it costs about a third of fast_image_resize's one-channel
//! convolution (docs/BENCHMARKS.md); fractional crops (smart crops, camera moves) and large
//! reductions stay with fast_image_resize.

use ffmpeg_next as ff;
use ff::ffi;

use super::geometry::RectU;

/// swscale's SIMD writes past the destination width on every line but the last two (swscale.c:
/// "can't use MMX here without overwriting this array's tail"), and its horizontal filter may read
/// past a source line: both sides get this much room of their own.
const SLACK: usize = 64;

/// A cached swscale context for one crop size → one rect size, with its own padded buffers.
pub(super) struct SwsPlane {
    /// None when swscale refused these sizes or failed on them: remembered, so the caller falls
    /// back to fast_image_resize for this size without asking swscale again every frame.
    ctx: Option<ff::software::scaling::Context>,
    /// (crop w, crop h, rect w, rect h)
    key: (u32, u32, u32, u32),
    /// The scaled picture, `stride` apart, copied row by row into the output's rect.
    scaled: Vec<u8>,
    stride: usize,
    /// The crop's last source line with room behind it (the line that may end the plane).
    tail: Vec<u8>,
}

// SAFETY: the SwsContext is owned by this value alone and only used through `&mut self`; libswscale
// keeps no per-thread state, so moving it to another thread is sound. ffmpeg-next only leaves `Send`
// off because the context is a raw pointer.
unsafe impl Send for SwsPlane {}

impl SwsPlane {
    /// A scaler for `crop` → `dest` sizes (without a context when swscale refuses them).
    fn new(key: (u32, u32, u32, u32)) -> SwsPlane {
        let (cw, ch, dw, dh) = key;
        crate::source::open::init(); // FFmpeg's log silenced (swscale warns of unaligned crops)
        let gray = ff::format::Pixel::GRAY8;
        let ctx = ff::software::scaling::Context::get(gray, cw, ch, gray, dw, dh, ff::software::scaling::Flags::BICUBIC).ok();
        let (stride, lines) = if ctx.is_some() { ((dw as usize).next_multiple_of(SLACK) + SLACK, dh as usize) } else { (0, 0) };
        SwsPlane { ctx, key, scaled: vec![0; stride * lines + SLACK], stride, tail: vec![0; cw as usize + SLACK] }
    }

    /// Scales `crop` of the `sw`-wide plane `src` into the `dest` rect of the `dw`-wide plane
    /// `dst`, reusing `slot`'s context when the sizes match. False (nothing written) when a rect
    /// does not fit its plane or swscale refuses or fails on these sizes (then remembered): the
    /// caller then uses fast_image_resize.
    pub(super) fn scale(slot: &mut Option<SwsPlane>, (src, sw): (&[u8], usize), crop: RectU, (dst, dw): (&mut [u8], usize), dest: RectU) -> bool {
        let fits = |r: RectU, w: usize, len: usize| {
            let (x, y, rw, rh) = (r.x as usize, r.y as usize, r.w as usize, r.h as usize);
            rw > 0 && rh > 0 && x + rw <= w && (y + rh) * w <= len
        };
        // A line shorter than SLACK could let a read-ahead run off the plane's end.
        if sw < SLACK || !fits(crop, sw, src.len()) || !fits(dest, dw, dst.len()) {
            return false;
        }
        let key = (crop.w, crop.h, dest.w, dest.h);
        let s = match slot {
            Some(s) if s.key == key => s,
            _ => slot.insert(SwsPlane::new(key)),
        };
        let Some(ctx) = s.ctx.as_mut() else { return false };
        let (cw, ch) = (crop.w as usize, crop.h as usize);
        let last = (crop.y as usize + ch - 1) * sw + crop.x as usize;
        s.tail[..cw].copy_from_slice(&src[last..last + cw]);
        let first = crop.y as usize * sw + crop.x as usize;
        let dst_planes = [s.scaled.as_mut_ptr(), std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut()];
        let dst_strides = [s.stride as i32, 0, 0, 0];
        // SAFETY: only takes the pointer; the context stays owned by `s`.
        let ctx = unsafe { ctx.as_mut_ptr() };
        // Two slices in order: every line but the last straight from `src` (a read past a line's
        // end lands in the next line, still inside `src`), then the last from `tail`.
        let slices = [(src[first..].as_ptr(), sw, 0, ch - 1), (s.tail.as_ptr(), s.tail.len(), ch - 1, 1)];
        let mut lines = 0;
        for (ptr, stride, y, h) in slices {
            if h == 0 {
                continue;
            }
            let src_planes = [ptr, std::ptr::null(), std::ptr::null(), std::ptr::null()];
            let src_strides = [stride as i32, 0, 0, 0];
            // SAFETY: `ctx` is live and was made for a `cw`x`ch` GRAY8 input and a `dest.w`x`dest.h`
            // output; the slice's `h` lines of `cw` bytes (plus SLACK read-ahead) lie inside `src` or
            // `tail` (checked by `fits` above), and `scaled` holds `dest.h` lines of `stride` >=
            // dest.w + SLACK bytes plus SLACK, room for swscale's writes past the width.
            lines += unsafe { ffi::sws_scale(ctx, src_planes.as_ptr(), src_strides.as_ptr(), y as i32, h as i32, dst_planes.as_ptr(), dst_strides.as_ptr()) };
        }
        if lines != dest.h as i32 {
            s.ctx = None;
            return false;
        }
        let (dx, dy, w) = (dest.x as usize, dest.y as usize, dest.w as usize);
        for (row, line) in dst[dy * dw..].chunks_mut(dw).zip(s.scaled.chunks(s.stride)).take(dest.h as usize) {
            row[dx..dx + w].copy_from_slice(&line[..w]);
        }
        true
    }
}
