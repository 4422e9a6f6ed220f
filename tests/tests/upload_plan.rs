//! `clipforge upload-plan`: every digest checked against an independent referee (`sha256sum` on the
//! file and on each part cut by `split`), the S3 composite rebuilt from those, the rules enforced.

mod upload_support;

use base64::Engine;
use sha2::{Digest, Sha256};
use upload_support::*;

const MIB: usize = 1024 * 1024;

fn b64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(s).expect("base64")
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn plan_digests_match_sha256sum_of_the_file_and_of_every_part() {
    let work = Workdir::new();
    let file = random_file(&work.path("clip.bin"), 23 * MIB + 12_345, 7);
    let plan = cli_json(work.dir.path(), &["upload-plan", "clip.bin", "--part-size", &(5 * MIB).to_string(), "--json"]);

    assert_eq!(plan["size"], 23 * MIB + 12_345);
    assert_eq!(plan["sha256_hex"].as_str().unwrap(), sha256sum(&file));
    assert_eq!(hex(&b64(plan["sha256_base64"].as_str().unwrap())), sha256sum(&file));
    assert_eq!(b64(plan["crc64nvme_base64"].as_str().unwrap()).len(), 8);
    assert_eq!(hex(&b64(plan["crc64nvme_base64"].as_str().unwrap())), plan["crc64nvme_hex"].as_str().unwrap());

    // The referee cuts the file itself.
    let status = std::process::Command::new("split")
        .args(["-b", &(5 * MIB).to_string(), "-d", "clip.bin", "piece."])
        .current_dir(work.dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let parts = plan["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 5);
    let mut composite = Sha256::new();
    for (i, p) in parts.iter().enumerate() {
        let piece = work.path(&format!("piece.{i:02}"));
        let expected = sha256sum(&piece);
        assert_eq!(p["index"], i);
        assert_eq!(p["number"], i + 1);
        assert_eq!(p["offset"], i * 5 * MIB);
        assert_eq!(p["length"].as_u64().unwrap(), std::fs::metadata(&piece).unwrap().len());
        assert_eq!(p["sha256_hex"].as_str().unwrap(), expected, "part {i}");
        assert_eq!(hex(&b64(p["sha256_base64"].as_str().unwrap())), expected, "part {i}");
        assert!(p.get("etag").is_none(), "a new plan has no part done");
        composite.update(b64(p["sha256_base64"].as_str().unwrap()));
    }
    let composite = format!("{}-5", base64::engine::general_purpose::STANDARD.encode(composite.finalize()));
    assert_eq!(plan["s3_composite_sha256"].as_str().unwrap(), composite);
}

#[test]
fn plan_text_output_says_which_encoding() {
    let work = Workdir::new();
    random_file(&work.path("a.bin"), 1000, 1);
    let out = cli(work.dir.path(), &["upload-plan", "a.bin"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("sha256 (hex)") && text.contains("sha256 (base64)") && text.contains("s3 composite sha256 (base64)"), "{text}");
    assert!(text.contains("1 parts of 8388608 bytes"), "{text}");
}

#[test]
fn plan_refuses_bad_input_with_typed_errors() {
    let work = Workdir::new();
    random_file(&work.path("a.bin"), 1000, 1);
    std::fs::create_dir(work.path("folder")).unwrap();
    let cases: [(&[&str], &str, &str); 4] = [
        (&["upload-plan", "missing.bin"], "Io", "missing.bin"),
        (&["upload-plan", "folder"], "UnsupportedInput", "only regular files"),
        (&["upload-plan", "a.bin", "--part-size", "1000"], "InvalidRecipe", "5 MiB–5 GiB"),
        (&["upload-plan", "/dev/zero"], "UnsupportedInput", "only regular files"),
    ];
    for (args, kind, text) in cases {
        let (k, m) = cli_error(&cli(work.dir.path(), args));
        assert_eq!(k, kind, "{args:?}: {m}");
        assert!(m.contains(text), "{args:?}: {m}");
    }
}

#[test]
fn crc64_nvme_matches_the_aws_common_runtime() {
    let Some(python) = referee_python("crc64_nvme_matches_the_aws_common_runtime") else { return };
    let work = Workdir::new();
    let file = random_file(&work.path("clip.bin"), 13 * MIB + 3, 8);
    let plan = cli_json(work.dir.path(), &["upload-plan", "clip.bin", "--part-size", &(5 * MIB).to_string(), "--json"]);
    let referee = py_json(&python, "crc64nvme.py", &[&file.to_string_lossy(), &(5 * MIB).to_string()]);
    assert_eq!(plan["crc64nvme_hex"], referee["whole"]);
    let parts: Vec<&Value> = plan["parts"].as_array().unwrap().iter().map(|p| &p["crc64nvme_hex"]).collect();
    let expected: Vec<&Value> = referee["parts"].as_array().unwrap().iter().collect();
    assert_eq!(parts, expected);
}
