//! Better Stack's `index.json` (JSON:API). Reports keep `ends_at: null` after they are resolved,
//! so their `aggregate_state` says whether they are open; the same document lists the recent
//! reports that are over, which are the page's history.

use std::collections::HashMap;

use serde_json::Value;

use super::json::{list, sentence, text, time};
use super::past::{touches, PastIncident};
use super::{component_severity, Component, Incident, Page};

pub fn read(json: &Value) -> Option<Page> {
    let attributes = json.get("data")?.get("attributes")?;
    let resources: Vec<(Option<String>, Component)> = of_type(json, "status_page_resource")
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
    let incidents = of_type(json, "status_report")
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

/// The document's reports, open or over, that touch the service's `components` (all, when it
/// names none). A report over with no `ends_at` is taken as resolved at its last update.
pub fn past(json: &Value, components: &[String]) -> Vec<PastIncident> {
    // Indexed by id once: a page of thousands of reports is read in time proportional to it.
    let by_id = |kind: &'static str| -> HashMap<String, &Value> {
        of_type(json, kind)
            .filter_map(|item| Some((text(item, "id")?, item.get("attributes")?)))
            .collect()
    };
    let (resources, updates_by_id) = (by_id("status_page_resource"), by_id("status_update"));
    let name_of = |id: &str| text(resources.get(id)?, "public_name");
    let update_of = |id: &str| updates_by_id.get(id).copied();
    of_type(json, "status_report")
        .filter_map(|item| {
            let report = item.get("attributes")?;
            let updates: Vec<&Value> = item
                .get("relationships")
                .and_then(|r| r.get("status_updates"))
                .map(|u| list(u, "data"))
                .unwrap_or_default()
                .iter()
                .filter_map(|link| update_of(&text(link, "id")?))
                .collect();
            let affected = || {
                [report]
                    .into_iter()
                    .chain(updates.iter().copied())
                    .flat_map(|r| list(r, "affected_resources"))
            };
            let named: Vec<String> = affected()
                .filter_map(|r| name_of(&text(r, "status_page_resource_id")?))
                .collect();
            if !touches(&named, components) {
                return None;
            }
            let started_at = time(report, "starts_at")?;
            let over = matches!(
                text(report, "aggregate_state").as_deref(),
                Some("resolved" | "operational")
            );
            let last_update = updates.iter().filter_map(|u| time(u, "published_at")).max();
            let resolved_at = time(report, "ends_at")
                .or_else(|| over.then(|| last_update.unwrap_or(started_at).max(started_at)));
            let impact = if text(report, "report_type").as_deref() == Some("maintenance") {
                "maintenance"
            } else if affected().any(|r| text(r, "status").as_deref() == Some("downtime")) {
                "major"
            } else {
                "minor"
            };
            Some(PastIncident {
                name: sentence(report, "title")?,
                impact: Some(impact.into()),
                started_at,
                said_at: None,
                resolved_at,
                url: None,
                post: false,
            })
        })
        .collect()
}

/// The document's `included` items of one type.
fn of_type<'a>(json: &'a Value, kind: &'static str) -> impl Iterator<Item = &'a Value> {
    list(json, "included")
        .iter()
        .filter(move |item| text(item, "type").as_deref() == Some(kind))
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

    #[test]
    fn reports_over_end_at_their_last_update() {
        let json = serde_json::json!({
            "data": {"type": "status_page", "attributes": {"aggregate_state": "operational"}},
            "included": [
                {"type": "status_page_resource", "id": "7", "attributes": {"public_name": "Hub"}},
                {"type": "status_page_resource", "id": "8", "attributes": {"public_name": "Billing"}},
                {"type": "status_report", "id": "1", "attributes": {"title": "Hub down",
                  "report_type": "manual", "starts_at": "2026-09-04T13:50:00.000Z", "ends_at": null,
                  "aggregate_state": "resolved",
                  "affected_resources": [{"status_page_resource_id": "7", "status": "resolved"}]},
                 "relationships": {"status_updates": {"data": [
                     {"id": "51", "type": "status_update"}, {"id": "52", "type": "status_update"}]}}},
                {"type": "status_update", "id": "51", "attributes": {"published_at": "2026-09-04T14:00:00.000Z",
                  "affected_resources": [{"status_page_resource_id": "7", "status": "downtime"}]}},
                {"type": "status_update", "id": "52", "attributes": {"published_at": "2026-09-04T19:53:00.000Z",
                  "affected_resources": [{"status_page_resource_id": "7", "status": "operational"}]}},
                {"type": "status_report", "id": "2", "attributes": {"title": "Billing slow",
                  "starts_at": "2026-09-05T10:00:00.000Z", "aggregate_state": "degraded",
                  "affected_resources": [{"status_page_resource_id": "8", "status": "degraded"}]}}
            ]
        });
        let hub = past(&json, &["hub".to_string()]);
        assert_eq!(hub.len(), 1);
        assert_eq!(hub[0].impact.as_deref(), Some("major"));
        assert_eq!(
            hub[0].resolved_at,
            crate::text::timestamp::parse("2026-09-04T19:53:00Z")
        );
        let all = past(&json, &[]);
        assert_eq!(all.len(), 2);
        assert_eq!(
            (all[1].impact.as_deref(), all[1].resolved_at),
            (Some("minor"), None)
        );
        assert!(past(&Value::Null, &[]).is_empty());
    }
}
