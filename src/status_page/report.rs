//! What a page says about one service, bounded for showing: the first components and incidents
//! and how many there are in all, and the worst of everything.

use std::time::SystemTime;

use super::{Component, Entry, Incident, Severity, Source};

/// The most components and incidents a report keeps; the totals say how many there were.
pub const MAX_LISTED: usize = 50;
/// How many troubled components one sentence names before "and N more".
const NAMED_IN_A_SENTENCE: usize = 3;

/// Why an open incident counts for a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    /// The page cannot be narrowed to the service: every open incident is its.
    Page,
    /// It touches one of the service's components.
    Components,
    /// Its title names the service or one of its components.
    Title,
    /// It names no component, and its title names no other part of the page.
    NoComponent,
}

/// What the page says about one service: what the JSON `status_page` object carries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub url: String,
    pub provider: Option<String>,
    pub indicator: Option<String>,
    pub description: Option<String>,
    /// The first [`MAX_LISTED`] of the open incidents that touch the service.
    pub incidents: Vec<Incident>,
    /// Why the first of `incidents` counts for the service: the summary says so when the
    /// incident names none of its components.
    pub first_applies: Option<Applies>,
    pub incidents_total: usize,
    /// At most [`MAX_LISTED`] of the service's components in page order, troubled ones kept
    /// first when some must go.
    pub components: Vec<Component>,
    pub components_total: usize,
    /// How many of all the service's components are not operational.
    pub troubled_total: usize,
    /// Why the page could not be read; then it says nothing about the service.
    pub error: Option<String>,
    /// The worst of every component and incident, listed or not.
    pub severity: Severity,
    /// Judged by the service's own components, not by the page's overall word.
    pub narrowed: bool,
    /// A feed's latest entries, newest first.
    pub latest: Vec<Entry>,
    pub from_feed: bool,
}

impl Report {
    pub fn unreadable(source: &Source, error: String) -> Report {
        Report {
            url: source.page_url.clone(),
            error: Some(error),
            ..Report::default()
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
            .map(|at| format!(", {}", crate::text::timestamp::ago(at, now)))
            .unwrap_or_default();
        Some(format!(
            "latest from {}: '{}'{when}",
            self.who(),
            entry.title
        ))
    }

    /// The components listed that are not operational.
    pub fn troubled(&self) -> impl Iterator<Item = &Component> {
        self.components
            .iter()
            .filter(|c| c.severity > Severity::Operational)
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
            // An incident that names nothing of the service says why it counts.
            let name = match self.first_applies {
                Some(Applies::NoComponent) => {
                    format!("an incident on the page names no component: {}", first.name)
                }
                _ => first.name.clone(),
            };
            match self.incidents_total.max(self.incidents.len()) {
                1 => name,
                n => format!("{name} (and {} more)", n - 1),
            }
        } else if self.severity > Severity::Operational {
            let troubled: Vec<String> = self
                .troubled()
                .take(NAMED_IN_A_SENTENCE)
                .map(|c| format!("{} {}", c.name, c.status.replace('_', " ")))
                .collect();
            let more = self.troubled_total.saturating_sub(troubled.len());
            match (troubled.is_empty(), &self.description) {
                (false, _) if more > 0 => format!("{} and {more} more", troubled.join(", ")),
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
                .take(NAMED_IN_A_SENTENCE)
                .collect();
            let more = if self.components_total > NAMED_IN_A_SENTENCE {
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

/// At most `limit` components in page order, the troubled ones kept first; only those kept
/// are copied (a page may list thousands).
pub(super) fn bounded(components: &[&Component], limit: usize) -> Vec<Component> {
    let troubled = components
        .iter()
        .filter(|c| c.severity > Severity::Operational)
        .count();
    let mut calm_room = limit.saturating_sub(troubled);
    let mut troubled_room = limit;
    components
        .iter()
        .filter(|c| {
            let room = if c.severity > Severity::Operational {
                &mut troubled_room
            } else {
                &mut calm_room
            };
            let keep = *room > 0;
            *room = room.saturating_sub(1);
            keep
        })
        .take(limit)
        .map(|c| (*c).clone())
        .collect()
}
