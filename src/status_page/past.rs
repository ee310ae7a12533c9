//! What the provider admitted in the past: its incident history, where the page publishes one.
//! Statuspage and incident.io list their latest incidents at `/api/v2/incidents.json`, each
//! with when it began, when it was resolved and its impact; a feed's entries are its posts,
//! each a moment. Other formats publish only what is open now, and have no past here.

use std::time::{Instant, SystemTime};

use serde_json::Value;

use super::fetch::{get_json, read};
use super::json::{link, list, sentence, text, time};
use super::{PageError, Source};
use crate::probe::Client;
use crate::target::catalog::{Service, StatusFormat};

const INCIDENTS_PATH: &str = "/api/v2/incidents.json";
const SUMMARY_PATH: &str = "/api/v2/summary.json";
/// The most incidents kept from one page.
const MAX_INCIDENTS: usize = 200;

/// One incident the provider published, or one post of its feed.
#[derive(Debug, Clone, PartialEq)]
pub struct PastIncident {
    pub name: String,
    /// As the page says it (`none`, `minor`, `major`, `critical`); none for a feed's post.
    pub impact: Option<String>,
    pub started_at: SystemTime,
    /// When it was resolved; none while open, and for a post.
    pub resolved_at: Option<SystemTime>,
    pub url: Option<String>,
    /// A feed's post: a moment, not a span.
    pub post: bool,
}

/// Whether this source has a history to read.
pub fn has_past(source: &Source) -> bool {
    matches!(source.format, StatusFormat::Statuspage | StatusFormat::Feed)
}

/// The page's incidents that touch the service, newest first; an empty list for a format with
/// no history.
pub fn read_past(
    client: &Client,
    source: &Source,
    service: &Service,
    deadline: Instant,
) -> Result<Vec<PastIncident>, PageError> {
    match source.format {
        StatusFormat::Statuspage => {
            let base = source
                .api_url
                .strip_suffix(SUMMARY_PATH)
                .unwrap_or(&source.page_url);
            let json = get_json(client, &format!("{base}{INCIDENTS_PATH}"), deadline)?;
            Ok(incidents(&json, &service.components))
        }
        StatusFormat::Feed => {
            let page = read(client, source)?;
            Ok(page
                .latest
                .into_iter()
                .filter_map(|entry| {
                    Some(PastIncident {
                        started_at: entry.updated?,
                        name: entry.title,
                        impact: None,
                        resolved_at: None,
                        url: entry.url,
                        post: true,
                    })
                })
                .collect())
        }
        _ => Ok(Vec::new()),
    }
}

/// Statuspage's `incidents` list: those that name none of the service's components are kept
/// only when they name no component at all (incident.io's never do).
pub fn incidents(json: &Value, components: &[String]) -> Vec<PastIncident> {
    list(json, "incidents")
        .iter()
        .filter(|item| {
            let named: Vec<String> = list(item, "components")
                .iter()
                .filter_map(|c| sentence(c, "name"))
                .collect();
            components.is_empty()
                || named.is_empty()
                || named
                    .iter()
                    .any(|n| components.iter().any(|c| c.eq_ignore_ascii_case(n)))
        })
        .filter_map(|item| {
            Some(PastIncident {
                name: sentence(item, "name")?,
                impact: text(item, "impact"),
                started_at: time(item, "started_at").or_else(|| time(item, "created_at"))?,
                resolved_at: time(item, "resolved_at"),
                url: link(item, "shortlink"),
                post: false,
            })
        })
        .take(MAX_INCIDENTS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incidents_keep_their_span_and_only_those_of_the_service() {
        let json: Value = serde_json::from_str(
            r#"{"incidents": [
                {"name": "API errors", "impact": "major", "created_at": "2026-12-01T08:10:00Z",
                 "resolved_at": "2026-12-01T09:50:00+00:00", "components": [{"name": "API"}]},
                {"name": "Billing slow", "impact": "minor", "created_at": "2026-12-02T08:00:00Z",
                 "components": [{"name": "Billing"}]},
                {"name": "Everything", "impact": null, "started_at": "2026-12-03T10:00:00Z",
                 "resolved_at": null, "components": null},
                {"name": "No time at all"}
            ]}"#,
        )
        .unwrap();
        let found = incidents(&json, &["api".to_string()]);
        let names: Vec<_> = found.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["API errors", "Everything"]);
        assert!(found[0].resolved_at.is_some() && found[1].resolved_at.is_none());
        assert_eq!(incidents(&json, &[]).len(), 3);
        assert!(incidents(&Value::Null, &[]).is_empty());
    }
}
