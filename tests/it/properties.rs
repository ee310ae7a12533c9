//! Properties of the parsers of outside data, for any input, and of the JSON contract for any
//! answer a server can give: every line parses, no string would steer a terminal, and the
//! phases never add up to more than the total.

use std::time::{Duration, UNIX_EPOCH};

use crate::support::*;
use proptest::prelude::*;
use serde_json::json;

use isitdown::target::expect::StatusSet;
use isitdown::text::sanitize;

proptest! {
    #[test]
    fn sanitized_text_is_clean_bounded_and_stable(text in any::<String>(), max in 1usize..300) {
        let shown = sanitize::text(&text, max);
        prop_assert!(sanitize::is_clean(&shown));
        prop_assert!(shown.chars().count() <= max);
        prop_assert_eq!(sanitize::text(&shown, max), shown.clone());
        prop_assert_eq!(sanitize::for_terminal(&shown), shown);
    }

    #[test]
    fn a_status_set_reads_back_as_itself(text in "[0-9x, -]{0,20}|.{0,20}") {
        if let Ok(set) = StatusSet::parse(&text) {
            prop_assert_eq!(StatusSet::parse(&set.to_string()), Ok(set.clone()));
            prop_assert!(!set.contains(99) && !set.contains(600));
        }
    }

    #[test]
    fn written_ranges_are_read(low in 100u16..600, span in 0u16..100) {
        let high = (low + span).min(599);
        let set = StatusSet::parse(&format!("{low}-{high}")).unwrap();
        prop_assert!(set.contains(low) && set.contains(high));
        prop_assert!(!set.contains(low - 1) && !set.contains(high + 1));
    }

    #[test]
    fn durations_read_as_written(millis in 0u64..10_000_000) {
        let read = isitdown::cli::parse_duration(&format!("{millis}ms")).unwrap();
        prop_assert_eq!(read, Duration::from_millis(millis));
        let decimal = format!("{}.{:03}s", millis / 1000, millis % 1000);
        let read = isitdown::cli::parse_duration(&decimal).unwrap();
        prop_assert!((read.as_secs_f64() * 1000.0 - millis as f64).abs() < 0.001, "{decimal}: {read:?}");
    }

    #[test]
    fn any_duration_text_is_read_or_refused(text in ".{0,24}") {
        if let Ok(duration) = isitdown::cli::parse_duration(&text) {
            prop_assert!(duration.as_secs() < 1_000_000_000);
        }
    }

    #[test]
    fn timestamps_written_read_back(seconds in 0u64..253_402_300_799, millis in 0u32..1000) {
        let moment = UNIX_EPOCH + Duration::new(seconds, millis * 1_000_000);
        let written = isitdown::text::timestamp::rfc3339_millis(moment);
        prop_assert_eq!(isitdown::text::timestamp::parse(&written), Some(moment));
    }

    #[test]
    fn any_timestamp_text_keeps_its_promises(text in ".{0,40}") {
        isitdown::invariants::timestamp(text.as_bytes());
    }

    #[test]
    fn any_target_text_keeps_its_promises(text in ".{0,60}") {
        isitdown::invariants::target(text.as_bytes());
    }

    #[test]
    fn any_config_text_keeps_its_promises(text in "(\\[defaults\\]\n|\\[services.a\\]\nurl = \"http://x/\"\n)?[a-z_]{1,10} = (\"[^\"\n]{0,10}\"|[0-9]{1,4}|true)\n") {
        isitdown::invariants::config(text.as_bytes());
    }

    #[test]
    fn any_head_keeps_its_promises(cut in any::<u8>(), head in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut data = vec![cut];
        data.extend(b"HTTP/1.1 ");
        data.extend(head);
        isitdown::invariants::http_head(&data);
    }

    #[test]
    fn any_feed_keeps_its_promises(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        // The first byte picks the format: 8 is a feed.
        let mut data = vec![8];
        data.extend(b"<rss version=\"2.0\"><channel><item><title>");
        data.extend(body);
        data.extend(b"</title></item></channel></rss>");
        isitdown::invariants::status_page(&data);
    }

    #[test]
    fn any_status_page_keeps_its_promises(format in any::<u8>(), name in any::<String>(), status in any::<String>()) {
        let page = json!({"page": {"name": name}, "status": {"indicator": status, "description": name},
            "incidents": [{"name": name, "status": status, "impact": status, "shortlink": name,
                "components": [{"name": name}]}],
            "components": [{"name": name, "status": status, "id": name, "group_id": name}],
            "active_incidents": [{"title": name, "status": status, "services": [name]}]});
        let mut data = vec![format];
        data.extend(page.to_string().bytes());
        isitdown::invariants::status_page(&data);
    }

    #[test]
    fn any_history_keeps_its_promises(text in any::<String>(), link in "[a-z/]{0,3000}") {
        let when = "2026-09-01T10:00:00Z";
        // The first byte picks the format: 1 Slack, 5 Google, as arrays; 4 Better Stack.
        let listed = json!([
            {"title": text, "type": text, "status": text, "date_created": when,
             "date_updated": text, "services": [text, "API"], "url": link},
            {"external_desc": text, "begin": when, "end": text, "severity": text, "uri": link,
             "affected_products": [{"title": text}, {"title": "API"}]}
        ]);
        let reports = json!({"data": {"attributes": {"aggregate_state": text}}, "included": [
            {"type": "status_page_resource", "id": "1", "attributes": {"public_name": text}},
            {"type": "status_report", "id": "2", "attributes": {"title": text, "starts_at": when,
              "aggregate_state": "resolved", "report_type": text,
              "affected_resources": [{"status_page_resource_id": "1", "status": text}]},
             "relationships": {"status_updates": {"data": [{"id": "3"}, {"id": text}]}}},
            {"type": "status_update", "id": "3", "attributes": {"published_at": text}}
        ]});
        for (format, body) in [(1u8, &listed), (5, &listed), (4, &reports)] {
            let mut data = vec![format];
            data.extend(body.to_string().bytes());
            isitdown::invariants::status_page(&data);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// The real binary against a server whose words are anything at all.
    #[test]
    fn every_json_line_keeps_the_contract(
        status in 200u16..600,
        reason in "[^\r\n]{0,40}",
        header in "[^\r\n]{0,40}",
        incident in any::<String>(),
    ) {
        let server = TestServer::start();
        server.route("/", Reply::new(status).reason(&reason).header("Server", &header));
        let page = json!({"status": {"indicator": "minor", "description": incident},
            "incidents": [{"name": incident, "status": "investigating"}],
            "components": [{"name": incident, "status": "major_outage"}]});
        server.route("/api/v2/summary.json", Reply::json(200, &page.to_string()));
        let config = format!(
            "[services.svc]\nurl = \"{}\"\nstatus_page = \"{}\"\n",
            server.url("/"),
            server.url("")
        );
        let output = isitdown_with_config(&config)
            .args(["--json", "--count", "2", "-i", "0", "svc"])
            .output()
            .unwrap();
        // json_lines parses every line and checks it against the contract.
        let lines = json_lines(&output.stdout);
        prop_assert_eq!(lines.len(), 3);
    }
}
