//! Google Cloud and Google Workspace `incidents.json`: the whole history, where an incident with
//! no `end` is open. Each names the products it affects, which `product` narrows to.

use serde_json::Value;

use super::json::{link, list, sentence, text, time};
use super::past::PastIncident;
use super::{Incident, Page, Severity};

pub fn read(json: &Value, page_url: &str) -> Option<Page> {
    let incidents = json
        .as_array()?
        .iter()
        .filter(|item| text(item, "end").is_none())
        .filter_map(|item| incident(item, page_url))
        .collect();
    Some(Page {
        provider: Some("Google".into()),
        indicator: None,
        description: None,
        incidents,
        components: vec![],
        overall: Severity::Operational,
        ..Page::default()
    })
}

/// The whole history, open incidents included, of those that touch `product` (every one
/// without it).
pub fn past(json: &Value, page_url: &str, product: Option<&str>) -> Vec<PastIncident> {
    let product = product.map(str::to_lowercase);
    json.as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|item| {
            let incident = incident(item, page_url)?;
            let touched = product.as_ref().is_none_or(|product| {
                incident
                    .components
                    .iter()
                    .any(|c| c.to_lowercase().contains(product.as_str()))
            });
            if !touched {
                return None;
            }
            Some(PastIncident {
                impact: Some(impact_word(incident.severity).into()),
                started_at: incident.started_at?,
                said_at: time(item, "created"),
                resolved_at: time(item, "end"),
                name: incident.name,
                url: incident.url,
                post: false,
            })
        })
        .collect()
}

fn incident(item: &Value, page_url: &str) -> Option<Incident> {
    let impact = text(item, "status_impact");
    let severity = match text(item, "severity").as_deref() {
        Some("high") => Severity::Major,
        _ if impact.as_deref() == Some("SERVICE_OUTAGE") => Severity::Major,
        _ => Severity::Minor,
    };
    let uri = link(item, "uri");
    Some(Incident {
        name: sentence(item, "external_desc")?,
        impact,
        status: item
            .get("most_recent_update")
            .and_then(|u| text(u, "status")),
        started_at: time(item, "begin"),
        url: uri.map(|u| {
            let url = format!("{}/{}", base_of(page_url), u.trim_start_matches('/'));
            // The page's address and the link, each bounded, may not be together.
            crate::text::sanitize::text(&url, crate::text::sanitize::URL)
        }),
        components: list(item, "affected_products")
            .iter()
            .flat_map(|p| [sentence(p, "title"), text(p, "id")])
            .flatten()
            .collect(),
        severity,
    })
}

/// Statuspage's words for an impact, which the history shows for every page.
fn impact_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Major | Severity::Critical => "major",
        _ => "minor",
    }
}

/// `https://status.cloud.google.com/incidents.json` -> `https://status.cloud.google.com`.
fn base_of(url: &str) -> &str {
    url.find("://")
        .and_then(|scheme| {
            url[scheme + 3..]
                .find('/')
                .map(|slash| &url[..scheme + 3 + slash])
        })
        .unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_open_incidents_with_their_products() {
        let page = read(
            &serde_json::json!([
                {"external_desc": "Gmail delays", "begin": "2026-09-23T10:00:00+00:00", "severity": "medium",
                 "status_impact": "SERVICE_DISRUPTION", "uri": "incidents/abc",
                 "affected_products": [{"title": "Gmail", "id": "prPt2Yra2CbGsbEm9cpC"}]},
                {"external_desc": "Old", "begin": "2026-09-01T10:00:00+00:00", "end": "2026-09-01T12:00:00+00:00"}
            ]),
            "https://www.google.com/appsstatus/dashboard",
        )
        .unwrap();
        assert_eq!(page.incidents.len(), 1);
        assert_eq!(
            page.incidents[0].components,
            ["Gmail", "prPt2Yra2CbGsbEm9cpC"]
        );
        assert_eq!(
            page.incidents[0].url.as_deref(),
            Some("https://www.google.com/incidents/abc")
        );
    }

    #[test]
    fn the_past_holds_every_incident_of_the_product_with_its_end() {
        let json = serde_json::json!([
            {"external_desc": "Gmail delays", "begin": "2026-09-23T10:00:00+00:00",
             "severity": "medium", "affected_products": [{"title": "Gmail", "id": "g1"}]},
            {"external_desc": "Gmail down", "begin": "2026-09-01T10:00:00+00:00",
             "end": "2026-09-01T12:00:00+00:00", "severity": "high",
             "affected_products": [{"title": "Gmail", "id": "g1"}]},
            {"external_desc": "Drive slow", "begin": "2026-09-02T10:00:00+00:00",
             "end": "2026-09-02T11:00:00+00:00", "affected_products": [{"title": "Google Drive"}]},
            {"external_desc": "No beginning", "affected_products": [{"title": "Gmail"}]}
        ]);
        let gmail = past(
            &json,
            "https://www.google.com/appsstatus/dashboard/",
            Some("gmail"),
        );
        let names: Vec<_> = gmail.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["Gmail delays", "Gmail down"]);
        assert_eq!(gmail[0].resolved_at, None);
        assert_eq!(gmail[1].impact.as_deref(), Some("major"));
        assert_eq!(
            gmail[1].resolved_at,
            crate::text::timestamp::parse("2026-09-01T12:00:00Z")
        );
        assert_eq!(past(&json, "https://x", None).len(), 3);
        assert!(past(&Value::Null, "https://x", None).is_empty());
    }
}
