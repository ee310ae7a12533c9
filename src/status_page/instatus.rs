//! Instatus's public `summary.json`: the page's word (UP, HASISSUES, UNDERMAINTENANCE) and its
//! active incidents and maintenances, in upper-case words. Empty lists are left out, and the
//! summary names no components (those are another request, left unread).

use serde_json::Value;

use super::json::{link, list, sentence, text, time};
use super::{Incident, Page, Severity};

/// The page's overall word.
fn overall(word: Option<&str>) -> Severity {
    match word {
        Some("UP") => Severity::Operational,
        Some("UNDERMAINTENANCE") => Severity::Maintenance,
        _ => Severity::Minor,
    }
}

/// An open incident's impact; an open incident is trouble even when it says OPERATIONAL.
fn impact(word: Option<&str>) -> Severity {
    match word {
        Some("PARTIALOUTAGE") => Severity::Major,
        Some("MAJOROUTAGE") => Severity::Critical,
        _ => Severity::Minor,
    }
}

/// Instatus's words as people read them: "PARTIALOUTAGE" is "partial outage".
fn words(word: &str) -> String {
    match word {
        "UP" => "operational",
        "HASISSUES" => "has issues",
        "UNDERMAINTENANCE" => "under maintenance",
        "DEGRADEDPERFORMANCE" => "degraded performance",
        "PARTIALOUTAGE" => "partial outage",
        "MAJOROUTAGE" => "major outage",
        "OPERATIONAL" => "operational",
        "INVESTIGATING" => "investigating",
        "IDENTIFIED" => "identified",
        "MONITORING" => "monitoring",
        "INPROGRESS" => "in progress",
        other => return other.to_lowercase(),
    }
    .to_string()
}

pub fn read(json: &Value) -> Option<Page> {
    let page = json.get("page")?;
    let status = text(page, "status")?;
    let incidents = list(json, "activeIncidents")
        .iter()
        .filter(|i| text(i, "status").as_deref() != Some("RESOLVED"))
        .filter_map(|item| {
            let level = text(item, "impact");
            Some(Incident {
                name: sentence(item, "name")?,
                severity: impact(level.as_deref()),
                impact: level.as_deref().map(words),
                status: text(item, "status").as_deref().map(words),
                started_at: time(item, "started"),
                url: link(item, "url"),
                components: vec![],
            })
        });
    let maintenances = list(json, "activeMaintenances")
        .iter()
        .filter(|m| text(m, "status").as_deref() == Some("INPROGRESS"))
        .filter_map(|item| {
            Some(Incident {
                name: sentence(item, "name")?,
                severity: Severity::Maintenance,
                impact: Some("maintenance".into()),
                status: Some(words("INPROGRESS")),
                started_at: time(item, "start"),
                url: link(item, "url"),
                components: vec![],
            })
        });
    Some(Page {
        provider: sentence(page, "name"),
        indicator: Some(status.clone()),
        description: Some(words(&status)),
        incidents: incidents.chain(maintenances).collect(),
        overall: overall(Some(status.as_str())),
        ..Page::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn a_calm_page_leaves_its_lists_out() {
        let page = read(&serde_json::json!({"page": {"name": "Railway", "url":
            "https://status.railway.com", "status": "UP"}}))
        .unwrap();
        assert_eq!(page.overall, Severity::Operational);
        assert_eq!(page.provider.as_deref(), Some("Railway"));
        assert!(page.incidents.is_empty());
    }

    #[test]
    fn open_incidents_and_maintenances_in_progress_count() {
        let page = read(&fixture("instatus-issues.json")).unwrap();
        assert_eq!(page.overall, Severity::Minor);
        assert_eq!(page.indicator.as_deref(), Some("HASISSUES"));
        let names: Vec<&str> = page.incidents.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            ["Deploys stuck in the build queue", "Database migration"],
            "resolved incidents and maintenances not started are left out"
        );
        let deploys = &page.incidents[0];
        assert_eq!(deploys.severity, Severity::Major);
        assert_eq!(deploys.impact.as_deref(), Some("partial outage"));
        assert_eq!(deploys.status.as_deref(), Some("identified"));
        assert!(deploys.started_at.is_some());
        assert_eq!(page.incidents[1].severity, Severity::Maintenance);
    }

    #[test]
    fn what_is_not_instatus_is_refused() {
        assert!(read(&serde_json::json!({"status": {"indicator": "none"}})).is_none());
        assert!(read(&serde_json::json!({"page": {"name": "x"}})).is_none());
    }
}
