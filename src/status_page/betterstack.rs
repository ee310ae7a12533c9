//! Better Stack's `index.json` (JSON:API). Reports keep `ends_at: null` after they are resolved,
//! so their `aggregate_state` says whether they are open.

use serde_json::Value;

use super::json::{list, sentence, text, time};
use super::{component_severity, Component, Incident, Page};

pub fn read(json: &Value) -> Option<Page> {
    let attributes = json.get("data")?.get("attributes")?;
    let included = list(json, "included");
    let of_type = |kind: &'static str| {
        included
            .iter()
            .filter(move |item| text(item, "type").as_deref() == Some(kind))
    };
    let resources: Vec<(Option<String>, Component)> = of_type("status_page_resource")
        .filter_map(|item| {
            let fields = item.get("attributes")?;
            let status = text(fields, "status").unwrap_or_else(|| "operational".into());
            let component = Component {
                name: text(fields, "public_name")?,
                severity: component_severity(&status),
                status,
                id: None,
                group_id: None,
            };
            Some((text(item, "id"), component))
        })
        .collect();
    // Reports name the resources they affect by id.
    let name_of = |id: Option<String>| {
        resources
            .iter()
            .find(|(rid, _)| rid.is_some() && *rid == id)
            .map(|(_, c)| c.name.clone())
    };
    let incidents = of_type("status_report")
        .filter_map(|item| item.get("attributes"))
        .filter(|report| {
            !matches!(
                text(report, "aggregate_state").as_deref(),
                Some("resolved" | "operational")
            )
        })
        .filter_map(|report| {
            let state = text(report, "aggregate_state");
            Some(Incident {
                name: sentence(report, "title")?,
                severity: component_severity(state.as_deref().unwrap_or("degraded")),
                impact: state.clone(),
                status: state,
                started_at: time(report, "starts_at"),
                url: None,
                components: list(report, "affected_resources")
                    .iter()
                    .filter_map(|r| name_of(text(r, "status_page_resource_id")))
                    .collect(),
            })
        })
        .collect();
    let components = resources.into_iter().map(|(_, c)| c).collect();
    let state = text(attributes, "aggregate_state");
    Some(Page {
        provider: text(attributes, "company_name"),
        overall: state.as_deref().map(component_severity).unwrap_or_default(),
        indicator: state,
        description: None,
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
    fn resolved_reports_with_no_end_are_closed() {
        let page = read(&serde_json::json!({
            "data": {"type": "status_page", "attributes": {"company_name": "HF", "aggregate_state": "degraded"}},
            "included": [
                {"type": "status_page_resource", "id": "7", "attributes": {"public_name": "Hub", "status": "degraded"}},
                {"type": "status_report", "attributes": {"title": "Old", "ends_at": null, "aggregate_state": "resolved"}},
                {"type": "status_report", "attributes": {"title": "Slow Hub", "starts_at": "2026-09-04T13:50:00.000Z", "aggregate_state": "degraded",
                 "affected_resources": [{"status_page_resource_id": "7", "status": "degraded"}]}}
            ]
        }))
        .unwrap();
        assert_eq!(page.incidents.len(), 1);
        assert_eq!(page.incidents[0].name, "Slow Hub");
        assert_eq!(page.incidents[0].components, ["Hub"]);
        assert_eq!(page.overall, Severity::Minor);
        assert_eq!(page.components[0].name, "Hub");
    }
}
