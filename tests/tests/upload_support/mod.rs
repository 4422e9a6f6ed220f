//! What the upload and provenance tests share: the real servers and referees that
//! scripts/upload-servers.sh starts (localstack S3, a tus server, the venv with boto3 and
//! c2pa-python), the CLI, files of random bytes.
//!
//! Policy: with the servers' variables exported (scripts/test.sh sources upload-servers.sh), a
//! server that does not answer fails the test. Without them, a test run by hand is skipped with a
//! message, except under CI (`CI` set), where a missing server is a failure, never a silent skip.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub use clipforge_e2e::*;

pub struct Servers {
    pub s3: String,
    pub tus: String,
    pub python: PathBuf,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The servers, or None (after saying why) when this run was not started by scripts/test.sh.
pub fn servers(test: &str) -> Option<Servers> {
    let (Some(s3), Some(tus), Some(python)) = (var("CLIPFORGE_TEST_S3"), var("CLIPFORGE_TEST_TUS"), var("CLIPFORGE_TEST_PYTHON"))
    else {
        if std::env::var_os("CI").is_some() {
            panic!("{test}: CI=true but the upload servers are not running: scripts/test.sh sources scripts/upload-servers.sh");
        }
        skipped(&format!(
            "SKIPPED {test}: needs the local S3 / tus servers; run `source scripts/upload-servers.sh` first \
             (scripts/test.sh does)"
        ));
        return None;
    };
    for url in [&s3, &tus] {
        let host = url.trim_start_matches("http://").split('/').next().unwrap().to_string();
        std::net::TcpStream::connect(&host).unwrap_or_else(|e| panic!("{test}: the server at {url} does not answer: {e}"));
    }
    Some(Servers { s3, tus, python: PathBuf::from(python) })
}

/// The venv's Python (c2pa-python), with the same policy as [`servers`].
pub fn referee_python(test: &str) -> Option<PathBuf> {
    match var("CLIPFORGE_TEST_PYTHON") {
        Some(p) => {
            assert!(Path::new(&p).is_file(), "{test}: CLIPFORGE_TEST_PYTHON={p} does not exist");
            Some(PathBuf::from(p))
        }
        None if std::env::var_os("CI").is_some() => panic!("{test}: CI=true but CLIPFORGE_TEST_PYTHON is not set"),
        None => {
            skipped(&format!("SKIPPED {test}: needs the c2pa-python venv; run `source scripts/upload-servers.sh` first"));
            None
        }
    }
}

/// Written to the real stderr, past the test harness' capture: a skip must be seen.
fn skipped(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{message}");
}

pub fn servers_dir() -> PathBuf {
    workspace_root().join("tests/servers")
}

/// Runs a script of tests/servers with the venv's Python; panics with its stderr if it fails.
pub fn py(python: &Path, script: &str, args: &[&str]) -> String {
    let out = Command::new(python).arg(servers_dir().join(script)).args(args).output().expect("run python");
    assert!(out.status.success(), "{script} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn py_json(python: &Path, script: &str, args: &[&str]) -> Value {
    serde_json::from_str(&py(python, script, args)).expect("script prints JSON")
}

pub fn cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(clipforge_bin()).args(args).current_dir(dir).output().expect("run clipforge")
}

pub fn cli_json(dir: &Path, args: &[&str]) -> Value {
    let out = cli(dir, args);
    assert!(
        out.status.success(),
        "clipforge {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("clipforge prints JSON")
}

/// `error[Kind]: message` from a failed CLI run.
pub fn cli_error(out: &Output) -> (String, String) {
    assert!(!out.status.success(), "expected a failure, got: {}", String::from_utf8_lossy(&out.stdout));
    let line = String::from_utf8_lossy(&out.stderr).trim().to_string();
    let rest = line.strip_prefix("error[").unwrap_or_else(|| panic!("not error[Kind]: {line}"));
    let (kind, msg) = rest.split_once("]: ").unwrap();
    (kind.to_string(), msg.to_string())
}

/// A file of `len` pseudo-random bytes.
pub fn random_file(path: &Path, len: usize, seed: u64) -> PathBuf {
    std::fs::write(path, lcg_bytes(seed, len)).expect("write file");
    path.to_path_buf()
}

/// Unique names for objects on the shared test servers.
pub fn unique(prefix: &str) -> String {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{prefix}-{}-{t}", std::process::id())
}

/// `sha256sum FILE`: the referee for whole-file digests.
pub fn sha256sum(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().expect("sha256sum");
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap().to_string()
}

/// Indices of the parts a state file has acknowledged.
pub fn acknowledged(state: &Path) -> Vec<u64> {
    let Ok(text) = std::fs::read_to_string(state) else { return Vec::new() };
    let Ok(v) = serde_json::from_str::<Value>(&text) else { return Vec::new() };
    v["parts"].as_array().unwrap().iter().filter(|p| p.get("etag").is_some()).map(|p| p["index"].as_u64().unwrap()).collect()
}

pub fn indices(v: &Value) -> Vec<u64> {
    let mut x: Vec<u64> = v.as_array().unwrap().iter().map(|i| i.as_u64().unwrap()).collect();
    x.sort();
    x
}
