//! Geometry of every fit (crop, pad, blur) for 9:16, 1:1, 4:5 and 16:9: the counter barcode is
//! read through the centre-to-centre placement (crop scale = max(ow/sw, oh/sh), pad/blur = min),
//! marker colours land where the placement says or are cut off, pad bars are the background
//! colour, blur bars are a darker, non-flat backdrop.

use clipforge::frame::reframe::Reframer;
use clipforge::frame::Yuv;
use clipforge::Fit;
use clipforge_e2e::*;

const SRC: (u32, u32) = (1280, 720);
/// (name, aspect, width, height)
const ASPECTS: [(&str, &str, u32, u32); 4] =
    [("9x16", "9:16", 360, 640), ("1x1", "1:1", 480, 480), ("4x5", "4:5", 512, 640), ("16x9", "16:9", 640, 360)];
/// Marker centres in the source and their colours (80x80 squares).
const MARKERS: [(&str, f64, f64, Colour); 3] =
    [("red", 80.0, 80.0, Colour::Red), ("green", 640.0, 80.0, Colour::Green), ("blue", 1200.0, 640.0, Colour::Blue)];
const CHECKED_FRAMES: [usize; 4] = [0, 37, 59, 100];

struct Output {
    name: &'static str,
    w: u32,
    h: u32,
    place: Placement,
    dec: DecodedVideo,
}

/// Exports all four aspects with `fit` in one recipe (2 s of the counter repeated to 6 s).
fn export_fit(fit: &str, background: Option<&str>) -> (Workdir, Vec<Output>) {
    let work = Workdir::with_fixture("counter.mp4");
    let outputs: Vec<Value> = ASPECTS
        .iter()
        .map(|(name, aspect, _, h)| {
            let mut o = json!({ "path": format!("{fit}-{name}.mp4"), "aspect": aspect, "height": h, "fit": fit });
            if let Some(bg) = background {
                o["background"] = json!(bg);
            }
            o
        })
        .collect();
    let reports = work.export_ok(&json!({
        "version": 1, "source": "counter.mp4",
        "trim": { "start": 0.0, "end": 2.0 },
        "loop": { "mode": "repeat", "duration": 6.0 },
        "audio": { "mute": true },
        "outputs": outputs
    }));
    let mut outs = Vec::new();
    for ((name, _, w, h), report) in ASPECTS.iter().zip(&reports) {
        assert_eq!((report.width, report.height), (*w, *h), "{fit} {name} report size");
        let dec = decode_video_keeping(&report.path, |i| CHECKED_FRAMES.contains(&i));
        assert_eq!((dec.width, dec.height), (*w, *h), "{fit} {name} decoded size");
        assert_eq!(dec.frame_count(), 180, "{fit} {name} frames");
        let place = Placement::for_fit(fit, SRC, (*w, *h));
        check_placement_matches_core(fit, *w, *h, &place);
        outs.push(Output { name, w: *w, h: *h, place, dec });
    }
    (work, outs)
}

/// The test's placement agrees with the core's own `Reframer::placement()` (pad snaps bars to
/// even sizes, and a crop of fractional size or place is made whole when that stretches it by under 1 %,
/// so allow two pixels or 0.5 % of the placed size, whichever is more).
fn check_placement_matches_core(fit: &str, w: u32, h: u32, p: &Placement) {
    let f = match fit {
        "crop" => Fit::Crop,
        "pad" => Fit::Pad,
        _ => Fit::Blur,
    };
    let (x, y, pw, ph) = Reframer::new(SRC.0, SRC.1, w, h, f, Yuv::BLACK).placement();
    for (what, core, ours) in [("x", x, p.x), ("y", y, p.y), ("w", pw, p.w), ("h", ph, p.h)] {
        let allowed = (0.005 * pw.max(ph)).max(2.0);
        assert!((core - ours).abs() <= allowed, "{fit} {w}x{h}: placement {what} core {core} vs centre-to-centre {ours}");
    }
}

fn check_barcodes(fit: &str, outs: &[Output]) {
    for o in outs {
        for &k in &CHECKED_FRAMES {
            let got = try_read_barcode(o.dec.frame(k), 8, o.place.mapper());
            assert_eq!(got, Ok((k % 60) as u32), "{fit} {} frame {k}", o.name);
        }
    }
}

/// Each marker is where the placement puts it, or entirely absent when the placement puts it
/// outside the output. Returns how many markers were visible.
fn check_markers(fit: &str, o: &Output, frame: &Frame) -> usize {
    let m = o.dec.matrix();
    let mut visible = 0;
    for (name, sx, sy, colour) in MARKERS {
        let (cx, cy) = o.place.map(sx, sy);
        let half = 40.0 * o.place.w / o.place.src_w; // half the marker's size in the output
        let inside = cx - half >= 0.0 && cy - half >= 0.0 && cx + half <= f64::from(o.w) && cy + half <= f64::from(o.h);
        let outside = cx + half <= 0.0 || cy + half <= 0.0 || cx - half >= f64::from(o.w) || cy - half >= f64::from(o.h);
        if inside {
            let got = frame.colour_at(cx, cy, half * 0.5, m);
            assert_eq!(got, colour, "{fit} {}: {name} marker expected at ({cx:.0}, {cy:.0})", o.name);
            // Just outside the marker it is background grey again.
            let got = frame.colour_at(cx + half * 1.6, cy, half * 0.3, m);
            assert_eq!(got, Colour::Gray, "{fit} {}: right of the {name} marker at ({:.0}, {cy:.0})", o.name, cx + half * 1.6);
            visible += 1;
        } else if outside {
            let n = frame.count_colour(colour, m);
            assert!(n < 16, "{fit} {}: {name} marker should be cut off but {n} {name} pixels are in the frame", o.name);
        } else {
            panic!("test layout: {name} marker straddles the edge of {fit} {}", o.name);
        }
    }
    visible
}

/// The rows [y0, y1) of the picture inside the output (pad/blur put bars above and below).
fn picture_rows(o: &Output) -> (u32, u32) {
    (o.place.y.max(0.0).round() as u32, (o.place.y + o.place.h).min(f64::from(o.h)).round() as u32)
}

#[test]
fn crop_fills_the_frame_and_cuts_the_overflow() {
    let (_work, outs) = export_fit("crop", None);
    check_barcodes("crop", &outs);
    for o in &outs {
        let f = o.dec.frame(0);
        let visible = check_markers("crop", o, f);
        match o.name {
            // Same aspect as the source: everything is kept.
            "16x9" => assert_eq!(visible, 3, "16:9 crop keeps every marker"),
            // Narrower outputs keep only the centre: red and blue corners are cut off.
            _ => assert_eq!(visible, 1, "{} crop keeps only the green marker", o.name),
        }
        // No bars: the top and bottom rows are picture (grey), not black.
        for y in [1, o.h - 2] {
            let (mean, lo, _, _) = f.luma_stats(0, y, o.w, y + 1);
            assert!(mean > 100.0 && lo > 80, "crop {}: row {y} looks like a bar (mean {mean:.0}, min {lo})", o.name);
        }
    }
}

#[test]
fn pad_fits_inside_with_exact_background_bars() {
    let (_work, outs) = export_fit("pad", Some("#FF00FF"));
    check_barcodes("pad", &outs);
    let [by, bu, bv] = rgb_to_yuv(255.0, 0.0, 255.0, Matrix::Bt709);
    for o in &outs {
        let f = o.dec.frame(37);
        assert_eq!(check_markers("pad", o, f), 3, "pad {} keeps every marker", o.name);
        let (y0, y1) = picture_rows(o);
        if o.name == "16x9" {
            assert_eq!((y0, y1), (0, o.h), "same aspect: no bars");
            for y in [1, o.h - 2] {
                let c = f.colour_at(f64::from(o.w) * 0.3, f64::from(y), 1.0, o.dec.matrix());
                assert_eq!(c, Colour::Gray, "pad 16x9: row {y} must be picture, not background");
            }
        } else {
            assert!(y0 >= 20 && o.h - y1 >= 20, "pad {}: bars expected, picture rows {y0}..{y1}", o.name);
        }
        // Every bar pixel is the background colour. Rows within 4 px of the picture may carry
        // a little codec ringing; the rest must match within compression noise.
        let bar_rows: Vec<u32> = (0..y0.saturating_sub(4)).chain((y1 + 4).min(o.h)..o.h).collect();
        let mut worst = 0.0f64;
        let mut sum = [0.0; 3];
        for &y in &bar_rows {
            for x in 0..o.w {
                let (py, pu, pv) = f.yuv(x, y);
                let d = (f64::from(py) - by).abs().max((f64::from(pu) - bu).abs()).max((f64::from(pv) - bv).abs());
                worst = worst.max(d);
                sum[0] += f64::from(py);
                sum[1] += f64::from(pu);
                sum[2] += f64::from(pv);
            }
        }
        if !bar_rows.is_empty() {
            let n = (bar_rows.len() as u32 * o.w) as f64;
            let mean = [sum[0] / n, sum[1] / n, sum[2] / n];
            eprintln!("pad {}: bar pixels within {worst} of #FF00FF, mean {mean:.2?}", o.name);
            assert!(worst <= 3.0, "pad {}: a bar pixel is {worst} away from #FF00FF ({by:.0},{bu:.0},{bv:.0})", o.name);
            for (got, want) in mean.iter().zip([by, bu, bv]) {
                assert!((got - want).abs() <= 1.0, "pad {}: bar mean {mean:?} vs #FF00FF ({by:.1},{bu:.1},{bv:.1})", o.name);
            }
            // The picture right next to the bars is grey, not background.
            let c = f.colour_at(f64::from(o.w) * 0.2, f64::from(y0) + 6.0, 3.0, o.dec.matrix());
            assert_eq!(c, Colour::Gray, "pad {}: top of the picture", o.name);
        }
    }
}

#[test]
fn blur_bars_are_a_darker_non_flat_backdrop() {
    let (_work, outs) = export_fit("blur", None);
    check_barcodes("blur", &outs);
    for o in &outs {
        let f = o.dec.frame(59);
        assert_eq!(check_markers("blur", o, f), 3, "blur {} keeps every marker", o.name);
        let (y0, y1) = picture_rows(o);
        if o.name == "16x9" {
            assert_eq!((y0, y1), (0, o.h), "same aspect: no bars");
            continue;
        }
        assert!(y0 >= 20 && o.h - y1 >= 20, "blur {}: bars expected, picture rows {y0}..{y1}", o.name);
        let (pic_mean, _, _, _) = f.luma_stats(0, y0 + 4, o.w, y1 - 4);
        let top = f.luma_stats(0, 0, o.w, y0 - 4);
        let bottom = f.luma_stats(0, y1 + 4, o.w, o.h);
        for (which, (mean, lo, _, _)) in [("top", top), ("bottom", bottom)] {
            assert!(mean < pic_mean - 20.0, "blur {}: {which} bar mean {mean:.1} is not darker than the picture {pic_mean:.1}", o.name);
            assert!(lo > 20, "blur {}: {which} bar reaches black ({lo}): a pad, not a backdrop", o.name);
        }
        // The top bar shows the blurred green marker of the cover-crop: not a flat fill. Green
        // and grey have similar luma, so look at the colour too.
        let (mut umin, mut umax, mut vmin, mut vmax) = (255u8, 0u8, 255u8, 0u8);
        for y in 0..y0 - 4 {
            for x in 0..o.w {
                let (u, v) = f.chroma(x, y);
                (umin, umax, vmin, vmax) = (umin.min(u), umax.max(u), vmin.min(v), vmax.max(v));
            }
        }
        let chroma_range = u32::from(umax - umin) + u32::from(vmax - vmin);
        assert!(chroma_range > 30, "blur {}: top bar is flat (U {umin}..{umax}, V {vmin}..{vmax})", o.name);
        // Where the green marker is blurred into the bar, it is green-tinted: U and V below grey.
        assert!(umin < 110 && vmin < 110, "blur {}: no trace of the green marker in the top bar (U {umin}.., V {vmin}..)", o.name);
        // ...and it is blurred: no hard edges between neighbouring pixels.
        let mut max_step = 0;
        for y in 0..y0 - 4 {
            for x in 0..o.w - 1 {
                max_step = max_step.max(f.luma(x, y).abs_diff(f.luma(x + 1, y)));
            }
        }
        assert!(max_step <= 12, "blur {}: top bar has a sharp edge (step {max_step})", o.name);
    }
}
