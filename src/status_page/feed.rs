//! Incident feeds (RSS 2.0 and Atom), for providers that publish nothing else. A feed has no
//! state, only posts: its latest entries are context, and an entry counts as trouble only
//! while it is open (nothing in it says "resolved") and fresh (updated within two hours).

use std::time::{Duration, SystemTime};

use super::{Entry, Incident, Page, Severity};
use crate::text::sanitize;

/// An open entry older than this is taken for one the provider forgot to close.
const FRESH_FOR: Duration = Duration::from_secs(2 * 3600);
/// The entries kept as context.
const LATEST: usize = 3;

/// Parses a feed, judged at `now`. Anything that is not a feed is `None`.
pub fn read(body: &[u8], now: SystemTime) -> Option<Page> {
    let feed = feed_rs::parser::parse(body).ok()?;
    let mut entries: Vec<(Entry, bool)> = feed
        .entries
        .into_iter()
        .filter_map(|entry| {
            let title = entry
                .title
                .map(|t| sanitize::text(t.content.trim(), sanitize::SENTENCE))?;
            let text = entry
                .summary
                .map(|s| s.content)
                .or_else(|| entry.content.and_then(|c| c.body))
                .unwrap_or_default();
            let resolved = format!("{title} {text}")
                .to_lowercase()
                .contains("resolved");
            let updated = entry.updated.or(entry.published).map(SystemTime::from);
            let url = entry
                .links
                .into_iter()
                .next()
                .map(|link| sanitize::text(&link.href, sanitize::URL));
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

    #[test]
    fn an_empty_channel_is_all_quiet_and_other_text_is_no_feed() {
        let empty = r#"<rss version="2.0"><channel><title>Azure status</title></channel></rss>"#;
        let page = read(empty.as_bytes(), SystemTime::now()).unwrap();
        assert!(page.latest.is_empty() && page.incidents.is_empty());
        assert!(read(b"{\"status\": \"ok\"}", SystemTime::now()).is_none());
    }
}
