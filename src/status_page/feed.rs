//! Incident feeds (RSS 2.0 and Atom), for providers that publish nothing else. A feed has no
//! state, only posts: its latest entries are context, and an entry counts as trouble only
//! while it is open (nothing in it says "resolved") and fresh (updated within two hours).

mod posts;

use std::time::{Duration, SystemTime};

use super::{Entry, Incident, Page, Severity};
use crate::text::sanitize;

/// An open entry older than this is taken for one the provider forgot to close.
const FRESH_FOR: Duration = Duration::from_secs(2 * 3600);
/// The entries kept as context.
const LATEST: usize = 3;

/// Parses a feed, judged at `now`. Anything that is not a feed is `None`; a post without a
/// title is left out.
pub fn read(body: &[u8], now: SystemTime) -> Option<Page> {
    let mut entries: Vec<(Entry, bool)> = posts::read(body)?
        .into_iter()
        .filter_map(|post| {
            let title = post
                .title
                .map(|t| sanitize::text(t.trim(), sanitize::SENTENCE))
                .filter(|t| !t.is_empty())?;
            let text = post.summary.or(post.content).unwrap_or_default();
            let resolved = format!("{title} {text}")
                .to_lowercase()
                .contains("resolved");
            let updated = post.updated.or(post.published);
            let url = post.link.map(|link| sanitize::text(&link, sanitize::URL));
            Some((
                Entry {
                    title,
                    updated,
                    url,
                },
                resolved,
            ))
        })
        .collect();
    entries.sort_by_key(|(entry, _)| std::cmp::Reverse(entry.updated));
    let fresh = |updated: Option<SystemTime>| {
        updated.is_some_and(|at| now.duration_since(at).unwrap_or_default() <= FRESH_FOR)
    };
    let incidents: Vec<Incident> = entries
        .iter()
        .filter(|(entry, resolved)| !resolved && fresh(entry.updated))
        .map(|(entry, _)| Incident {
            name: entry.title.clone(),
            impact: None,
            status: Some("open".into()),
            started_at: entry.updated,
            url: entry.url.clone(),
            components: vec![],
            severity: Severity::Minor,
        })
        .collect();
    Some(Page {
        provider: None,
        indicator: None,
        description: entries.first().map(|(entry, _)| entry.title.clone()),
        overall: incidents
            .iter()
            .map(|i| i.severity)
            .max()
            .unwrap_or_default(),
        incidents,
        components: vec![],
        latest: entries
            .into_iter()
            .take(LATEST)
            .map(|(entry, _)| entry)
            .collect(),
        from_feed: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(stamp: &str) -> SystemTime {
        crate::text::timestamp::parse(stamp).unwrap()
    }

    /// Shaped like a status page's RSS 2.0 history: newest first, HTML in descriptions.
    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Mistral AI Status - Incident history</title>
    <link>https://status.mistral.ai</link>
    <description>Statuspage</description>
    <item>
      <title>Elevated error rates on Le Chat</title>
      <description>&lt;p&gt;&lt;small&gt;Sep &lt;var&gt;23&lt;/var&gt;&lt;/small&gt;&lt;br&gt;&lt;strong&gt;Investigating&lt;/strong&gt; - We are looking into it.&lt;/p&gt;</description>
      <pubDate>Wed, 23 Sep 2026 10:35:00 +0000</pubDate>
      <link>https://status.mistral.ai/incidents/01</link>
      <guid>https://status.mistral.ai/incidents/01</guid>
    </item>
    <item>
      <title>API latency</title>
      <description>&lt;strong&gt;Resolved&lt;/strong&gt; - This incident has been resolved.</description>
      <pubDate>Wed, 23 Sep 2026 09:00:00 +0000</pubDate>
      <link>https://status.mistral.ai/incidents/00</link>
    </item>
  </channel>
</rss>"#;

    /// Shaped like an Atom incident feed.
    const ATOM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-US">
  <id>tag:status.x.ai,2005:/history</id>
  <title>xAI Status - Incident History</title>
  <updated>2026-09-23T10:00:00Z</updated>
  <entry>
    <id>tag:status.x.ai,2005:Incident/2</id>
    <published>2026-09-22T08:00:00Z</published>
    <updated>2026-09-22T09:00:00Z</updated>
    <link rel="alternate" type="text/html" href="https://status.x.ai/incidents/2"/>
    <title>Grok API errors</title>
    <content type="html">&lt;strong&gt;Monitoring&lt;/strong&gt; - A fix is out.</content>
  </entry>
</feed>"#;

    #[test]
    fn a_recent_open_entry_is_trouble_and_resolved_ones_are_context() {
        let page = read(RSS.as_bytes(), at("2026-09-23T11:00:00Z")).unwrap();
        assert!(page.from_feed);
        assert_eq!(page.latest.len(), 2);
        assert_eq!(page.latest[0].title, "Elevated error rates on Le Chat");
        assert_eq!(
            page.latest[0].url.as_deref(),
            Some("https://status.mistral.ai/incidents/01")
        );
        let names: Vec<&str> = page.incidents.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["Elevated error rates on Le Chat"]);
        assert_eq!(page.overall, Severity::Minor);
    }

    #[test]
    fn an_open_entry_older_than_two_hours_is_only_context() {
        let page = read(RSS.as_bytes(), at("2026-09-23T13:00:00Z")).unwrap();
        assert!(page.incidents.is_empty());
        assert_eq!(page.overall, Severity::Operational);
        assert_eq!(page.latest.len(), 2);
    }

    #[test]
    fn atom_feeds_are_read_by_their_updated_time() {
        let page = read(ATOM.as_bytes(), at("2026-09-22T10:30:00Z")).unwrap();
        assert_eq!(page.latest[0].title, "Grok API errors");
        assert_eq!(page.latest[0].updated, Some(at("2026-09-22T09:00:00Z")));
        assert_eq!(page.incidents.len(), 1);
        let later = read(ATOM.as_bytes(), at("2026-09-22T11:30:00Z")).unwrap();
        assert!(later.incidents.is_empty());
    }

    /// Shaped like real feeds: Atlassian Statuspage's `history.rss` and `history.atom`, and
    /// Azure's status feed, quiet (an empty channel) and with an event (dates in RFC 822 with a
    /// `Z` zone, the description in CDATA, an Atom `updated` beside `pubDate`).
    const STATUSPAGE_RSS: &str = include_str!("feed/fixtures/statuspage-history.rss");
    const STATUSPAGE_ATOM: &str = include_str!("feed/fixtures/statuspage-history.atom");
    const AZURE_QUIET: &str = include_str!("feed/fixtures/azure-quiet.rss");
    const AZURE_ACTIVE: &str = include_str!("feed/fixtures/azure-active.rss");

    #[test]
    fn statuspage_history_feeds_read_alike() {
        let now = at("2026-09-23T11:00:00Z");
        let rss = read(STATUSPAGE_RSS.as_bytes(), now).unwrap();
        let atom = read(STATUSPAGE_ATOM.as_bytes(), now).unwrap();
        for page in [&rss, &atom] {
            let names: Vec<&str> = page.incidents.iter().map(|i| i.name.as_str()).collect();
            assert_eq!(names, ["Elevated error rates for chat completions"]);
            assert_eq!(
                page.incidents[0].url.as_deref(),
                Some("https://status.example.com/incidents/k3j9x1m2")
            );
            assert_eq!(
                page.description.as_deref(),
                Some("Elevated error rates for chat completions")
            );
            assert_eq!(page.overall, Severity::Minor);
        }
        // RSS has only the time of the first post; Atom has the latest update.
        assert_eq!(rss.latest[0].updated, Some(at("2026-09-23T10:12:44Z")));
        assert_eq!(atom.latest[0].updated, Some(at("2026-09-23T10:41:03Z")));
        let titles: Vec<&str> = rss.latest.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Elevated error rates for chat completions",
                "Scheduled maintenance of the billing database",
                "Login failures for SSO users"
            ]
        );
    }

    #[test]
    fn azure_s_feed_is_read_quiet_and_active() {
        let now = at("2026-09-23T11:00:00Z");
        let quiet = read(AZURE_QUIET.as_bytes(), now).unwrap();
        assert!(quiet.latest.is_empty() && quiet.incidents.is_empty());
        assert_eq!(quiet.overall, Severity::Operational);
        let active = read(AZURE_ACTIVE.as_bytes(), now).unwrap();
        assert_eq!(
            active.incidents[0].name,
            "Azure Front Door - Intermittent connectivity issues \u{2013} West Europe"
        );
        assert_eq!(active.latest[0].updated, Some(at("2026-09-23T10:44:00Z")));
        assert_eq!(
            active.latest[0].url.as_deref(),
            Some("https://azure.status.microsoft/en-us/status")
        );
    }

    #[test]
    fn an_empty_channel_is_all_quiet_and_other_text_is_no_feed() {
        let empty = r#"<rss version="2.0"><channel><title>Azure status</title></channel></rss>"#;
        let page = read(empty.as_bytes(), SystemTime::now()).unwrap();
        assert!(page.latest.is_empty() && page.incidents.is_empty());
        assert!(read(b"{\"status\": \"ok\"}", SystemTime::now()).is_none());
    }
}
