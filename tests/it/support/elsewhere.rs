//! Running the binary with `--from` against a fake Globalping API. The target has a public name
//! pinned to a local server with `--resolve`, so the probe from here stays on this machine
//! while the places elsewhere (the fake) are told the public name.

use serde_json::Value;

use super::globalping::FakeGlobalping;
use super::{isitdown_with_config, json_lines, TestServer};

/// A public-looking name: the probes elsewhere would resolve it themselves.
pub const NAME: &str = "shop.example.com";

pub fn config(fake: &FakeGlobalping) -> String {
    format!(
        "[connectivity]\nreferences = []\n\n[globalping]\nurl = \"{}\"\n",
        fake.url()
    )
}

/// `http://shop.example.com:PORT{path}`, pinned to the local server.
pub fn target(server: &TestServer, path: &str) -> (String, String) {
    let port = server.port();
    (
        format!("http://{NAME}:{port}{path}"),
        format!("{NAME}:{port}:127.0.0.1"),
    )
}

/// Runs with `--json --from from` and returns the exit code and the probe lines.
pub fn run_json(fake: &FakeGlobalping, args: &[&str], from: &str) -> (i32, Vec<Value>, String) {
    let output = isitdown_with_config(&config(fake))
        .args(["--json", "--from", from])
        .args(args)
        .output()
        .expect("isitdown runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (
        output.status.code().unwrap_or(-1),
        json_lines(&output.stdout),
        stderr,
    )
}

pub fn one_probe(
    fake: &FakeGlobalping,
    server: &TestServer,
    path: &str,
    from: &str,
) -> (i32, Value) {
    let (url, pin) = target(server, path);
    let (code, mut lines, stderr) = run_json(fake, &["--resolve", &pin, &url], from);
    assert_eq!(lines.len(), 1, "stderr: {stderr}");
    assert_eq!(stderr, "");
    (code, lines.remove(0))
}

pub fn reason(probe: &Value) -> &str {
    probe["reason"].as_str().unwrap_or_default()
}
