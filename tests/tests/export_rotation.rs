//! A phone-style portrait clip (stored 1280x720 with a -90° display matrix) comes out upright:
//! red bar at the top, blue at the bottom, green square at the left middle.

use clipforge_e2e::*;

#[test]
fn portrait_rotated_source_is_exported_upright() {
    let work = Workdir::with_fixture("portrait_rotated.mp4");
    let info = clipforge::probe(&work.path("portrait_rotated.mp4")).expect("probe");
    let (_, v) = info.video().expect("video stream");
    assert!(v.rotation == 90 || v.rotation == 270, "rotation {}", v.rotation);
    assert_eq!((v.display_width, v.display_height), (720, 1280));

    let reports = work.export_ok(&json!({
        "version": 1, "source": "portrait_rotated.mp4",
        "trim": { "start": 0.0, "end": 3.0 },
        "loop": { "mode": "repeat", "duration": 6.0 },
        "outputs": [
            { "path": "tall.mp4", "aspect": "9:16", "height": 640, "fit": "crop" },
            { "path": "square.mp4", "aspect": "1:1", "height": 360, "fit": "crop" }
        ]
    }));
    assert_eq!((reports[0].width, reports[0].height), (360, 640));
    assert_eq!((reports[1].width, reports[1].height), (360, 360));

    // 9:16 from an upright 720x1280 source: a plain half-size scale.
    let tall = decode_video_keeping(&work.path("tall.mp4"), |i| i == 0 || i == 120);
    assert_eq!((tall.width, tall.height, tall.frame_count()), (360, 640, 180));
    let m = tall.matrix();
    for i in [0, 120] {
        let f = tall.frame(i);
        let at = |x: f64, y: f64| f.colour_at(x, y, 6.0, m);
        assert_eq!(at(180.0, 25.0), Colour::Red, "frame {i}: top");
        assert_eq!(at(20.0, 25.0), Colour::Red, "frame {i}: top left");
        assert_eq!(at(340.0, 25.0), Colour::Red, "frame {i}: top right");
        assert_eq!(at(180.0, 615.0), Colour::Blue, "frame {i}: bottom");
        assert_eq!(at(25.0, 320.0), Colour::Green, "frame {i}: left middle");
        assert_eq!(at(335.0, 320.0), Colour::Gray, "frame {i}: right middle (green must not be mirrored)");
        assert_eq!(at(180.0, 320.0), Colour::Gray, "frame {i}: centre");
        assert_eq!(at(180.0, 100.0), Colour::Gray, "frame {i}: below the red bar");
    }

    // 1:1 crop keeps the vertical middle (source rows 280..1000): no bars, green at left middle.
    let sq = decode_video_keeping(&work.path("square.mp4"), |i| i == 0);
    let f = sq.frame(0);
    let m = sq.matrix();
    assert_eq!(f.colour_at(25.0, 180.0, 5.0, m), Colour::Green);
    assert_eq!(f.colour_at(335.0, 180.0, 5.0, m), Colour::Gray);
    assert_eq!(f.count_colour(Colour::Red, m), 0, "red bar is cropped away");
    assert_eq!(f.count_colour(Colour::Blue, m), 0, "blue bar is cropped away");

    // The pixels are upright, so the output must not carry a rotation of its own.
    for name in ["tall.mp4", "square.mp4"] {
        let probe = ffprobe_json(&work.path(name));
        let v = &probe_streams(&probe, "video")[0];
        let rot = v["side_data_list"].as_array().into_iter().flatten().filter_map(|sd| sd.get("rotation")).map(num).find(|r| *r != 0.0);
        assert_eq!(rot, None, "{name}: output has a display rotation; players would turn it again");
        assert!(v["tags"].get("rotate").is_none(), "{name}: output has a rotate tag");
    }
}
