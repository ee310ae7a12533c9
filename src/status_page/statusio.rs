//! status.io's public API: numeric codes (100 operational … 500 major disruption, 600 security).

use serde_json::Value;

use super::json::{list, sentence, text, time};
use super::{Component, Incident, Page, Severity};

/// status.io's codes in its own words.
fn words(value: Option<String>) -> Option<String> {
    let word = match value?.parse::<u32>().ok()? {
        100 => "operational",
        200 => "planned maintenance",
        300 => "degraded performance",
        400 => "partial service disruption",
        500 => "service disruption",
        600 => "security issue",
        _ => return None,
    };
    Some(word.to_string())
}

fn code(value: Option<String>) -> Severity {
    match value.and_then(|v| v.parse::<u32>().ok()) {
        Some(100) => Severity::Operational,
        Some(200) => Severity::Maintenance,
        Some(300) => Severity::Minor,
        Some(400) | Some(600) => Severity::Major,
        Some(500) => Severity::Critical,
        _ => Severity::Minor,
    }
}

pub fn read(json: &Value) -> Option<Page> {
    let result = json.get("result")?;
    let overall = result.get("status_overall");
    let components = list(result, "status")
        .iter()
        .filter_map(|item| {
            Some(Component {
                name: sentence(item, "name")?,
                status: text(item, "status").unwrap_or_default(),
                severity: code(text(item, "status_code")),
                id: None,
                group_id: None,
            })
        })
        .collect();
    let incident = |item: &Value, maintenance: bool| -> Option<Incident> {
        let latest = list(item, "messages").last();
        let severity = if maintenance {
            Severity::Maintenance
        } else {
            code(latest.and_then(|m| text(m, "status"))).max(Severity::Minor)
        };
        Some(Incident {
            name: sentence(item, "name")?,
            impact: words(latest.and_then(|m| text(m, "status"))),
            status: Some(if maintenance { "in progress" } else { "open" }.into()),
            started_at: time(item, "datetime_open")
                .or_else(|| time(item, "datetime_planned_start")),
            url: None,
            components: list(item, "components_affected")
                .iter()
                .filter_map(|c| sentence(c, "name"))
                .collect(),
            severity,
        })
    };
    let maintenance = result
        .get("maintenance")
        .map(|m| list(m, "active"))
        .unwrap_or(&[]);
    let incidents = list(result, "incidents")
        .iter()
        .filter_map(|i| incident(i, false))
        .chain(maintenance.iter().filter_map(|i| incident(i, true)))
        .collect();
    Some(Page {
        provider: None,
        indicator: overall.and_then(|o| text(o, "status_code")),
        description: overall.and_then(|o| text(o, "status")),
        incidents,
        components,
        overall: code(overall.and_then(|o| text(o, "status_code"))),
        ..Page::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_severities() {
        let page = read(&serde_json::json!({"result": {
            "status_overall": {"status": "Partial Service Disruption", "status_code": 400},
            "status": [{"name": "Registry", "status": "Operational", "status_code": 100}],
            "incidents": [{"name": "Builds stuck", "datetime_open": "2020-07-16T17:22:08.325Z",
                           "messages": [{"status": 400}], "components_affected": [{"name": "Builds"}]}],
            "maintenance": {"active": [], "upcoming": []}
        }}))
        .unwrap();
        assert_eq!(page.indicator.as_deref(), Some("400"));
        assert_eq!(page.overall, Severity::Major);
        assert_eq!(page.incidents[0].components, ["Builds"]);
        assert_eq!(page.components[0].severity, Severity::Operational);
    }
}
