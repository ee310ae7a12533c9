//! AWS Health `public/currentevents`: open events with string codes "0" to "3", each tied to a
//! service and region, which `product` (e.g. `us-east-1`) narrows to.

use serde_json::Value;

use super::json::{sentence, text, time};
use super::{Incident, Page, Severity};

pub fn read(json: &Value) -> Option<Page> {
    let incidents = json
        .as_array()?
        .iter()
        .filter_map(|event| {
            let severity = match text(event, "status").as_deref() {
                Some("0") => return None,
                Some("3") => Severity::Major,
                _ => Severity::Minor,
            };
            let name = match (text(event, "service_name"), sentence(event, "summary")) {
                (Some(service), Some(summary)) => format!("{service}: {summary}"),
                (service, summary) => service.or(summary)?,
            };
            Some(Incident {
                name,
                impact: text(event, "status"),
                status: Some("open".into()),
                started_at: time(event, "date"),
                url: None,
                components: [
                    text(event, "service"),
                    text(event, "region_name"),
                    text(event, "arn"),
                ]
                .into_iter()
                .flatten()
                .collect(),
                severity,
            })
        })
        .collect();
    Some(Page {
        provider: Some("AWS".into()),
        indicator: None,
        description: None,
        incidents,
        components: vec![],
        overall: Severity::Operational,
        ..Page::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_carry_service_and_region() {
        let page = read(&serde_json::json!([{
            "date": "1772369485", "arn": "arn:aws:health:me-central-1::event/X", "region_name": "UAE",
            "status": "3", "service": "multipleservices-me-central-1", "service_name": "Multiple services",
            "summary": "Region Availability"
        }]))
        .unwrap();
        assert_eq!(
            page.incidents[0].name,
            "Multiple services: Region Availability"
        );
        assert_eq!(page.incidents[0].severity, Severity::Major);
        assert!(page.incidents[0]
            .components
            .iter()
            .any(|c| c.contains("me-central-1")));
        assert!(read(&serde_json::json!([])).unwrap().incidents.is_empty());
    }
}
