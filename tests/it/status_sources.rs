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

/// A Statuspage summary of a page with three services, and these open incidents (JSON).
fn statuspage_with(incidents: &str) -> String {
    format!(
        r#"{{
  "page": {{"id": "p1", "name": "Example Cloud", "url": "https://status.cloud.example", "time_zone": "Etc/UTC"}},
  "components": [
    {{"id": "c1", "name": "API", "status": "operational", "group_id": null, "group": false, "position": 1}},
    {{"id": "c2", "name": "Files", "status": "operational", "group_id": null, "group": false, "position": 2}},
    {{"id": "c3", "name": "Dashboard", "status": "operational", "group_id": null, "group": false, "position": 3}}
  ],
  "incidents": [{incidents}],
  "scheduled_maintenances": [],
  "status": {{"indicator": "minor", "description": "Minor Service Outage"}}
}}"#
    )
}

fn statuspage_incident(name: &str, components: &[&str]) -> String {
    let components: Vec<String> = components
        .iter()
        .map(|c| format!(r#"{{"id": "x", "name": "{c}", "status": "degraded_performance"}}"#))
        .collect();
    format!(
        r#"{{"id": "i1", "name": "{name}", "status": "investigating", "impact": "minor",
            "shortlink": "https://stspg.io/i1", "started_at": "2026-12-06T18:02:11.000Z",
            "components": [{}]}}"#,
        components.join(", ")
    )
}

/// A service named API on the page, depending on its API component.
fn narrowed_service(server: &TestServer) -> String {
    format!(
        "[connectivity]\nreferences = []\n[services.api]\nname = \"Example API\"\nurl = \"{}\"\nstatus_page = \"{}\"\ncomponents = [\"API\"]\n",
        server.url("/"),
        server.url(""),
    )
}

fn page_says(server: &TestServer, summary: &str) -> (i32, serde_json::Value) {
    server.route("/", Reply::new(200));
    server.route("/api/v2/summary.json", Reply::json(200, summary));
    probe_json(isitdown_with_config(&narrowed_service(server)).arg("api"))
}

#[test]
fn an_incident_counts_for_a_narrowed_service_by_its_components() {
    let server = TestServer::start();
    let incident = statuspage_incident("Elevated latency", &["API"]);
    let (code, probe) = page_says(&server, &statuspage_with(&incident));
    assert_eq!(
        (code, probe["state"].as_str()),
        (1, Some("degraded")),
        "{probe}"
    );
    assert_eq!(
        probe["reason"],
        "answered 200 OK, but Example Cloud reports: Elevated latency"
    );
    assert_eq!(
        probe["status_page"]["incidents"][0]["name"],
        "Elevated latency"
    );
}

#[test]
fn an_incident_counts_when_its_title_names_the_service_whatever_its_components() {
    let server = TestServer::start();
    let incident = statuspage_incident("Degraded uploads in Files and the API", &["Files"]);
    let (code, probe) = page_says(&server, &statuspage_with(&incident));
    assert_eq!(
        (code, probe["state"].as_str()),
        (1, Some("degraded")),
        "{probe}"
    );
    assert!(
        probe["reason"]
            .as_str()
            .unwrap()
            .ends_with("Example Cloud reports: Degraded uploads in Files and the API"),
        "{probe}"
    );
    // The same incident, on another part of the page only: not this service's.
    let server = TestServer::start();
    let incident = statuspage_incident("Degraded uploads", &["Files"]);
    let (code, probe) = page_says(&server, &statuspage_with(&incident));
    assert_eq!((code, probe["state"].as_str()), (0, Some("up")), "{probe}");
    assert_eq!(probe["status_page"]["incidents"], serde_json::json!([]));
}

#[test]
fn an_incident_that_names_no_component_counts_unless_its_title_names_another_part() {
    let server = TestServer::start();
    let incident = statuspage_incident("Intermittent availability issues on some services", &[]);
    let (code, probe) = page_says(&server, &statuspage_with(&incident));
    assert_eq!(
        (code, probe["state"].as_str()),
        (1, Some("degraded")),
        "{probe}"
    );
    assert_eq!(
        probe["reason"],
        "answered 200 OK, but Example Cloud reports: an incident on the page names no \
         component: Intermittent availability issues on some services"
    );
    // "the API" is not named by "rapid", nor this service by a title about the dashboard.
    let server = TestServer::start();
    let incident = statuspage_incident("Rapid errors on the Dashboard", &[]);
    let (code, probe) = page_says(&server, &statuspage_with(&incident));
    assert_eq!((code, probe["state"].as_str()), (0, Some("up")), "{probe}");
}

/// incident.io's compatible summary: its incidents never name components.
const INCIDENT_IO: &str = r#"{
  "page": {"id": "01JMBBD3CHTM0X6CSA7EF4RHDR", "name": "Example AI", "url": "https://status.ai.example"},
  "status": {"indicator": "minor", "description": "Partially Degraded Service"},
  "components": [
    {"id": "01JMXBNJXGV1T5GT2M9XA83XNG", "name": "Conversations", "status": "operational"},
    {"id": "01JMXBRMFE6N2NNT7DG6XZQ6PW", "name": "Video generation", "status": "operational"}
  ],
  "incidents": [
    {"id": "01K5W3B6YJ4M2D3A6Q7K8S9T0V", "name": "Intermittent availability issues on some services",
     "status": "investigating", "impact": "minor", "created_at": "2026-12-06T18:02:11.836Z",
     "started_at": "2026-12-06T18:02:11.836Z", "shortlink": null, "components": null},
    {"id": "01K5W3B6YJ4M2D3A6Q7K8S9T0W", "name": "Slow video generation",
     "status": "investigating", "impact": "major", "created_at": "2026-12-06T17:02:11.836Z",
     "started_at": "2026-12-06T17:02:11.836Z", "shortlink": null, "components": null}
  ]
}"#;

#[test]
fn on_an_incident_io_page_an_incident_naming_nothing_counts_for_every_service() {
    let server = TestServer::start();
    server.route("/", Reply::new(200));
    server.route("/api/v2/summary.json", Reply::json(200, INCIDENT_IO));
    let config = format!(
        "[connectivity]\nreferences = []\n[services.chat]\nname = \"Chat\"\nurl = \"{url}\"\nstatus_page = \"{page}\"\ncomponents = [\"Conversations\"]\n\
         [services.video]\nname = \"Video\"\nurl = \"{url}\"\nstatus_page = \"{page}\"\ncomponents = [\"Video generation\"]\n",
        url = server.url("/"),
        page = server.url("")
    );
    let output = isitdown_with_config(&config)
        .args(["--json", "chat", "video"])
        .output()
        .unwrap();
    let lines = json_lines(&output.stdout);
    // Chat: only the incident that names nothing; the slow video generation is another part.
    let chat = &lines[0];
    assert_eq!(chat["state"], "degraded", "{chat}");
    let names: Vec<&str> = chat["status_page"]["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Intermittent availability issues on some services"]);
    assert!(chat["reason"]
        .as_str()
        .unwrap()
        .contains("an incident on the page names no component: Intermittent availability"));
    // Video: both, one by its title.
    let video = &lines[1];
    assert_eq!(video["state"], "degraded", "{video}");
    assert_eq!(
        video["status_page"]["incidents"].as_array().unwrap().len(),
        2
    );
}
