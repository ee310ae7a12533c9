//! Narrowing a page to one service, in time proportional to the page: components are indexed
//! by name and groups by id once per page read, and what the page says about each service is
//! worked out once per page read too, however many probes ask.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Mutex;

use super::report::{bounded, Applies, Report, MAX_LISTED};
use super::{Component, Page, Severity, Source};
use crate::target::catalog::Service;

/// A page as read, with its index, and the reports already made from it, by service key.
#[derive(Debug, Default)]
pub struct Indexed {
    page: Page,
    /// Component positions by trimmed lowercase name.
    by_name: HashMap<String, Vec<usize>>,
    /// Component positions by the id of the group they belong to.
    members: HashMap<String, Vec<usize>>,
    reports: Mutex<HashMap<String, Report>>,
}

impl Indexed {
    pub fn new(page: Page) -> Indexed {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut members: HashMap<String, Vec<usize>> = HashMap::new();
        for (at, component) in page.components.iter().enumerate() {
            by_name.entry(key(&component.name)).or_default().push(at);
            if let Some(group) = &component.group_id {
                members.entry(group.clone()).or_default().push(at);
            }
        }
        Indexed {
            page,
            by_name,
            members,
            reports: Mutex::default(),
        }
    }

    /// What the page says about this service, worked out the first time it is asked.
    pub fn report(&self, source: &Source, service: &Service) -> Report {
        let mut reports = self.reports.lock().unwrap_or_else(|p| p.into_inner());
        reports
            .entry(service.key.clone())
            .or_insert_with(|| self.narrow(source, service))
            .clone()
    }

    /// The service's components (all when it names none), the incidents that may touch them,
    /// and the worst of it all.
    fn narrow(&self, source: &Source, service: &Service) -> Report {
        let page = &self.page;
        let wanted: Vec<String> = service.components.iter().map(|c| key(c)).collect();
        let product = service.product.as_deref().map(str::to_lowercase);
        let components: Vec<&Component> = if wanted.is_empty() {
            page.components.iter().collect()
        } else {
            // Named components, and the members of those that are groups, in page order.
            let mut picked = BTreeSet::new();
            for at in wanted.iter().filter_map(|w| self.by_name.get(w)).flatten() {
                picked.insert(*at);
                let id = page.components[*at].id.as_ref();
                picked.extend(id.and_then(|id| self.members.get(id)).into_iter().flatten());
            }
            picked.into_iter().map(|at| &page.components[at]).collect()
        };
        // A service that names its components is judged by them alone when the page can be
        // narrowed to them: its components are listed there, or (pages without components,
        // like Slack's) its incidents name what they touch. Otherwise the page's word is all.
        let names_components = page.incidents.iter().any(|i| !i.components.is_empty());
        let narrowed = product.is_some()
            || (!wanted.is_empty()
                && if page.components.is_empty() {
                    names_components
                } else {
                    !components.is_empty()
                });
        // An open incident is ours when it touches a component we depend on (a group's
        // members included), when its title names the service or one of its components, or
        // when it names no component and its title names no other part of the page; on a
        // page that cannot be narrowed, every open incident is.
        let ours: HashSet<String> = components
            .iter()
            .map(|c| key(&c.name))
            .chain(wanted.iter().cloned())
            .collect();
        let others: Vec<String> = page
            .components
            .iter()
            .map(|c| key(&c.name))
            .filter(|name| !ours.contains(name))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let (incidents, applies): (Vec<_>, Vec<_>) = page
            .incidents
            .iter()
            .filter_map(|i| {
                let applies = match &product {
                    Some(product) => i
                        .components
                        .iter()
                        .any(|c| c.to_lowercase().contains(product.as_str()))
                        .then_some(Applies::Components),
                    None if !narrowed => Some(Applies::Page),
                    None if i.components.iter().any(|c| ours.contains(&key(c))) => {
                        Some(Applies::Components)
                    }
                    None if mentions(&i.name, service, &wanted) => Some(Applies::Title),
                    None if i.components.is_empty() && !names_any(&i.name, &others) => {
                        Some(Applies::NoComponent)
                    }
                    None => None,
                };
                applies.map(|applies| (i, applies))
            })
            .unzip();
        let listed = components
            .iter()
            .map(|c| c.severity)
            .chain(incidents.iter().map(|i| i.severity));
        let severity = if narrowed {
            listed.max()
        } else {
            listed.chain([page.overall]).max()
        }
        .unwrap_or_default();
        let troubled_total = components
            .iter()
            .filter(|c| c.severity > Severity::Operational)
            .count();
        // A feed's title is rarely a name; the service's is.
        let provider = match page.from_feed {
            true => Some(service.display_name().to_string()),
            false => page.provider.clone(),
        };
        Report {
            url: source.page_url.clone(),
            provider,
            indicator: page.indicator.clone(),
            description: page.description.clone(),
            incidents_total: incidents.len(),
            incidents: incidents.into_iter().take(MAX_LISTED).cloned().collect(),
            first_applies: applies.first().copied(),
            components_total: components.len(),
            troubled_total,
            components: bounded(&components, MAX_LISTED),
            error: None,
            severity,
            narrowed,
            latest: page.latest.iter().take(MAX_LISTED).cloned().collect(),
            from_feed: page.from_feed,
        }
    }
}

/// Names are matched trimmed and without regard to case.
fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Whether an incident's title names the service or one of the components it depends on.
fn mentions(title: &str, service: &Service, wanted: &[String]) -> bool {
    let names: Vec<String> = service
        .names()
        .map(str::to_lowercase)
        .chain(service.name.iter().map(|n| n.to_lowercase()))
        .chain(wanted.iter().cloned())
        .collect();
    names_any(title, &names)
}

/// Whether a title names any of these (lowercase) names, as words: "API" is named in "the
/// API is slow", not in "rapid".
fn names_any(title: &str, names: &[String]) -> bool {
    let title = title.to_lowercase();
    names
        .iter()
        .filter(|name| name.chars().count() >= 3)
        .any(|name| {
            title.match_indices(name.as_str()).any(|(at, _)| {
                let before = title[..at].chars().next_back();
                let after = title[at + name.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status_page::Component;
    use crate::target::catalog::StatusFormat;

    #[test]
    fn a_page_is_narrowed_once_per_service_and_by_index() {
        let component = |name: &str, id: &str, group: Option<&str>, status: &str| Component {
            name: name.into(),
            status: status.into(),
            severity: crate::status_page::component_severity(status),
            id: Some(id.into()),
            group_id: group.map(str::to_string),
        };
        let page = Page {
            components: vec![
                component("API", "g", None, "operational"),
                component("Chat", "c", Some("g"), "major_outage"),
                component("Other", "o", None, "major_outage"),
            ],
            ..Page::default()
        };
        let indexed = Indexed::new(page);
        let source = Source {
            format: StatusFormat::Statuspage,
            page_url: "https://status.example.com".into(),
            api_url: "https://status.example.com/api/v2/summary.json".into(),
        };
        let service = Service {
            key: "svc".into(),
            components: vec![" api ".into()],
            ..Service::default()
        };
        let first = indexed.report(&source, &service);
        let names: Vec<&str> = first.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["API", "Chat"],
            "the group and its member, not the rest"
        );
        assert_eq!(first.severity, Severity::Critical);
        assert_eq!(indexed.report(&source, &service), first);
        assert_eq!(indexed.reports.lock().unwrap().len(), 1, "worked out once");
    }

    #[test]
    fn an_incident_applies_by_components_title_or_naming_nothing() {
        let component = |name: &str| Component {
            name: name.into(),
            status: "operational".into(),
            severity: Severity::Operational,
            id: None,
            group_id: None,
        };
        let incident = |name: &str, components: &[&str]| crate::status_page::Incident {
            name: name.into(),
            impact: Some("minor".into()),
            status: Some("investigating".into()),
            started_at: None,
            url: None,
            components: components.iter().map(|c| c.to_string()).collect(),
            severity: Severity::Minor,
        };
        let source = Source {
            format: StatusFormat::Statuspage,
            page_url: "https://status.example.com".into(),
            api_url: "https://status.example.com/api/v2/summary.json".into(),
        };
        let service = Service {
            key: "api".into(),
            name: Some("Example API".into()),
            components: vec!["API".into()],
            ..Service::default()
        };
        let cases = [
            (
                incident("Slow answers", &["API"]),
                Some(Applies::Components),
            ),
            (
                incident("Files and the API are slow", &["Files"]),
                Some(Applies::Title),
            ),
            (
                incident("Some services are slow", &[]),
                Some(Applies::NoComponent),
            ),
            (incident("Files are slow", &[]), None),
            (incident("Slow answers", &["Files"]), None),
            (incident("Rapid uploads fail", &["Files"]), None),
        ];
        for (incident, applies) in cases {
            let name = incident.name.clone();
            let page = Page {
                components: vec![component("API"), component("Files")],
                incidents: vec![incident],
                ..Page::default()
            };
            let report = Indexed::new(page).report(&source, &service);
            assert_eq!(report.first_applies, applies, "{name}");
            assert_eq!(report.incidents.is_empty(), report.first_applies.is_none());
        }
    }
}
