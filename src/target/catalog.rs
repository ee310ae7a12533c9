//! The services isitdown knows by name: the embedded catalog (`catalog.toml`) plus the
//! user's own `[services]` from the config file, which win over built-in entries.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::probe::Method;

const EMBEDDED: &str = include_str!("catalog.toml");

/// One service: how to probe it and where its provider reports incidents.
/// The same shape serves the embedded catalog and the user's `[services.NAME]` tables.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// The name the service is known by (the table's key), lowercase.
    #[serde(skip)]
    pub key: String,
    /// Display name; the key when not given.
    pub name: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The probe URL.
    pub url: String,
    pub method: Option<Method>,
    /// Statuses that mean the service answers, in `--expect` syntax.
    pub expect: Option<String>,
    /// Text the body must contain.
    pub contains: Option<String>,
    /// The provider's status page, for people and, for Statuspage-compatible pages, its API base.
    pub status_page: Option<String>,
    pub status_format: Option<StatusFormat>,
    /// The status API endpoint, when it cannot be derived from `status_page`.
    pub status_api: Option<String>,
    /// Status page components this service depends on, matched by name.
    #[serde(default)]
    pub components: Vec<String>,
    /// For incident feeds that span many products: the product to keep.
    pub product: Option<String>,
    /// Why the probe reaches the service's own servers rather than a CDN's edge or cache.
    pub origin: Option<String>,
    /// How sure that is.
    pub confidence: Option<Confidence>,
    /// Groups the service belongs to (`ai`, `dev`, `cloud`...), for `@tag` targets.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Sibling probes of the same provider that a script can reach (its API, say), made
    /// alongside the main probe: when a bot wall answers the main probe, they decide.
    #[serde(default)]
    pub also: Vec<String>,
}

/// How a catalog row's probe is known to reach the origin.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Checked live on a connected machine.
    Verified,
    /// The provider's documentation or source says so.
    Documented,
    /// Reasoned from how the service is built; check it when you can.
    Inferred,
}

impl Service {
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.key)
    }

    /// Every name the service answers to, the key first.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.key.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    pub fn answers_to(&self, word: &str) -> bool {
        self.names().any(|name| name.eq_ignore_ascii_case(word))
    }
}

/// How a provider's status page publishes its state.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatusFormat {
    /// Atlassian Statuspage `/api/v2/summary.json`, and incident.io's compatible endpoint.
    Statuspage,
    Slack,
    Heroku,
    Statusio,
    Betterstack,
    /// Instatus's public `summary.json`.
    Instatus,
    GoogleCloud,
    GoogleWorkspace,
    Aws,
    /// An RSS 2.0 or Atom feed of incidents, at `status_api`.
    Feed,
    /// A page for people only: linked, never read.
    None,
}

/// The file shape shared by `catalog.toml` and the user's config (`[services.NAME]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    services: BTreeMap<String, Service>,
}

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// The user's entries first, then the built-in ones they do not replace.
    services: Vec<Service>,
    /// How many of them are the user's.
    mine: usize,
}

impl Catalog {
    /// The embedded catalog alone.
    pub fn builtin() -> Catalog {
        // The embedded file is checked by a unit test; should it ever be broken, the
        // catalog is empty rather than the program unusable for URLs.
        let services = toml::from_str::<CatalogFile>(EMBEDDED)
            .map(|file| keyed(file.services))
            .unwrap_or_default();
        Catalog { services, mine: 0 }
    }

    /// The embedded catalog with the user's services in front: theirs win.
    pub fn with_user_services(user: Vec<Service>) -> Catalog {
        let builtin = Catalog::builtin().services;
        let replaced = |service: &Service| user.iter().any(|mine| mine.key == service.key);
        let mut services = user.clone();
        services.extend(builtin.into_iter().filter(|s| !replaced(s)));
        Catalog {
            services,
            mine: user.len(),
        }
    }

    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// The service known by this name or alias, case-insensitively. The user's services
    /// first (their names are checked to be theirs alone), then the catalog's: a service's
    /// own name before another's alias.
    pub fn find(&self, word: &str) -> Option<&Service> {
        let (mine, builtin) = self.services.split_at(self.mine.min(self.services.len()));
        mine.iter()
            .find(|s| s.answers_to(word))
            .or_else(|| builtin.iter().find(|s| s.key.eq_ignore_ascii_case(word)))
            .or_else(|| builtin.iter().find(|s| s.answers_to(word)))
    }

    /// The known name closest to a mistyped word of three letters or more, when one is close
    /// enough to be meant.
    pub fn suggest(&self, word: &str) -> Option<&str> {
        crate::text::words::closest(word, self.services.iter().flat_map(Service::names))
    }
}

/// A catalog file that does not read: TOML's own message, and the line when it names one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadCatalog {
    #[error("line {line}: {message}")]
    AtLine { line: usize, message: String },
    #[error("{0}")]
    Whole(String),
}

/// A catalog read from text shaped like `catalog.toml`, alone (the catalog checker reads one).
pub fn parse(text: &str) -> Result<Catalog, BadCatalog> {
    toml::from_str::<CatalogFile>(text)
        .map(|file| Catalog {
            services: keyed(file.services),
            mine: 0,
        })
        .map_err(|e| match e.span() {
            Some(span) => BadCatalog::AtLine {
                line: crate::text::file::line_of(text, span.start),
                message: e.message().to_string(),
            },
            None => BadCatalog::Whole(e.message().to_string()),
        })
}

/// Services from a parsed `[services]` table, each knowing its own key.
pub fn keyed(table: BTreeMap<String, Service>) -> Vec<Service> {
    table
        .into_iter()
        .map(|(key, mut service)| {
            service.key = key.to_lowercase();
            service.aliases = service.aliases.iter().map(|a| a.to_lowercase()).collect();
            service.tags = service.tags.iter().map(|t| t.to_lowercase()).collect();
            service
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::expect::StatusSet;
    use std::collections::HashSet;

    #[test]
    fn the_embedded_catalog_is_complete_and_consistent() {
        let parsed: CatalogFile = toml::from_str(EMBEDDED).expect("catalog.toml parses");
        let services = keyed(parsed.services);
        assert!(services.len() >= 140, "only {} services", services.len());
        let mut seen = HashSet::new();
        for service in &services {
            assert!(
                service.name.is_some(),
                "{} has no display name",
                service.key
            );
            for name in service.names() {
                assert!(seen.insert(name.to_string()), "{name} is used twice");
            }
            assert!(!service.tags.is_empty(), "{} has no tag", service.key);
            for tag in &service.tags {
                let word = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
                assert!(tag.chars().all(word), "{}: tag {tag:?}", service.key);
            }
            if service.status_format == Some(StatusFormat::Feed) {
                assert!(
                    service.status_api.is_some(),
                    "{}: a feed needs its URL",
                    service.key
                );
            }
            let url = url::Url::parse(&service.url).expect("probe URL parses");
            assert!(matches!(url.scheme(), "http" | "https"), "{}", service.key);
            for sibling in &service.also {
                let sibling = url::Url::parse(sibling).expect("sibling URL parses");
                assert_eq!(sibling.scheme(), "https", "{}", service.key);
                assert_ne!(sibling.as_str(), url.as_str(), "{}", service.key);
            }
            if let Some(expect) = &service.expect {
                StatusSet::parse(expect).expect("expect parses");
            }
            if let Some(page) = &service.status_page {
                url::Url::parse(page).expect("status page URL parses");
            }
        }
    }

    #[test]
    fn names_and_aliases_are_case_insensitive() {
        let catalog = Catalog::builtin();
        assert_eq!(
            catalog.find("ChatGPT").map(|s| s.key.as_str()),
            Some("chatgpt")
        );
        assert_eq!(catalog.find("GH").map(|s| s.key.as_str()), Some("github"));
        assert!(catalog.find("no-such-service").is_none());
    }

    #[test]
    fn chatgpt_and_openai_share_a_page_but_not_components() {
        let catalog = Catalog::builtin();
        let (chat, api) = (
            catalog.find("chatgpt").unwrap(),
            catalog.find("openai").unwrap(),
        );
        assert_eq!(chat.status_page, api.status_page);
        assert!(chat.components.contains(&"Conversations".to_string()));
        assert!(api.components.contains(&"Chat Completions".to_string()));
        assert!(chat.components.iter().all(|c| !api.components.contains(c)));
    }

    #[test]
    fn web_apps_behind_walls_have_a_sibling_their_provider_answers() {
        let catalog = Catalog::builtin();
        for (key, sibling) in [
            ("chatgpt", "https://api.openai.com/v1/models"),
            ("claude", "https://api.anthropic.com/v1/models"),
        ] {
            let service = catalog.find(key).unwrap();
            assert_eq!(service.also, [sibling], "{key}");
        }
    }

    #[test]
    fn amazon_is_not_aws() {
        let catalog = Catalog::builtin();
        assert!(catalog.find("amazon").is_none_or(|s| s.key != "aws"));
    }

    #[test]
    fn close_misspellings_get_a_suggestion() {
        let catalog = Catalog::builtin();
        assert_eq!(catalog.suggest("chatgtp"), Some("chatgpt"));
        assert_eq!(catalog.suggest("githib"), Some("github"));
        assert_eq!(catalog.suggest("zzzzzzzz"), None);
        // Too short to mean anything in particular.
        assert_eq!(catalog.suggest("x"), None);
        assert_eq!(catalog.suggest("gx"), None);
    }

    #[test]
    fn user_services_replace_builtin_ones_of_the_same_name() {
        let mine = Service {
            key: "github".into(),
            name: Some("My GitHub".into()),
            aliases: vec![],
            url: "http://127.0.0.1:1/".into(),
            method: None,
            expect: None,
            contains: None,
            status_page: None,
            status_format: None,
            status_api: None,
            components: vec![],
            product: None,
            origin: None,
            confidence: None,
            tags: vec![],
            also: vec![],
        };
        let catalog = Catalog::with_user_services(vec![mine]);
        let github = catalog.find("github").unwrap();
        assert_eq!(github.display_name(), "My GitHub");
        assert_eq!(
            catalog
                .services()
                .iter()
                .filter(|s| s.key == "github")
                .count(),
            1
        );
    }
}
