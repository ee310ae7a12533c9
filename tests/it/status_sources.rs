//! Status sources beyond a plain summary: incident.io pages whose summary leaves incidents out,
//! and providers that publish only an RSS or Atom feed.

use std::time::{Duration, SystemTime};

use crate::support::*;

/// incident.io's Statuspage-compatible summary, as it comes without an `incidents` key.
const SUMMARY_WITHOUT_INCIDENTS: &str = r#"{
  "page": {"id": "01JMBBD3CHTM0X6CSA7EF4RHDR", "name": "OpenAI", "url": "https://status.openai.com"},
  "status": {"indicator": "none", "description": "All Systems Operational"},
  "components": [
    {"id": "01JMXBNJXGV1T5GT2M9XA83XNG", "name": "Conversations", "status": "operational"}
  ]
}"#;

const UNRESOLVED: &str = r#"{
  "page": {"id": "01JMBBD3CHTM0X6CSA7EF4RHDR", "name": "OpenAI"},
  "incidents": [{
    "id": "01K5W3B6YJ4M2D3A6Q7K8S9T0V",
    "name": "Elevated errors in ChatGPT conversations",
    "status": "investigating",
    "impact": "minor",
    "created_at": "2026-09-23T10:11:12.836Z",
    "started_at": "2026-09-23T10:11:12.836Z"
  }]
}"#;

fn service(server: &TestServer, format: &str, api: Option<&str>) -> String {
    let api = api
        .map(|path| format!("status_api = \"{}\"\n", server.url(path)))
        .unwrap_or_default();
    format!(
        "[services.svc]\nname = \"Mistral AI\"\nurl = \"{}\"\nstatus_page = \"{}\"\nstatus_format = \"{format}\"\n{api}",
        server.url("/"),
        server.url(""),
    )
}

#[test]
fn an_incident_io_summary_without_incidents_is_completed_by_the_unresolved_list() {
    let server = TestServer::start();
    server.route(
        "/api/v2/summary.json",
        Reply::json(200, SUMMARY_WITHOUT_INCIDENTS),
    );
    server.route(
        "/api/v2/incidents/unresolved.json",
        Reply::json(200, UNRESOLVED),
    );
    let config = service(&server, "statuspage", None);
    let (code, probe) = probe_json(isitdown_with_config(&config).arg("svc"));
    assert_eq!(code, 1, "{probe}");
    assert_eq!(probe["state"], "degraded");
    let incident = &probe["status_page"]["incidents"][0];
    assert_eq!(incident["name"], "Elevated errors in ChatGPT conversations");
    assert!(probe["reason"]
        .as_str()
        .unwrap()
        .contains("OpenAI reports: Elevated errors in ChatGPT conversations"));
}

#[test]
fn a_summary_that_lists_its_incidents_is_not_asked_twice() {
    let server = TestServer::start();
    let calm = r#"{"page": {"name": "Example"}, "status": {"indicator": "none"}, "incidents": [], "components": []}"#;
    server.route("/api/v2/summary.json", Reply::json(200, calm));
    server.route(
        "/api/v2/incidents/unresolved.json",
        Reply::json(200, UNRESOLVED),
    );
    let config = service(&server, "statuspage", None);
    let (code, probe) = probe_json(isitdown_with_config(&config).arg("svc"));
    assert_eq!(code, 0, "{probe}");
    assert_eq!(probe["status_page"]["indicator"], "none", "{probe}");
    let asked: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert!(
        asked.iter().any(|p| p.contains("summary.json")),
        "{asked:?}"
    );
    assert!(!asked.iter().any(|p| p.contains("unresolved")), "{asked:?}");
}

#[test]
fn an_unreadable_unresolved_list_leaves_the_summary_speaking() {
    let server = TestServer::start();
    server.route(
        "/api/v2/summary.json",
        Reply::json(200, SUMMARY_WITHOUT_INCIDENTS),
    );
    server.route(
        "/api/v2/incidents/unresolved.json",
        Reply::text(500, "oops"),
    );
    let config = service(&server, "statuspage", None);
    let (code, probe) = probe_json(isitdown_with_config(&config).arg("svc"));
    assert_eq!(code, 0, "{probe}");
    let page = &probe["status_page"];
    assert!(page["error"].is_null(), "{probe}");
    assert_eq!(page["description"], "All Systems Operational", "{probe}");
    assert_eq!(page["components"][0]["name"], "Conversations", "{probe}");
    let asked: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert!(asked.iter().any(|p| p.contains("unresolved")), "{asked:?}");
}

/// RFC 822 dates, as RSS 2.0 writes them.
fn rfc822(at: SystemTime) -> String {
    let stamp = time::OffsetDateTime::from(at);
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] +0000"
    );
    stamp.format(&format).unwrap()
}

fn rss(items: &[(&str, &str, Duration)]) -> String {
    let items: String = items
        .iter()
        .map(|(title, description, age)| {
            format!(
                "<item><title>{title}</title><description>{description}</description>\
                 <pubDate>{}</pubDate><link>https://status.example.com/incidents/1</link></item>",
                rfc822(SystemTime::now() - *age)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Status - Incident history</title><link>https://status.example.com</link>{items}</channel></rss>"
    )
}

fn serve_feed(server: &TestServer, body: &str) {
    server.route(
        "/feed.xml",
        Reply::new(200)
            .header("content-type", "application/rss+xml; charset=utf-8")
            .body(body),
    );
}

#[test]
fn a_feed_s_latest_entry_is_shown_as_context_and_leaves_the_verdict_alone() {
    let server = TestServer::start();
    let feed = rss(&[(
        "Elevated error rates on Le Chat",
        "&lt;strong&gt;Resolved&lt;/strong&gt; - All good now.",
        Duration::from_secs(25 * 60),
    )]);
    serve_feed(&server, &feed);
    let config = service(&server, "feed", Some("/feed.xml"));
    let output = isitdown_with_config(&config)
        .args(["--color", "never", "svc"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains(
            "latest from Mistral AI's status feed: 'Elevated error rates on Le Chat', 25 min ago"
        ),
        "{text}"
    );
}

#[test]
fn an_open_recent_feed_entry_degrades_and_says_it_came_from_a_feed() {
    let server = TestServer::start();
    let feed = rss(&[
        (
            "Elevated error rates on Le Chat",
            "&lt;strong&gt;Investigating&lt;/strong&gt; - We are looking into it.",
            Duration::from_secs(10 * 60),
        ),
        ("Older trouble", "Resolved", Duration::from_secs(86_400)),
    ]);
    serve_feed(&server, &feed);
    let config = service(&server, "feed", Some("/feed.xml"));
    let (code, probe) = probe_json(isitdown_with_config(&config).arg("svc"));
    assert_eq!(code, 1, "{probe}");
    assert_eq!(probe["state"], "degraded");
    let reason = probe["reason"].as_str().unwrap();
    assert!(
        reason.contains("Mistral AI's status feed reports: Elevated error rates on Le Chat"),
        "{reason}"
    );
}

#[test]
fn an_open_entry_older_than_two_hours_does_not_degrade() {
    let server = TestServer::start();
    let feed = rss(&[(
        "Elevated error rates on Le Chat",
        "Investigating",
        Duration::from_secs(3 * 3600),
    )]);
    serve_feed(&server, &feed);
    let config = service(&server, "feed", Some("/feed.xml"));
    let (code, probe) = probe_json(isitdown_with_config(&config).arg("svc"));
    assert_eq!(code, 0, "{probe}");
    assert_eq!(probe["state"], "up", "{probe}");
    let page = &probe["status_page"];
    assert!(page["error"].is_null(), "{probe}");
    assert_eq!(
        page["description"], "Elevated error rates on Le Chat",
        "the entry is read, only not counted as open: {probe}"
    );
    assert_eq!(page["incidents_total"], 0, "{probe}");
}

#[test]
fn an_atom_feed_is_read_too() {
    let server = TestServer::start();
    let updated = time::OffsetDateTime::from(SystemTime::now() - Duration::from_secs(600))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let atom = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:status.example.com,2005:/history</id>
<title>Status</title><updated>{updated}</updated>
<entry><id>tag:status.example.com,2005:Incident/9</id><updated>{updated}</updated>
<link rel="alternate" type="text/html" href="https://status.example.com/incidents/9"/>
<title>Grok API errors</title><content type="html">Identified - a fix is rolling out.</content></entry>
</feed>"#
    );
    server.route(
        "/history.atom",
        Reply::new(200)
            .header("content-type", "application/atom+xml")
            .body(atom),
    );
    let config = service(&server, "feed", Some("/history.atom"));
    let (code, probe) = probe_json(isitdown_with_config(&config).arg("svc"));
    assert_eq!(code, 1, "{probe}");
    assert_eq!(
        probe["status_page"]["incidents"][0]["name"],
        "Grok API errors"
    );
}

#[test]
fn a_feed_served_as_html_is_unreadable_and_changes_nothing() {
    let server = TestServer::start();
    server.route(
        "/feed.xml",
        Reply::html(200, "<html>Just a moment...</html>"),
    );
    let config = service(&server, "feed", Some("/feed.xml"));
    let (code, probe) = probe_json(isitdown_with_config(&config).arg("svc"));
    assert_eq!(code, 0, "{probe}");
    let error = probe["status_page"]["error"].as_str().unwrap();
    assert!(error.contains("not XML"), "{error}");
}
