//! What the provider admitted in the past: its incident history, where the page publishes one.
//! Statuspage and incident.io list their latest incidents at `/api/v2/incidents.json`, each
//! with when it began, when it was resolved and its impact; Google's `incidents.json` is its
//! whole history; Slack keeps one at `/api/v2.0.0/history`; Better Stack's page lists its
//! recent reports; a feed's entries are its posts, each a moment, and status.io pages have a
//! feed. Heroku, Instatus and AWS publish only what is open now, and have no past here.

use std::time::{Instant, SystemTime};

use serde_json::Value;

use super::fetch::{get_json, read};
use super::json::{link, list, sentence, text, time};
use super::{betterstack, google, slack, PageError, Source};
use crate::probe::Client;
use crate::target::catalog::{Service, StatusFormat};

const INCIDENTS_PATH: &str = "/api/v2/incidents.json";
const SUMMARY_PATH: &str = "/api/v2/summary.json";
/// The most incidents kept from one page.
pub const MAX_INCIDENTS: usize = 200;

/// One incident the provider published, or one post of its feed.
#[derive(Debug, Clone, PartialEq)]
pub struct PastIncident {
    pub name: String,
    /// As the page says it (`none`, `minor`, `major`, `critical`); none for a feed's post.
    pub impact: Option<String>,
    pub started_at: SystemTime,
    /// When the page first said it, where that differs from its start (an incident dated back
    /// to when the trouble began is published later).
    pub said_at: Option<SystemTime>,
    /// When it was resolved; none while open, and for a post.
    pub resolved_at: Option<SystemTime>,
    pub url: Option<String>,
    /// A feed's post: a moment, not a span.
    pub post: bool,
}

impl PastIncident {
    /// Whether it says something went wrong: not a post, a maintenance or a notice. Only such
    /// an incident is expected to have reached this machine.
    pub fn says_trouble(&self) -> bool {
        !self.post
            && !matches!(
                self.impact.as_deref(),
                Some("maintenance" | "notice" | "none")
            )
    }

    /// When the provider first spoke of it.
    pub fn first_word(&self) -> SystemTime {
        self.said_at.unwrap_or(self.started_at)
    }
}

/// Whether this source has a history to read.
pub fn has_past(source: &Source) -> bool {
    use StatusFormat::*;
    match source.format {
        Statuspage | Feed | GoogleCloud | GoogleWorkspace | Slack | Betterstack => true,
        Statusio => statusio_feed(source).is_some(),
        Heroku | Instatus | Aws | None => false,
    }
}

/// A status.io page's feed: `https://api.status.io/1.0/status/ID` -> `PAGE/pages/ID/rss`.
fn statusio_feed(source: &Source) -> Option<Source> {
    let (_, id) = source
        .api_url
        .trim_end_matches('/')
        .rsplit_once("/status/")?;
    let id_like = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric());
    (id_like && source.page_url != source.api_url).then(|| Source {
        format: StatusFormat::Feed,
        page_url: source.page_url.clone(),
        api_url: format!("{}/pages/{id}/rss", source.page_url.trim_end_matches('/')),
    })
}

/// Whether an incident that names `named` may touch a service that depends on `components`:
/// yes when the service names none, when the incident names none, or when they share one.
pub fn touches(named: &[String], components: &[String]) -> bool {
    components.is_empty()
        || named.is_empty()
        || named
            .iter()
            .any(|n| components.iter().any(|c| c.eq_ignore_ascii_case(n.trim())))
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
        StatusFormat::Feed => posts(client, source),
        StatusFormat::Statusio => match statusio_feed(source) {
            Some(feed) => posts(client, &feed),
            None => Ok(Vec::new()),
        },
        StatusFormat::Heroku | StatusFormat::Instatus | StatusFormat::Aws | StatusFormat::None => {
            Ok(Vec::new())
        }
        json_history => {
            let json = get_json(client, &history_url(source), deadline)?;
            // Statuspage's history is a list of incidents, empty or not: an answer without
            // one is not that history, and says nothing of the provider's silence.
            let listed = json.get("incidents").is_some_and(Value::is_array);
            if json_history == StatusFormat::Statuspage && !listed {
                return Err(PageError::NotTheFormat);
            }
            Ok(of_json(json_history, &json, &source.page_url, service))
        }
    }
}

/// Where a JSON history is: Statuspage's incidents beside its summary, Slack's history beside
/// its current state, Google's and Better Stack's in the document the page is read from.
fn history_url(source: &Source) -> String {
    match source.format {
        StatusFormat::Statuspage => {
            let base = source
                .api_url
                .strip_suffix(SUMMARY_PATH)
                .unwrap_or(&source.page_url);
            format!("{base}{INCIDENTS_PATH}")
        }
        StatusFormat::Slack => match source.api_url.strip_suffix("/current") {
            Some(base) => format!("{base}/history"),
            None => format!("{}{}", source.page_url, slack::HISTORY_PATH),
        },
        _ => source.api_url.clone(),
    }
}

/// The incidents of a JSON history as `format` publishes it that touch the service (its
/// components, or Google's product), the newest [`MAX_INCIDENTS`] first; none for a format
/// with no JSON history.
pub fn of_json(
    format: StatusFormat,
    json: &Value,
    page_url: &str,
    service: &Service,
) -> Vec<PastIncident> {
    let mut found = match format {
        StatusFormat::Statuspage => incidents(json, &service.components),
        StatusFormat::GoogleCloud | StatusFormat::GoogleWorkspace => {
            google::past(json, page_url, service.product.as_deref())
        }
        StatusFormat::Slack => slack::past(json, &service.components),
        StatusFormat::Betterstack => betterstack::past(json, &service.components),
        _ => Vec::new(),
    };
    found.sort_by_key(|i| std::cmp::Reverse(i.started_at));
    found.truncate(MAX_INCIDENTS);
    found
}

/// A feed's entries, each a post at the moment it was last updated.
fn posts(client: &Client, source: &Source) -> Result<Vec<PastIncident>, PageError> {
    let page = read(client, source)?;
    Ok(page
        .latest
        .into_iter()
        .filter_map(|entry| {
            Some(PastIncident {
                started_at: entry.updated?,
                said_at: None,
                name: entry.title,
                impact: None,
                resolved_at: None,
                url: entry.url,
                post: true,
            })
        })
        .collect())
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
            touches(&named, components)
        })
        .filter_map(|item| {
            Some(PastIncident {
                name: sentence(item, "name")?,
                impact: text(item, "impact"),
                started_at: time(item, "started_at").or_else(|| time(item, "created_at"))?,
                said_at: time(item, "created_at"),
                resolved_at: time(item, "resolved_at"),
                url: link(item, "shortlink"),
                post: false,
            })
        })
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

    #[test]
    fn a_status_io_page_has_its_feed_beside_it() {
        let source = |api: &str| Source {
            format: StatusFormat::Statusio,
            page_url: "https://status.gitlab.com".into(),
            api_url: api.into(),
        };
        let gitlab = source("https://api.status.io/1.0/status/5b36dc6502d06804c08349f7");
        assert!(has_past(&gitlab));
        let feed = statusio_feed(&gitlab).unwrap();
        assert_eq!(feed.format, StatusFormat::Feed);
        assert_eq!(
            feed.api_url,
            "https://status.gitlab.com/pages/5b36dc6502d06804c08349f7/rss"
        );
        assert!(!has_past(&source("https://api.status.io/1.0/status/")));
    }

    #[test]
    fn touching_is_by_component_name_or_by_naming_none() {
        let api = ["API".to_string()];
        assert!(touches(&[" api ".to_string()], &api));
        assert!(touches(&[], &api));
        assert!(touches(&["Billing".to_string()], &[]));
        assert!(!touches(&["Billing".to_string()], &api));
    }
}
