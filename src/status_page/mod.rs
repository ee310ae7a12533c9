//! What the provider says: its status page, read in parallel with the probe, in whichever
//! format it publishes, and narrowed to the components of the service at hand.
//!
//! Readers are tolerant by design: `null` or missing arrays are empty, unknown words are
//! problems of the mildest kind, and nothing a page says can panic the program.

mod aws;
mod betterstack;
mod feed;
mod fetch;
mod google;
mod heroku;
mod instatus;
mod narrow;
pub mod past;
mod report;
mod slack;
mod statusio;
mod statuspage;

use std::time::SystemTime;

use crate::target::catalog::{Service, StatusFormat};

pub use fetch::{parse, read, read_indexed, PageError};
pub use narrow::Indexed;
pub use report::{Applies, Report, MAX_LISTED};

/// How bad things are, by the page's own words, mildest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Severity {
    #[default]
    Operational,
    Maintenance,
    Minor,
    Major,
    Critical,
}

/// Where and how to read a service's status.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    pub format: StatusFormat,
    /// The page people read.
    pub page_url: String,
    /// The machine-readable endpoint.
    pub api_url: String,
}

impl Source {
    /// The source of a catalog or config entry, if it has a readable one.
    pub fn of(service: &Service) -> Option<Source> {
        let page = service
            .status_page
            .as_deref()
            .map(|p| p.trim_end_matches('/'));
        let format = service.status_format.unwrap_or(StatusFormat::Statuspage);
        let derived = |path: &str| page.map(|p| format!("{p}{path}"));
        let api_url = match (&service.status_api, format) {
            (_, StatusFormat::None) => None,
            (Some(api), _) => Some(api.clone()),
            (None, StatusFormat::Statuspage) => derived("/api/v2/summary.json"),
            (None, StatusFormat::Slack) => derived("/api/v2.0.0/current"),
            (None, StatusFormat::Heroku) => derived("/api/v4/current-status"),
            (None, StatusFormat::Betterstack) => derived("/index.json"),
            (None, StatusFormat::Instatus) => derived("/summary.json"),
            (None, _) => None,
        }?;
        Some(Source {
            format,
            page_url: page.unwrap_or(&api_url).to_string(),
            api_url,
        })
    }
}

/// A whole page, as read, before narrowing to one service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// Who publishes it ("OpenAI"), when the page says.
    pub provider: Option<String>,
    pub indicator: Option<String>,
    pub description: Option<String>,
    /// Open incidents and maintenances in progress.
    pub incidents: Vec<Incident>,
    pub components: Vec<Component>,
    /// The page's overall word as a severity (operational where the page has none).
    pub overall: Severity,
    /// A feed's latest entries, newest first: context, whatever they say.
    pub latest: Vec<Entry>,
    /// Read from an RSS or Atom feed rather than a status API.
    pub from_feed: bool,
}

/// One post of a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub title: String,
    pub updated: Option<SystemTime>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub name: String,
    pub impact: Option<String>,
    pub status: Option<String>,
    pub started_at: Option<SystemTime>,
    pub url: Option<String>,
    /// The names of the components it affects, when the page says.
    pub components: Vec<String>,
    pub severity: Severity,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    pub name: String,
    pub status: String,
    pub severity: Severity,
    /// Identifiers that tie a group to its members (Statuspage).
    pub id: Option<String>,
    pub group_id: Option<String>,
}

/// What a page says about one service (see [`Indexed::report`]), or why it says nothing.
pub fn report(source: &Source, page: &Result<Indexed, PageError>, service: &Service) -> Report {
    match page {
        Ok(indexed) => indexed.report(source, service),
        Err(error) => Report::unreadable(source, error.to_string()),
    }
}

/// Statuspage's words, shared by the formats that borrowed them.
pub fn indicator_severity(word: &str) -> Severity {
    match word.trim().to_lowercase().as_str() {
        "none" | "operational" | "ok" | "up" | "green" => Severity::Operational,
        "maintenance" | "under_maintenance" => Severity::Maintenance,
        "major" => Severity::Major,
        "critical" => Severity::Critical,
        _ => Severity::Minor,
    }
}

pub fn component_severity(word: &str) -> Severity {
    match word.trim().to_lowercase().as_str() {
        "operational" | "" => Severity::Operational,
        "under_maintenance" | "maintenance" => Severity::Maintenance,
        "degraded_performance" | "degraded" => Severity::Minor,
        "partial_outage" => Severity::Major,
        "major_outage" | "full_outage" | "downtime" => Severity::Critical,
        _ => Severity::Minor,
    }
}

/// An open incident is trouble even when the page calls its impact "none".
pub fn impact_severity(word: Option<&str>) -> Severity {
    match word.map(|w| w.trim().to_lowercase()).as_deref() {
        Some("maintenance") => Severity::Maintenance,
        Some("major") => Severity::Major,
        Some("critical") => Severity::Critical,
        _ => Severity::Minor,
    }
}

/// Tolerant JSON access: what is missing, null or of another type is simply absent.
pub(crate) mod json {
    use serde_json::Value;

    use crate::text::sanitize;

    /// A word or a short value the page gives (a status, an id), made safe to show: every
    /// reader takes its words from here or from [`sentence`] and [`link`].
    pub fn text(value: &Value, key: &str) -> Option<String> {
        bounded(value, key, sanitize::SHORT)
    }

    /// A name, a title or a description, which may be a sentence or two.
    pub fn sentence(value: &Value, key: &str) -> Option<String> {
        bounded(value, key, sanitize::SENTENCE)
    }

    /// A link the page gives.
    pub fn link(value: &Value, key: &str) -> Option<String> {
        bounded(value, key, sanitize::URL)
    }

    fn bounded(value: &Value, key: &str, limit: usize) -> Option<String> {
        match value.get(key)? {
            Value::String(s) if !s.trim().is_empty() => Some(sanitize::text(s.trim(), limit)),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    pub fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
        value
            .get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn time(value: &Value, key: &str) -> Option<std::time::SystemTime> {
        crate::text::timestamp::parse(&text(value, key)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(components: &[&str]) -> Service {
        Service {
            key: "svc".into(),
            name: None,
            aliases: vec![],
            url: "https://example.com".into(),
            method: None,
            expect: None,
            contains: None,
            status_page: Some("https://status.example.com/".into()),
            status_format: None,
            status_api: None,
            components: components.iter().map(|c| c.to_string()).collect(),
            product: None,
            origin: None,
            confidence: None,
            tags: vec![],
            also: vec![],
        }
    }

    fn component(name: &str, status: &str) -> Component {
        Component {
            name: name.into(),
            status: status.into(),
            severity: component_severity(status),
            id: None,
            group_id: None,
        }
    }

    #[test]
    fn sources_are_derived_from_the_page() {
        let source = Source::of(&service(&[])).unwrap();
        assert_eq!(
            source.api_url,
            "https://status.example.com/api/v2/summary.json"
        );
        assert_eq!(source.page_url, "https://status.example.com");
        let mut none = service(&[]);
        none.status_format = Some(StatusFormat::None);
        assert_eq!(Source::of(&none), None);
    }

    #[test]
    fn a_service_is_judged_by_its_own_components() {
        let source = Source::of(&service(&[])).unwrap();
        let page = Page {
            indicator: Some("minor".into()),
            overall: Severity::Minor,
            components: vec![
                component("API", "partial_outage"),
                component("Conversations", "operational"),
            ],
            ..Page::default()
        };
        let page = Ok(Indexed::new(page));
        let chat = report(&source, &page, &service(&["conversations"]));
        assert_eq!(chat.severity, Severity::Operational);
        assert_eq!(chat.components.len(), 1);
        let mut api_service = service(&["API"]);
        api_service.key = "api".into();
        let api = report(&source, &page, &api_service);
        assert_eq!(api.severity, Severity::Major);
        let mut all = service(&[]);
        all.key = "all".into();
        let everything = report(&source, &page, &all);
        assert_eq!(everything.severity, Severity::Major);
        let mut renamed_service = service(&["Chat"]);
        renamed_service.key = "renamed".into();
        let renamed = report(&source, &page, &renamed_service);
        assert_eq!(
            renamed.severity,
            Severity::Minor,
            "no named component on the page: the indicator speaks"
        );
    }
}
