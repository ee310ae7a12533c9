//! Slack's `api/v2.0.0/current`: `ok` or `active` with the active incidents and the services they touch.

use serde_json::Value;

use super::json::{link, list, sentence, text, time};
use super::{Incident, Page, Severity};

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
}
