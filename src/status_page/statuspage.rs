//! Atlassian Statuspage `/api/v2/summary.json`, and incident.io's compatible endpoint (which
//! leaves out components of incidents, and may send `null` where Statuspage sends `[]`).

use serde_json::Value;

use super::json::{link, list, sentence, text, time};
use super::{component_severity, impact_severity, indicator_severity, Component, Incident, Page};

/// Incident and maintenance states that mean it is over (or has not begun).
const CLOSED: &[&str] = &[
    "resolved",
    "postmortem",
    "completed",
    "scheduled",
    "cancelled",
];

pub fn read(json: &Value) -> Option<Page> {
    let status = json.get("status");
    if status.is_none() && json.get("components").is_none() && json.get("incidents").is_none() {
        return None;
    }
    let open = |item: &&Value| {
        let state = text(item, "status").unwrap_or_default().to_lowercase();
        !CLOSED.contains(&state.as_str())
    };
    let incidents = list(json, "incidents")
        .iter()
        .chain(list(json, "scheduled_maintenances"))
        .filter(open)
        .filter_map(|item| {
            let impact = text(item, "impact");
            Some(Incident {
                name: sentence(item, "name")?,
                severity: impact_severity(impact.as_deref()),
                impact,
                status: text(item, "status"),
                started_at: time(item, "started_at")
                    .or_else(|| time(item, "scheduled_for"))
                    .or_else(|| time(item, "created_at")),
                url: link(item, "shortlink"),
                components: list(item, "components")
                    .iter()
                    .filter_map(|c| sentence(c, "name"))
                    .collect(),
            })
        })
        .collect();
    let components = list(json, "components")
        .iter()
        .filter_map(|item| {
            let status = text(item, "status").unwrap_or_else(|| "operational".into());
            Some(Component {
                name: sentence(item, "name")?,
                severity: component_severity(&status),
                status,
                id: text(item, "id"),
                group_id: text(item, "group_id"),
            })
        })
        .collect();
    let indicator = status.and_then(|s| text(s, "indicator"));
    Some(Page {
        provider: json.get("page").and_then(|p| sentence(p, "name")),
        overall: indicator
            .as_deref()
            .map(indicator_severity)
            .unwrap_or_default(),
        indicator,
        description: status.and_then(|s| sentence(s, "description")),
        incidents,
        components,
        ..Page::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status_page::Severity;

    #[test]
    fn nulls_and_missing_arrays_are_empty() {
        let page = read(&serde_json::json!({
            "page": {"name": "OpenAI"},
            "status": {"indicator": "none", "description": "All Systems Operational"},
            "components": null,
            "incidents": null
        }))
        .unwrap();
        assert_eq!(page.provider.as_deref(), Some("OpenAI"));
        assert!(page.components.is_empty() && page.incidents.is_empty());
    }

    #[test]
    fn open_incidents_and_running_maintenance_count_but_scheduled_ones_do_not() {
        let page = read(&serde_json::json!({
            "status": {"indicator": "none"},
            "incidents": [
                {"name": "Open", "status": "investigating", "impact": "none", "started_at": "2026-09-23T10:11:12.836Z"},
                {"name": "Over", "status": "resolved", "impact": "major"}
            ],
            "scheduled_maintenances": [
                {"name": "Now", "status": "in_progress", "impact": "maintenance"},
                {"name": "Later", "status": "scheduled", "impact": "maintenance"}
            ],
            "components": [{"name": "API", "status": "full_outage", "id": "a"}]
        }))
        .unwrap();
        let names: Vec<&str> = page.incidents.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["Open", "Now"]);
        assert_eq!(
            page.incidents[0].severity,
            Severity::Minor,
            "an open incident is trouble whatever its impact"
        );
        assert_eq!(page.components[0].severity, Severity::Critical);
    }

    #[test]
    fn other_json_is_not_a_status_page() {
        assert!(read(&serde_json::json!({"hello": "world"})).is_none());
        assert!(read(&serde_json::json!([1, 2])).is_none());
    }
}
