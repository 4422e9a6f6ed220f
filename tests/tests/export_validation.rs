//! Recipes that must be refused up front with `InvalidRecipe` and a message a person can act on;
//! nothing is written when they are.

use clipforge_e2e::*;

fn recipe(extra: Value) -> Value {
    let mut r = json!({
        "version": 1, "source": "counter.mp4",
        "outputs": [{ "path": "out.mp4", "aspect": "16:9", "height": 240 }]
    });
    for (k, v) in extra.as_object().unwrap() {
        r[k] = v.clone();
    }
    r
}

/// Runs `r`, expects InvalidRecipe, checks nothing was written; returns the message.
fn invalid(r: Value) -> String {
    let work = Workdir::with_fixture("counter.mp4");
    let before = sha256_file(&work.path("counter.mp4"));
    let err = match work.export(&r) {
        Ok(reports) => panic!("expected InvalidRecipe, export succeeded: {reports:?}\nrecipe: {r:#}"),
        Err(e) => e,
    };
    assert_eq!(err.kind, ErrorKind::InvalidRecipe, "message: {}", err.message);
    assert!(!err.message.trim().is_empty());
    assert_eq!(work.unexpected_files(&["counter.mp4", "recipe.json"]), Vec::<String>::new(), "files written for a refused recipe");
    assert_eq!(sha256_file(&work.path("counter.mp4")), before, "source changed");
    err.message
}

fn assert_states_length(msg: &str, seconds: f64) {
    assert!(
        numbers_in(msg).iter().any(|n| (n - seconds).abs() < 0.01),
        "the message should state the computed length {seconds:.3} s: {msg}"
    );
}

#[test]
fn clip_shorter_than_6s_is_refused_with_its_length() {
    let msg = invalid(recipe(json!({ "trim": { "start": 0.0, "end": 3.0 } })));
    assert_states_length(&msg, 3.0);
}

#[test]
fn computed_boomerang_length_is_stated() {
    // 1.5 s = 45 frames; one boomerang cycle = 88 frames = 2.933 s.
    let msg = invalid(recipe(json!({ "trim": { "start": 1.0, "end": 2.5 }, "loop": { "mode": "boomerang", "count": 1 } })));
    assert_states_length(&msg, 88.0 / 30.0);
}

#[test]
fn clip_longer_than_30s_is_refused_with_its_length() {
    let msg = invalid(recipe(json!({ "loop": { "mode": "repeat", "duration": 40.0 } })));
    assert_states_length(&msg, 40.0);
    // Through loop.count the length is computed, not given: 8 s x 5 = 40 s.
    let msg = invalid(recipe(json!({ "loop": { "mode": "repeat", "count": 5 } })));
    assert_states_length(&msg, 40.0);
}

#[test]
fn bad_aspects_are_refused() {
    for aspect in ["16x9", "0:1", "9:0", "", "a:b", "-1:1", "1:1:1"] {
        let msg = invalid(recipe(json!({ "outputs": [{ "path": "out.mp4", "aspect": aspect, "height": 240 }] })));
        assert!(msg.contains("aspect"), "aspect {aspect:?}: message should name the field: {msg}");
    }
}

#[test]
fn unknown_fields_are_refused() {
    let msg = invalid(recipe(json!({ "speed": 2.0 })));
    assert!(msg.contains("speed"), "message should name the unknown field: {msg}");
    let msg = invalid(recipe(json!({ "outputs": [{ "path": "out.mp4", "aspect": "1:1", "heigth": 240 }] })));
    assert!(msg.contains("heigth"), "message should name the unknown field: {msg}");
}

#[test]
fn other_recipe_versions_are_refused() {
    let msg = invalid(recipe(json!({ "version": 2 })));
    assert!(msg.contains('2'), "message should name the version: {msg}");
}

#[test]
fn output_may_not_overwrite_the_source() {
    for path in ["counter.mp4", "./counter.mp4", "sub/../counter.mp4"] {
        let work = Workdir::with_fixture("counter.mp4");
        std::fs::create_dir(work.path("sub")).unwrap();
        let before = sha256_file(&work.path("counter.mp4"));
        let err = work
            .export(&recipe(json!({ "trim": { "start": 0.0, "end": 6.0 }, "outputs": [{ "path": path, "aspect": "1:1", "height": 240 }] })))
            .expect_err("writing over the source must be refused");
        assert_eq!(err.kind, ErrorKind::InvalidRecipe, "{path}: {}", err.message);
        assert_eq!(sha256_file(&work.path("counter.mp4")), before, "{path}: the source was modified");
        assert_eq!(work.unexpected_files(&["counter.mp4", "recipe.json", "sub"]), Vec::<String>::new());
    }
}

#[test]
fn two_outputs_to_one_file_are_refused() {
    let msg = invalid(recipe(json!({
        "trim": { "start": 0.0, "end": 6.0 },
        "outputs": [
            { "path": "out.mp4", "aspect": "1:1", "height": 240 },
            { "path": "out.mp4", "aspect": "9:16", "height": 240 }
        ]
    })));
    assert!(msg.contains("out.mp4"), "{msg}");
}

#[test]
fn other_impossible_settings_are_refused() {
    for extra in [
        json!({ "trim": { "start": 5.0, "end": 2.0 } }),
        json!({ "trim": { "start": 9.0 } }),
        json!({ "loop": { "mode": "repeat" } }),
        json!({ "loop": { "mode": "repeat", "duration": 6.0, "count": 2 } }),
        json!({ "outputs": [] }),
        json!({ "outputs": [{ "path": "out.mp4", "aspect": "1:1", "height": 241 }] }),
        json!({ "outputs": [{ "path": "out.mp4", "aspect": "1:1", "height": 240, "fps": 0 }] }),
        json!({ "outputs": [{ "path": "out.mp4", "aspect": "1:1", "height": 240, "fit": "stretch" }] }),
        json!({ "outputs": [{ "path": "out.mp4", "aspect": "1:1", "height": 240, "fit": "pad", "background": "red" }] }),
    ] {
        invalid(recipe(extra));
    }
}

#[test]
fn smart_fit_without_registered_models_says_how_to_register_them() {
    // Nothing in this test process registers the subject models.
    assert!(!clipforge::subject_models_registered());
    let out = json!([{ "path": "out.mp4", "aspect": "9:16", "height": 320, "fit": "smart" }]);
    let msg = invalid(recipe(json!({ "outputs": out })));
    assert!(msg.contains("outputs[0]") && msg.contains("smart") && msg.contains("register_subject_models"), "{msg}");
    assert!(msg.contains("registerSubjectModels") && msg.contains("CLIPFORGE_FACE_MODEL"), "{msg}");
    // A clip's own fit too (version 2).
    let v2 = json!({
        "version": 2, "clips": [{ "source": "counter.mp4", "fit": "smart" }],
        "outputs": [{ "path": "out.mp4", "aspect": "9:16", "height": 320 }]
    });
    let msg = invalid(v2);
    assert!(msg.contains("a clip") && msg.contains("register_subject_models"), "{msg}");
}
