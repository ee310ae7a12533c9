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
mod slack;
mod statusio;
mod statuspage;

use std::time::SystemTime;

use crate::catalog::{Service, StatusFormat};

pub use fetch::read;

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

/// What the page says about one service: what the JSON `status_page` object carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub url: String,
    pub provider: Option<String>,
    pub indicator: Option<String>,
    pub description: Option<String>,
    pub incidents: Vec<Incident>,
    pub components: Vec<Component>,
    /// Why the page could not be read; then it says nothing about the service.
    pub error: Option<String>,
    pub severity: Severity,
    /// Judged by the service's own components, not by the page's overall word.
    pub narrowed: bool,
    /// A feed's latest entries, newest first.
    pub latest: Vec<Entry>,
    pub from_feed: bool,
}

impl Report {
    fn unreadable(source: &Source, error: String) -> Report {
        Report {
            url: source.page_url.clone(),
            provider: None,
            indicator: None,
            description: None,
            incidents: vec![],
            components: vec![],
            error: Some(error),
            severity: Severity::Operational,
            narrowed: false,
            latest: vec![],
            from_feed: false,
        }
    }

    pub fn is_readable(&self) -> bool {
        self.error.is_none()
    }

    /// Does the provider admit a problem with this service?
    pub fn admits_trouble(&self) -> bool {
        self.is_readable() && self.severity > Severity::Operational
    }

    /// Who speaks: the provider's name, or the page's host; "Mistral AI's status feed" for
    /// a feed, which is only what the provider last posted.
    pub fn who(&self) -> String {
        let who = self.provider.clone().unwrap_or_else(|| {
            url::Url::parse(&self.url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_else(|| "the status page".into())
        });
        if self.from_feed {
            format!("{who}'s status feed")
        } else {
            who
        }
    }

    /// What the feed last said: "latest from Mistral AI's status feed: 'Elevated error
    /// rates', 25 min ago".
    pub fn latest_words(&self, now: SystemTime) -> Option<String> {
        let entry = self.latest.first()?;
        let when = entry
            .updated
            .map(|at| format!(", {}", crate::timestamp::ago(at, now)))
            .unwrap_or_default();
        Some(format!(
            "latest from {}: '{}'{when}",
            self.who(),
            entry.title
        ))
    }

    /// The provider's words in one line: "OpenAI reports: Elevated error rates in ChatGPT".
    pub fn summary(&self) -> String {
        if let Some(error) = &self.error {
            return format!("status page unreadable: {error}");
        }
        if self.from_feed && self.incidents.is_empty() {
            return self
                .latest_words(SystemTime::now())
                .unwrap_or_else(|| format!("{} has no posts", self.who()));
        }
        let what = if let Some(first) = self.incidents.first() {
            match self.incidents.len() {
                1 => first.name.clone(),
                n => format!("{} (and {} more)", first.name, n - 1),
            }
        } else if self.severity > Severity::Operational {
            let troubled: Vec<String> = self
                .components
                .iter()
                .filter(|c| c.severity > Severity::Operational)
                .map(|c| format!("{} {}", c.name, c.status.replace('_', " ")))
                .collect();
            match (troubled.is_empty(), &self.description) {
                (false, _) => troubled.join(", "),
                (true, Some(description)) => description.clone(),
                (true, None) => "a problem".into(),
            }
        } else if self.narrowed && !self.components.is_empty() {
            // The page's overall word may be about other services; speak for this one.
            let names: Vec<&str> = self
                .components
                .iter()
                .map(|c| c.name.as_str())
                .take(3)
                .collect();
            let more = if self.components.len() > 3 {
                " and more"
            } else {
                ""
            };
            format!("{}{more} operational", names.join(", "))
        } else if self.narrowed {
            "no open incident for this service".into()
        } else {
            self.description
                .clone()
                .unwrap_or_else(|| "all operational".into())
        };
        format!("{} reports: {what}", self.who())
    }
}

/// Narrows a page to one service: its components (all when it names none), the incidents that
/// may touch them, and the worst of it all.
pub fn report(source: &Source, page: Result<Page, String>, service: &Service) -> Report {
    let page = match page {
        Ok(page) => page,
        Err(error) => return Report::unreadable(source, error),
    };
    let wanted: Vec<String> = service
        .components
        .iter()
        .map(|c| c.trim().to_lowercase())
        .collect();
    let product = service.product.as_deref().map(str::to_lowercase);
    let named = |name: &str| wanted.contains(&name.trim().to_lowercase());
    let groups: Vec<&str> = page
        .components
        .iter()
        .filter(|c| named(&c.name))
        .filter_map(|c| c.id.as_deref())
        .collect();
    let components: Vec<Component> = if wanted.is_empty() {
        page.components.clone()
    } else {
        page.components
            .iter()
            .filter(|c| {
                named(&c.name) || c.group_id.as_deref().is_some_and(|g| groups.contains(&g))
            })
            .cloned()
            .collect()
    };
    // A service that names its components is judged by them alone when the page can be
    // narrowed to them: its components are listed there, or (pages without components, like
    // Slack's) its incidents name what they touch. Otherwise the page's word is all there is.
    let names_components = page.incidents.iter().any(|i| !i.components.is_empty());
    let narrowed = product.is_some()
        || (!wanted.is_empty()
            && if page.components.is_empty() {
                names_components
            } else {
                !components.is_empty()
            });
    // An incident is ours when it touches a component we depend on, a group's members
    // included; on a page that cannot be narrowed, every open incident is.
    let ours: Vec<String> = components
        .iter()
        .map(|c| c.name.trim().to_lowercase())
        .chain(wanted.iter().cloned())
        .collect();
    let incidents: Vec<Incident> = page
        .incidents
        .iter()
        .filter(|i| match &product {
            Some(product) => i
                .components
                .iter()
                .any(|c| c.to_lowercase().contains(product.as_str())),
            // incident.io's incidents name no component; their titles often name the service.
            None if narrowed && i.components.is_empty() => mentions(&i.name, service, &wanted),
            None if narrowed => i
                .components
                .iter()
                .any(|c| ours.contains(&c.trim().to_lowercase())),
            None => true,
        })
        .cloned()
        .collect();
    let listed = components
        .iter()
        .map(|c| c.severity)
        .chain(incidents.iter().map(|i| i.severity));
    let overall = page.overall;
    let severity = if narrowed {
        listed.max()
    } else {
        listed.chain([overall]).max()
    }
    .unwrap_or_default();
    // A feed's title is rarely a name; the service's is.
    let provider = match page.from_feed {
        true => Some(service.display_name().to_string()),
        false => page.provider,
    };
    Report {
        url: source.page_url.clone(),
        provider,
        indicator: page.indicator,
        description: page.description,
        incidents,
        components,
        error: None,
        severity,
        narrowed,
        latest: page.latest,
        from_feed: page.from_feed,
    }
}

/// Whether an incident's title names the service or one of the components it depends on.
fn mentions(title: &str, service: &Service, wanted: &[String]) -> bool {
    let title = title.to_lowercase();
    let names = service
        .names()
        .map(str::to_lowercase)
        .chain(service.name.iter().map(|n| n.to_lowercase()));
    names
        .chain(wanted.iter().cloned())
        .any(|name| name.len() >= 3 && title.contains(&name))
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

    pub fn text(value: &Value, key: &str) -> Option<String> {
        match value.get(key)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
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
        crate::timestamp::parse(&text(value, key)?)
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
        let chat = report(&source, Ok(page.clone()), &service(&["conversations"]));
        assert_eq!(chat.severity, Severity::Operational);
        assert_eq!(chat.components.len(), 1);
        let api = report(&source, Ok(page.clone()), &service(&["API"]));
        assert_eq!(api.severity, Severity::Major);
        let everything = report(&source, Ok(page.clone()), &service(&[]));
        assert_eq!(everything.severity, Severity::Major);
        let renamed = report(&source, Ok(page), &service(&["Chat"]));
        assert_eq!(
            renamed.severity,
            Severity::Minor,
            "no named component on the page: the indicator speaks"
        );
    }
}
