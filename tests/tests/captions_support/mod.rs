//! Shared by the captions_* tests: export a recipe with and without its captions and find the
//! caption's pixels as the difference between the two decoded outputs.
#![allow(dead_code)]

pub use clipforge_e2e::*;

/// Pixels where the captioned frame differs clearly from the plain one.
pub struct Diff {
    pub count: usize,
    /// (x0, y0, x1, y1), inclusive; meaningless when `count` is 0.
    pub bbox: (u32, u32, u32, u32),
    pub mask: Vec<bool>,
    pub width: u32,
}

pub fn diff(a: &Frame, b: &Frame) -> Diff {
    assert_eq!((a.width, a.height), (b.width, b.height));
    let mut d = Diff { count: 0, bbox: (u32::MAX, u32::MAX, 0, 0), mask: vec![false; a.y.len()], width: a.width };
    for y in 0..a.height {
        for x in 0..a.width {
            let (ya, ua, va) = a.yuv(x, y);
            let (yb, ub, vb) = b.yuv(x, y);
            let dy = (ya as i32 - yb as i32).abs();
            let dc = (ua as i32 - ub as i32).abs() + (va as i32 - vb as i32).abs();
            if dy > 48 || dc > 48 {
                d.count += 1;
                d.mask[(y * a.width + x) as usize] = true;
                d.bbox = (d.bbox.0.min(x), d.bbox.1.min(y), d.bbox.2.max(x), d.bbox.3.max(y));
            }
        }
    }
    d
}

/// Exports `recipe` and the same recipe without `captions`/`subtitles`, decodes both outputs
/// named `outputs`, and returns (captioned, plain) per output.
pub fn export_pair(work: &Workdir, recipe: &Value, outputs: &[&str]) -> Vec<(DecodedVideo, DecodedVideo)> {
    register_fixture_fonts();
    work.export_ok(recipe);
    let mut plain = recipe.clone();
    let obj = plain.as_object_mut().unwrap();
    obj.remove("captions");
    obj.remove("subtitles");
    for o in obj["outputs"].as_array_mut().unwrap() {
        let p = o["path"].as_str().unwrap().to_string();
        o["path"] = json!(format!("plain-{p}"));
    }
    work.export_ok(&plain);
    outputs
        .iter()
        .map(|name| (decode_video(&work.path(name)), decode_video(&work.path(&format!("plain-{name}")))))
        .collect()
}

/// The safe area clipforge promises for a `w`×`h` output: (x0, y0, x1, y1) in pixels.
pub fn safe_area(w: u32, h: u32) -> (f64, f64, f64, f64) {
    let r = w as f64 / h as f64;
    let (t, b, s) = if r < 0.7 { (0.12, 0.20, 0.06) } else if r < 0.95 { (0.08, 0.14, 0.06) } else { (0.06, 0.10, 0.05) };
    (w as f64 * s, h as f64 * t, w as f64 * (1.0 - s), h as f64 * (1.0 - b))
}

pub fn assert_inside_safe_area(d: &Diff, w: u32, h: u32, what: &str) {
    let (x0, y0, x1, y1) = safe_area(w, h);
    let (bx0, by0, bx1, by1) = d.bbox;
    assert!(
        bx0 as f64 >= x0 - 1.0 && by0 as f64 >= y0 - 1.0 && bx1 as f64 <= x1 + 1.0 && by1 as f64 <= y1 + 1.0,
        "{what}: caption pixels {:?} leave the safe area ({x0:.0},{y0:.0})-({x1:.0},{y1:.0}) of {w}x{h}",
        d.bbox
    );
}
