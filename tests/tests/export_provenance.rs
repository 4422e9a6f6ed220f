//! Signed exports (`provenance` in the recipe): the manifest is checked by an independent verifier
//! (PyPI c2pa-python), a changed byte in the video breaks it, bad credentials are refused before
//! any encoding, and an unsigned export is untouched. Also the `upload_plan` side files.

mod upload_support;

use std::time::Instant;

use upload_support::*;

fn recipe(extra: Value) -> Value {
    let mut r = json!({
        "version": 1, "source": "counter.mp4",
        "trim": { "start": 0.5, "end": 2.5 },
        "loop": { "mode": "repeat", "duration": 6.0 },
        "captions": [{ "text": "hello", "start": 0.0, "end": 2.0 }],
        "outputs": [
            { "path": "a-9x16.mp4", "aspect": "9:16", "height": 320, "fit": "crop" },
            { "path": "a-1x1.mp4", "aspect": "1:1", "height": 240, "fit": "pad" }
        ]
    });
    for (k, v) in extra.as_object().unwrap() {
        r[k] = v.clone();
    }
    r
}

/// Credentials made by tests/servers/make_chain.py (cryptography): chain.pem (EE + CA), key.pem, …
fn credentials(python: &std::path::Path, work: &Workdir) {
    py(python, "make_chain.py", &[&work.dir.path().to_string_lossy()]);
}

fn verify(python: &std::path::Path, file: &std::path::Path) -> Value {
    py_json(python, "c2pa_verify.py", &[&file.to_string_lossy()])
}

fn actions(manifest: &Value) -> Vec<String> {
    let a = manifest["assertions"].as_array().unwrap().iter().find(|a| a["label"].as_str().unwrap().starts_with("c2pa.actions")).unwrap();
    a["data"]["actions"].as_array().unwrap().iter().map(|x| x["action"].as_str().unwrap().to_string()).collect()
}

#[test]
fn signed_export_validates_independently_and_records_the_edit() {
    let Some(python) = referee_python("signed_export_validates_independently_and_records_the_edit") else { return };
    let work = Workdir::with_fixture("counter.mp4");
    credentials(&python, &work);
    let reports = work.export_ok(&recipe(json!({ "provenance": {
        "certificate_chain": "chain.pem", "private_key": "key.pem",
        "creator": { "name": "Ada Lovelace", "identifier": "https://example.org/@ada" }
    }})));
    for r in &reports {
        assert_eq!(r.sha256, sha256_file(&r.path), "the report describes the signed file");
        let v = verify(&python, &r.path);
        // A test chain is not on C2PA's trust list: that, and nothing else, may be reported.
        let codes: Vec<&str> = v["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
        assert!(codes.iter().all(|c| *c == "signingCredential.untrusted"), "{}: {codes:?}", r.path.display());
        let m = &v["manifest"];
        assert_eq!(
            actions(m),
            ["c2pa.created", "dev.clipforge.trimmed", "dev.clipforge.looped", "dev.clipforge.captioned",
             if r.path.ends_with("a-9x16.mp4") { "c2pa.cropped" } else { "c2pa.resized" }, "c2pa.transcoded"]
        );
        let text = m.to_string();
        assert!(text.contains(&sha256_file(&work.path("counter.mp4"))), "the source's SHA-256 is recorded");
        assert!(text.contains("Ada Lovelace") && text.contains("https://example.org/@ada"), "creator");
        assert!(text.contains("clipforge"), "the tool");
        // Still a normal MP4 that FFmpeg decodes.
        let probe = ffprobe_json(&r.path);
        assert_eq!(probe_streams(&probe, "video").len(), 1);
        assert!(decode_video(&r.path).frame_count() >= 179);
    }
}

#[test]
fn one_changed_byte_in_the_video_fails_validation() {
    let Some(python) = referee_python("one_changed_byte_in_the_video_fails_validation") else { return };
    let work = Workdir::with_fixture("counter.mp4");
    let reports = work.export_ok(&recipe(json!({ "provenance": { "ephemeral": true } })));
    let path = &reports[0].path;
    let ok = verify(&python, path);
    assert!(ok["codes"].as_array().unwrap().iter().all(|c| c == "signingCredential.untrusted"), "{ok}");
    // Flip one byte in the middle of mdat.
    let (_, off, size) = mp4_top_level_boxes(path).into_iter().find(|(t, _, _)| t == "mdat").expect("mdat");
    let mut bytes = std::fs::read(path).unwrap();
    let at = (off + size / 2) as usize;
    bytes[at] ^= 0x01;
    std::fs::write(path, &bytes).unwrap();
    let bad = verify(&python, path);
    let codes = bad["codes"].to_string();
    assert!(codes.contains("assertion.bmffHash.mismatch"), "{bad}");
}

#[test]
fn bad_credentials_are_refused_before_any_encoding() {
    let Some(python) = referee_python("bad_credentials_are_refused_before_any_encoding") else { return };
    let work = Workdir::with_fixture("counter.mp4");
    credentials(&python, &work);
    std::fs::write(work.path("garbage.pem"), "not a pem").unwrap();
    let cases = [
        (json!({ "certificate_chain": "selfsigned.pem", "private_key": "selfsigned_key.pem" }), "lone self-signed"),
        (json!({ "certificate_chain": "chain.pem", "private_key": "other_key.pem" }), "does not belong"),
        (json!({ "certificate_chain": "garbage.pem", "private_key": "key.pem" }), "no CERTIFICATE"),
        (json!({ "certificate_chain": "chain.pem", "private_key": "garbage.pem" }), "PKCS#8"),
        (json!({ "certificate_chain": "missing.pem", "private_key": "key.pem" }), "missing.pem"),
        (json!({ "certificate_chain": "chain.pem" }), "exactly one"),
        (json!({ "ephemeral": true, "certificate_chain": "chain.pem", "private_key": "key.pem" }), "exactly one"),
    ];
    for (spec, text) in cases {
        let progressed = std::sync::atomic::AtomicBool::new(false);
        let t0 = Instant::now();
        let e = work
            .export_with(&recipe(json!({ "provenance": spec })), &|_| progressed.store(true, std::sync::atomic::Ordering::SeqCst), &CancelToken::new())
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidRecipe, "{spec}: {e}");
        assert!(e.message.contains(text), "{spec}: {}", e.message);
        assert!(!progressed.load(std::sync::atomic::Ordering::SeqCst), "{spec}: encoding had started");
        assert!(t0.elapsed().as_secs_f64() < 2.0, "{spec}: refused late");
        assert!(work.unexpected_files(&["counter.mp4", "chain.pem", "key.pem", "other_key.pem", "selfsigned.pem", "selfsigned_key.pem", "garbage.pem", "recipe.json"]).is_empty(), "{:?}", work.files());
    }
}

/// Exports `recipe` in a process of its own (`clipforge export`) and returns the output paths.
/// Byte comparisons between exports need separate processes: within one process, libx264's
/// macroblock-tree rate control can differ in a packet between runs (docs/RELIABILITY.md,
/// "Determinism"); each process on its own is byte-for-byte repeatable.
fn export_in_own_process(work: &Workdir, recipe: &Value) -> Vec<std::path::PathBuf> {
    work.write_recipe(recipe);
    let out = cli(work.dir.path(), &["export", "recipe.json"]);
    assert!(out.status.success(), "clipforge export failed: {}", String::from_utf8_lossy(&out.stderr));
    recipe["outputs"].as_array().unwrap().iter().map(|o| work.path(o["path"].as_str().unwrap())).collect()
}

#[test]
fn unsigned_export_is_untouched_and_signing_only_adds_the_manifest() {
    let work = Workdir::with_fixture("counter.mp4");
    let plain = export_in_own_process(&work, &recipe(json!({})));
    let plain_sha: Vec<String> = plain.iter().map(|p| sha256_file(p)).collect();
    let plain_boxes: Vec<Vec<String>> = plain.iter().map(|p| mp4_top_level_boxes(p).into_iter().map(|(t, _, _)| t).collect()).collect();
    assert!(plain_boxes.iter().all(|b| !b.contains(&"uuid".to_string())), "no manifest box without provenance: {plain_boxes:?}");
    assert!(work.unexpected_files(&["counter.mp4", "recipe.json", "a-9x16.mp4", "a-1x1.mp4"]).is_empty(), "{:?}", work.files());

    // The same recipe signed: the file gains the manifest box, and with the manifest taken out
    // again (c2pa's own remover) the bytes are exactly the unsigned export's.
    let signed = export_in_own_process(&work, &recipe(json!({ "provenance": { "ephemeral": true } })));
    for (i, p) in signed.iter().enumerate() {
        let boxes: Vec<String> = mp4_top_level_boxes(p).into_iter().map(|(t, _, _)| t).collect();
        assert!(boxes.contains(&"uuid".to_string()), "{boxes:?}");
        assert_ne!(sha256_file(p), plain_sha[i]);
        c2pa::jumbf_io::remove_jumbf_from_file(p).expect("remove the manifest");
        assert_eq!(sha256_file(p), plain_sha[i], "{}: signing changed more than the manifest", p.display());
    }

    // Asking for upload plans only leaves the videos byte for byte as they were.
    let planned = export_in_own_process(&work, &recipe(json!({ "upload_plan": {} })));
    for (i, p) in planned.iter().enumerate() {
        assert_eq!(sha256_file(p), plain_sha[i]);
    }
}

#[test]
fn upload_plans_are_written_beside_the_outputs_and_committed_with_them() {
    let work = Workdir::with_fixture("counter.mp4");
    let reports = work.export_ok(&recipe(json!({ "upload_plan": { "part_size": 5242880 }, "provenance": { "ephemeral": true } })));
    for r in &reports {
        let side = r.path.with_file_name(format!("{}.upload.json", r.path.file_name().unwrap().to_string_lossy()));
        let plan: Value = serde_json::from_str(&std::fs::read_to_string(&side).unwrap()).unwrap();
        assert_eq!(plan["sha256_hex"].as_str().unwrap(), sha256_file(&r.path), "the plan describes the signed file");
        assert_eq!(plan["size"].as_u64().unwrap(), std::fs::metadata(&r.path).unwrap().len());
        assert_eq!(std::path::PathBuf::from(plan["file"].as_str().unwrap()), std::fs::canonicalize(&r.path).unwrap());
        // The uploader takes the exported plan as its state: it still matches the committed file.
        let plan = clipforge::UploadPlan::from_json(&std::fs::read_to_string(&side).unwrap()).unwrap();
        plan.check_file().unwrap();
    }

    // All or nothing: a cancelled export leaves neither videos nor plans.
    let work = Workdir::with_fixture("counter.mp4");
    let cancel = CancelToken::new();
    let c2 = cancel.clone();
    let e = work
        .export_with(&recipe(json!({ "upload_plan": {} })), &move |p| if p > 0.5 { c2.cancel() }, &cancel)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled);
    assert!(work.unexpected_files(&["counter.mp4", "recipe.json"]).is_empty(), "{:?}", work.files());
}
