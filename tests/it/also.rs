//! Sibling probes (`also`): another door of the same provider that a script can reach. When a
//! bot wall answers the probe, they decide before the status page; otherwise they are shown and
//! the probe's own verdict stands.

use crate::support::*;

fn wall_page() -> String {
    let path = format!(
        "{}/tests/fixtures/walls/cloudflare-just-a-moment.html",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A ChatGPT-like row: the web app at `/app`, its API at `/v1/models`, and a calm status page,
/// all on `server`.
fn config(server: &TestServer) -> String {
    format!(
        "[services.chat]\nname = \"Chat\"\nurl = \"{}\"\nexpect = \"2xx,3xx,401,403,404,405\"\n\
         also = [\"{}\"]\nstatus_page = \"{}\"\n",
        server.url("/app"),
        server.url("/v1/models"),
        server.url("")
    )
}

fn serve_calm_page(server: &TestServer) {
    server.route(
        "/api/v2/summary.json",
        Reply::json(
            200,
            r#"{"page":{"name":"Chat"},"status":{"indicator":"none","description":"All Systems Operational"},"components":[],"incidents":[]}"#,
        ),
    );
}

#[test]
fn a_walled_probe_with_a_failing_sibling_is_down_whatever_the_page_says() {
    let server = TestServer::start();
    serve_calm_page(&server);
    server.route("/app", Reply::html(403, &wall_page()));
    server.route(
        "/v1/models",
        Reply::json(503, "{}").reason("Service Temporarily Unavailable"),
    );
    let (code, probe) = probe_json(isitdown_with_config(&config(&server)).arg("chat"));
    assert_eq!(code, 2, "{probe}");
    assert_eq!(probe["state"], "down");
    let reason = probe["reason"].as_str().unwrap();
    assert!(
        reason.contains("a Cloudflare bot wall answered 403"),
        "{reason}"
    );
    assert!(
        reason.contains("fails too: 503 Service Temporarily Unavailable"),
        "{reason}"
    );
    let also = probe["also"].as_array().unwrap();
    assert_eq!(also.len(), 1, "{probe}");
    assert_eq!(also[0]["url"], server.url("/v1/models"));
    assert_eq!(also[0]["state"], "down");
    assert_eq!(also[0]["status"], 503);
}

#[test]
fn a_walled_probe_with_a_sibling_that_fails_to_connect_is_down() {
    let server = TestServer::start();
    server.route("/app", Reply::html(403, &wall_page()));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/v1/models", closed.local_addr().unwrap());
    drop(closed);
    let config = format!(
        "[services.chat]\nurl = \"{}\"\nalso = [\"{dead}\"]\n",
        server.url("/app")
    );
    let (code, probe) = probe_json(isitdown_with_config(&config).arg("chat"));
    assert_eq!(code, 2, "{probe}");
    assert_eq!(probe["error"]["kind"], "refused", "{probe}");
    assert!(probe["also"][0]["status"].is_null());
}

#[test]
fn a_walled_probe_with_an_answering_sibling_is_up_and_says_what_was_not_seen() {
    let server = TestServer::start();
    serve_calm_page(&server);
    server.route("/app", Reply::html(403, &wall_page()));
    server.route("/v1/models", Reply::json(401, r#"{"error":"no key"}"#));
    // The probe and its sibling are in flight together, or neither is answered.
    server.gather(2);
    let (code, probe) = probe_json(isitdown_with_config(&config(&server)).arg("chat"));
    assert_eq!(code, 0, "{probe}");
    assert_eq!(probe["state"], "up");
    let reason = probe["reason"].as_str().unwrap();
    assert!(reason.contains("answers (401 Unauthorized)"), "{reason}");
    assert!(reason.contains("not seen"), "{reason}");
    // A 401 is its servers answering, refusing (UP or DEGRADED by the 4xx rule).
    let sibling = probe["also"][0]["state"].as_str().unwrap();
    assert!(matches!(sibling, "up" | "degraded"), "{probe}");
    assert_eq!(probe["also"][0]["status"], 401);
}

#[test]
fn without_a_wall_the_probe_decides_and_siblings_are_shown() {
    let server = TestServer::start();
    serve_calm_page(&server);
    server.route("/app", Reply::text(200, "ok"));
    server.route("/v1/models", Reply::json(503, "{}"));
    let (code, probe) = probe_json(isitdown_with_config(&config(&server)).arg("chat"));
    assert_eq!(code, 0, "{probe}");
    assert_eq!(probe["state"], "up");
    assert_eq!(probe["also"][0]["state"], "down");

    let output = isitdown_with_config(&config(&server))
        .args(["-v", "--color", "never", "chat"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(&format!("also     DOWN {}", server.url("/v1/models"))),
        "{text}"
    );
}

#[test]
fn targets_without_siblings_list_none() {
    let server = TestServer::start();
    server.route("/", Reply::text(200, "ok"));
    let (code, probe) = probe_json(isitdown().arg(server.url("/")));
    assert_eq!(code, 0);
    assert_eq!(probe["also"], serde_json::json!([]));
}

#[test]
fn a_sibling_that_is_not_a_url_is_bad_input() {
    let config = "[services.chat]\nurl = \"https://example.com/\"\nalso = [\"ftp://x\"]\n";
    let output = isitdown_with_config(config).arg("chat").output().unwrap();
    assert_eq!(output.status.code(), Some(64));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("also"), "{stderr}");
}
