//! Slack's `api/v2.0.0/current`: `ok` or `active` with the active incidents and the services
//! they touch; `api/v2.0.0/history`, the same incidents once they are over.

use serde_json::Value;

use super::json::{link, list, sentence, text, time};
use super::past::{touches, PastIncident};
use super::{Incident, Page, Severity};

/// Where the history is, beside the page.
pub const HISTORY_PATH: &str = "/api/v2.0.0/history";

pub fn read(json: &Value) -> Option<Page> {
    let status = text(json, "status")?;
    let incidents = list(json, "active_incidents")
        .iter()
        .filter(|item| {
            let state = text(item, "status").unwrap_or_default().to_lowercase();
            !matches!(
                state.as_str(),
                "resolved" | "completed" | "cancelled" | "scheduled"
            )
        })
        .filter_map(|item| {
            let kind = text(item, "type");
            Some(Incident {
                name: sentence(item, "title")?,
                severity: match kind.as_deref() {
                    Some("outage") => Severity::Major,
                    _ => Severity::Minor,
                },
                impact: kind,
                status: text(item, "status"),
                started_at: time(item, "date_created"),
                url: link(item, "url"),
                components: list(item, "services")
                    .iter()
                    .filter_map(|s| s.as_str())
                    .map(|s| crate::text::sanitize::text(s, crate::text::sanitize::SHORT))
                    .collect(),
            })
        })
        .collect();
    let overall = match status.to_lowercase().as_str() {
        "ok" => Severity::Operational,
        "broken" => Severity::Major,
        _ => Severity::Minor,
    };
    Some(Page {
        provider: Some("Slack".into()),
        indicator: Some(status),
        description: None,
        incidents,
        components: vec![],
        overall,
        ..Page::default()
    })
}

/// The history's incidents that touch the service's `components` (all, when it names none),
/// newest first as the list comes. Slack gives no time of resolution: an incident over is
/// taken as resolved when it was last updated; a notice (maintenance, an announcement) is
/// kept as one.
pub fn past(json: &Value, components: &[String]) -> Vec<PastIncident> {
    json.as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|item| {
            let state = text(item, "status").unwrap_or_default().to_lowercase();
            if state == "cancelled" {
                return None;
            }
            let services: Vec<String> = list(item, "services")
                .iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect();
            if !touches(&services, components) {
                return None;
            }
            let over = matches!(state.as_str(), "resolved" | "completed");
            let impact = match text(item, "type").as_deref() {
                Some("outage") => "major",
                Some("notice") => "notice",
                _ => "minor",
            };
            Some(PastIncident {
                name: sentence(item, "title")?,
                impact: Some(impact.into()),
                started_at: time(item, "date_created")?,
                said_at: None,
                resolved_at: over.then(|| time(item, "date_updated")).flatten(),
                url: link(item, "url"),
                post: false,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_incidents_name_their_services() {
        let page = read(&serde_json::json!({
            "status": "active",
            "active_incidents": [{
                "title": "Notifications delayed", "type": "incident", "status": "active",
                "date_created": "2020-07-30T15:12:34-07:00", "url": "https://slack-status.com/x",
                "services": ["Notifications"]
            }]
        }))
        .unwrap();
        assert_eq!(page.incidents[0].components, ["Notifications"]);
        assert_eq!(page.overall, Severity::Minor);
        let calm = read(&serde_json::json!({"status": "ok", "active_incidents": []})).unwrap();
        assert_eq!(calm.overall, Severity::Operational);
    }

    #[test]
    fn the_history_keeps_the_services_incidents_with_their_end() {
        let json = serde_json::json!([
            {"title": "Messages slow", "type": "incident", "status": "resolved",
             "date_created": "2026-11-30T08:00:00-08:00", "date_updated": "2026-11-30T09:30:00-08:00",
             "services": ["Messaging"], "url": "https://slack-status.com/2026-11/a"},
            {"title": "Huddles down", "type": "outage", "status": "active",
             "date_created": "2026-12-01T08:00:00-08:00", "date_updated": "2026-12-01T08:10:00-08:00",
             "services": ["Huddles"]},
            {"title": "Maintenance", "type": "notice", "status": "completed",
             "date_created": "2026-12-02T01:00:00-08:00", "date_updated": "2026-12-02T02:00:00-08:00",
             "services": []},
            {"title": "Called off", "type": "notice", "status": "cancelled",
             "date_created": "2026-12-03T01:00:00-08:00", "services": []}
        ]);
        let messaging = past(&json, &["messaging".to_string()]);
        let names: Vec<_> = messaging.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["Messages slow", "Maintenance"]);
        assert_eq!(
            messaging[0].resolved_at,
            crate::text::timestamp::parse("2026-11-30T17:30:00Z")
        );
        assert_eq!(messaging[1].impact.as_deref(), Some("notice"));
        let all = past(&json, &[]);
        assert_eq!(all.len(), 3);
        assert_eq!(
            (all[1].impact.as_deref(), all[1].resolved_at),
            (Some("major"), None)
        );
    }
}
