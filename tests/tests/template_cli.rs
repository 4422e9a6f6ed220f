//! `clipforge template list | show | render`: the CLI translates flags to fills; errors are one
//! `error[Kind]: message` line naming the slot; a render's manifests are committed with its videos.

use std::process::{Command, Output};

use clipforge_e2e::*;

fn run(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(clipforge_bin()).args(args).current_dir(dir).output().expect("run clipforge")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn render_args<'a>(clip: &'a str, link: &'a str) -> Vec<&'a str> {
    vec!["template", "render", "drop-6s", "--clip", clip, "--text", "title=Glow serum", "--price", "price=24.50:EUR", "--link", link, "--out-dir", "out"]
}

#[test]
fn list_and_show_describe_the_builtins() {
    let w = Workdir::new();
    let out = run(w.dir.path(), &["template", "list", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let names: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(names.contains(&"drop-6s".to_string()) && names.contains(&"menu-item".to_string()), "{names:?}");
    let out = run(w.dir.path(), &["template", "show", "drop-6s", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let t: Value = serde_json::from_slice(&out.stdout).unwrap();
    let hero = t["slots"].as_array().unwrap().iter().find(|s| s["name"] == "hero").unwrap();
    assert_eq!((hero["kind"].as_str(), hero["min_seconds"].as_f64(), hero["max_seconds"].as_f64()), (Some("clip"), Some(2.0), Some(4.0)));
    // A template file works the same; an unknown name is a typed error.
    std::fs::write(w.path("mine.json"), &out.stdout).unwrap();
    assert!(run(w.dir.path(), &["template", "show", "mine.json"]).status.success());
    let bad = run(w.dir.path(), &["template", "show", "nope"]);
    assert!(text(&bad.stderr).starts_with("error[InvalidRecipe]: no built-in template 'nope'"), "{}", text(&bad.stderr));
}

#[test]
fn a_bad_link_is_one_error_line_naming_the_slot_and_nothing_is_written() {
    let w = Workdir::with_compose(&["shot_green.mp4"]);
    let out = run(w.dir.path(), &render_args("hero=shot_green.mp4", "shop=javascript:alert(1)"));
    assert!(!out.status.success());
    assert_eq!(text(&out.stderr), "error[InvalidRecipe]: slot 'shop': a 'javascript:' link is not allowed; only http and https\n");
    let written: Vec<_> = std::fs::read_dir(w.path("out")).map(|d| d.count()).into_iter().collect();
    assert!(written.is_empty() || written == [0], "{written:?}");
}

#[test]
fn render_exports_every_aspect_with_manifests_all_or_nothing() {
    let w = Workdir::with_compose(&["shot_green.mp4"]);
    // A folder where one manifest must go: the commit fails and no video or manifest lands.
    std::fs::create_dir_all(w.path("out/drop-6s-4x5.mp4.links.json/x")).unwrap();
    let out = run(w.dir.path(), &render_args("hero=shot_green.mp4", "shop=https://shop.example/p/42"));
    assert!(text(&out.stderr).starts_with("error[Io]:"), "{}", text(&out.stderr));
    let landed: Vec<String> = std::fs::read_dir(w.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".mp4") || (n.ends_with(".links.json") && n != "drop-6s-4x5.mp4.links.json") || n.contains(".part"))
        .collect();
    assert!(landed.is_empty(), "a failed commit left {landed:?}");
    std::fs::remove_dir_all(w.path("out/drop-6s-4x5.mp4.links.json")).unwrap();
    let out = run(w.dir.path(), &[render_args("hero=shot_green.mp4", "shop=https://shop.example/p/42"), vec!["--json"]].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outputs"].as_array().unwrap().len(), 4);
    for tag in ["9x16", "1x1", "4x5", "16x9"] {
        let m: Value = serde_json::from_str(&std::fs::read_to_string(w.path(&format!("out/drop-6s-{tag}.mp4.links.json"))).unwrap()).unwrap();
        assert_eq!(
            m["links"][0]["url"],
            format!("https://shop.example/p/42?utm_source=clipforge&utm_medium=video&utm_campaign=drop-6s&utm_content={tag}")
        );
    }
    // The recipe written beside them exports the same outputs again.
    let r: Value = serde_json::from_str(&std::fs::read_to_string(w.path("out/drop-6s.recipe.json")).unwrap()).unwrap();
    assert_eq!(r["version"], 2);
    assert_eq!(r["links"].as_array().unwrap().len(), 4);
}
