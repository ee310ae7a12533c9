//! Google Cloud and Google Workspace `incidents.json`: the whole history, where an incident with
//! no `end` is open. Each names the products it affects, which `product` narrows to.

use serde_json::Value;

use super::json::{link, list, sentence, text, time};
use super::{Incident, Page, Severity};

pub fn read(json: &Value, page_url: &str) -> Option<Page> {
    let incidents = json
        .as_array()?
        .iter()
        .filter(|item| text(item, "end").is_none())
        .filter_map(|item| {
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
                url: uri.map(|u| format!("{}/{}", base_of(page_url), u.trim_start_matches('/'))),
                components: list(item, "affected_products")
                    .iter()
                    .flat_map(|p| [sentence(p, "title"), text(p, "id")])
                    .flatten()
                    .collect(),
                severity,
            })
        })
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
}
