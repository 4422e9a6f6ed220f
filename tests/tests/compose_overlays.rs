//! Image overlays in every aspect: the logo's opaque part shows its colour where the anchor puts
//! it (inside the safe area), its transparent part shows the video, opacity blends, fades fade,
//! and animated stickers (GIF, APNG, animated WebP) play their frames.

use clipforge_e2e::*;

fn recipe(overlays: Value, outputs: Value) -> Value {
    json!({
        "version": 2,
        "clips": [{ "source": "shot_red.mp4", "trim": { "start": 0.0, "end": 3.0 } }],
        "loop": { "mode": "repeat", "duration": 6.0 },
        "overlays": overlays,
        "outputs": outputs
    })
}

#[test]
fn a_logo_sits_at_its_anchor_in_every_aspect() {
    let work = Workdir::with_compose(&["shot_red.mp4", "logo.png"]);
    let outputs = json!([
        { "path": "v.mp4", "aspect": "9:16", "height": 640 },
        { "path": "s.mp4", "aspect": "1:1", "height": 360 },
        { "path": "p.mp4", "aspect": "4:5", "height": 450 },
        { "path": "w.mp4", "aspect": "16:9", "height": 360 }
    ]);
    work.export_ok(&recipe(json!([{ "image": "logo.png", "anchor": "top-right", "width": 0.25 }]), outputs));
    for (name, w, h) in [("v.mp4", 360.0, 640.0), ("s.mp4", 360.0, 360.0), ("p.mp4", 360.0, 450.0), ("w.mp4", 640.0, 360.0)] {
        let v = decode_video_keeping(&work.path(name), |i| i == 45);
        let f = v.frame(45);
        // The logo is 0.25 of the width, 2:1; its yellow box covers the middle 3/4 x 3/4.
        let (lw, lh) = (w * 0.25, w * 0.125);
        // Safe area: right margin 6 %; top 12 % (9:16), 8 % (4:5), 6 % (1:1, 16:9).
        let top = match name {
            "v.mp4" => 0.12,
            "p.mp4" => 0.08,
            _ => 0.06,
        } * h;
        let (x1, y0) = (w - 0.06 * w, top);
        let (cx, cy) = (x1 - lw / 2.0, y0 + lh / 2.0);
        let c = f.mean_rgb(cx - 5.0, cy - 3.0, cx + 5.0, cy + 3.0, Matrix::Bt709);
        assert!(c[0] > 200.0 && c[1] > 200.0 && c[2] < 60.0, "{name}: yellow expected at ({cx}, {cy}), got {c:?}");
        // The logo's transparent margin (its top-left corner) shows the red video.
        let (mx, my) = (x1 - lw + 2.0, y0 + 2.0);
        assert_eq!(f.colour_at(mx + 1.0, my + 1.0, 1.0, Matrix::Bt709), Colour::Red, "{name}: transparent corner");
        // Elsewhere the video is untouched.
        assert_eq!(f.colour_at(w * 0.3, h * 0.7, 4.0, Matrix::Bt709), Colour::Red, "{name}");
    }
}

#[test]
fn opacity_and_fades_blend() {
    let work = Workdir::with_compose(&["shot_red.mp4", "logo.png"]);
    work.export_ok(&recipe(
        json!([{ "image": "logo.png", "anchor": "center", "width": 0.5, "opacity": 0.5, "start": 1.0, "end": 5.0, "fade_in": 1.0 }]),
        json!([{ "path": "o.mp4", "aspect": "16:9", "height": 360 }]),
    ));
    let v = decode_video_keeping(&work.path("o.mp4"), |i| [15, 45, 90, 165].contains(&i));
    let at = |i: usize| v.frame(i).mean_yuv(310.0, 175.0, 330.0, 185.0)[0];
    let (before, fading, half, after) = (at(15), at(45), at(90), at(165));
    let video = before;
    // Yellow is far brighter than the red shot (luma ~210 vs ~60).
    assert!((after - video).abs() < 3.0, "gone after its end: {after} vs {video}");
    assert!(half > video + 50.0 && half < 200.0, "half opacity between the two: {half}");
    assert!(fading > video + 10.0 && fading < half - 10.0, "fading in: {fading}");
}

#[test]
fn animated_stickers_play_their_frames() {
    for sticker in ["sticker.gif", "sticker.apng", "sticker.webp"] {
        let work = Workdir::with_compose(&["shot_red.mp4", sticker]);
        work.export_ok(&recipe(
            json!([{ "image": sticker, "anchor": "center", "width": 0.3 }]),
            json!([{ "path": "o.mp4", "aspect": "16:9", "height": 360 }]),
        ));
        // Frames change every 0.5 s: red, green, blue, red…
        let v = decode_video_keeping(&work.path("o.mp4"), |i| [5, 20, 35, 50].contains(&i));
        let c: Vec<Colour> = [5, 20, 35, 50].iter().map(|&i| v.frame(i).colour_at(320.0, 180.0, 6.0, Matrix::Bt709)).collect();
        assert_eq!(c, vec![Colour::Red, Colour::Green, Colour::Blue, Colour::Red], "{sticker}");
    }
}
