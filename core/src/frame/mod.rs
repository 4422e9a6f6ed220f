//! Pictures as the pipeline carries them: 8-bit planar YUV 4:2:0, BT.709 limited range.

pub mod motion;
pub mod reframe;
pub mod rgb;
pub mod rotate;
pub mod transition;

/// A tightly packed (stride = width) YUV 4:2:0 picture with even dimensions.
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    pub width: u32,
    pub height: u32,
    pub y: Vec<u8>,
    pub u: Vec<u8>,
    pub v: Vec<u8>,
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Frame({}x{})", self.width, self.height)
    }
}

/// A colour as limited-range BT.709 YUV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Yuv {
    pub y: u8,
    pub u: u8,
    pub v: u8,
}

impl Yuv {
    pub const BLACK: Yuv = Yuv { y: 16, u: 128, v: 128 };

    /// sRGB 8-bit → limited-range BT.709.
    pub fn from_rgb(r: u8, g: u8, b: u8) -> Yuv {
        let (r, g, b) = (r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0);
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let u = (b - y) / 1.8556;
        let v = (r - y) / 1.5748;
        let q = |x: f32| x.round().clamp(0.0, 255.0) as u8;
        Yuv { y: q(16.0 + 219.0 * y), u: q(128.0 + 224.0 * u), v: q(128.0 + 224.0 * v) }
    }

    /// Parses `#RRGGBB`.
    pub fn from_hex(s: &str) -> Option<Yuv> {
        let h = s.strip_prefix('#')?;
        if h.len() != 6 || !h.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let c = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
        Some(Yuv::from_rgb(c(0)?, c(2)?, c(4)?))
    }
}

impl Default for Frame {
    fn default() -> Frame {
        Frame::empty()
    }
}

impl Frame {
    /// A frame filled with one colour. `width` and `height` must be even.
    pub fn filled(width: u32, height: u32, c: Yuv) -> Frame {
        debug_assert!(width.is_multiple_of(2) && height.is_multiple_of(2));
        let (w, h) = (width as usize, height as usize);
        Frame {
            width,
            height,
            y: vec![c.y; w * h],
            u: vec![c.u; w * h / 4],
            v: vec![c.v; w * h / 4],
        }
    }

    /// A 0x0 picture with no buffers: something to draw into (e.g. `Reframer::apply_into`),
    /// which sizes it.
    pub fn empty() -> Frame {
        Frame { width: 0, height: 0, y: Vec::new(), u: Vec::new(), v: Vec::new() }
    }

    pub fn chroma_width(&self) -> u32 {
        self.width / 2
    }
    pub fn chroma_height(&self) -> u32 {
        self.height / 2
    }
}
