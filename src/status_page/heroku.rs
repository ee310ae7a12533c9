//! Heroku's `api/v4/current-status`: traffic lights per system, and open incidents. Its
//! `scheduled` list keeps stale entries, so only the lights speak for maintenance.

use serde_json::Value;

use super::json::{link, list, sentence, text, time};
use super::{Component, Incident, Page, Severity};

/// Heroku's colours in words.
fn words(colour: &str) -> &'static str {
    match colour {
        "green" => "operational",
        "blue" => "under_maintenance",
        "red" => "major_outage",
        _ => "degraded_performance",
    }
}

fn light(colour: &str) -> Severity {
    match colour {
        "green" => Severity::Operational,
        "blue" => Severity::Maintenance,
        "red" => Severity::Major,
        _ => Severity::Minor,
    }
}

pub fn read(json: &Value) -> Option<Page> {
    let systems = json.get("status")?.as_array()?;
    let components = systems
        .iter()
        .filter_map(|item| {
            let status = text(item, "status")?.to_lowercase();
            Some(Component {
                name: text(item, "system")?,
                severity: light(&status),
                status: words(&status).to_string(),
                id: None,
                group_id: None,
            })
        })
        .collect();
    let incidents = list(json, "incidents")
        .iter()
        .filter(|item| {
            let state = text(item, "state")
                .unwrap_or_else(|| "open".into())
                .to_lowercase();
            state != "resolved" && state != "closed"
        })
        .filter_map(|item| {
            let updates = list(item, "updates");
            let colour = updates
                .first()
                .and_then(|u| text(u, "status_prod"))
                .unwrap_or_else(|| "yellow".into());
            Some(Incident {
                name: sentence(item, "title")?,
                severity: light(&colour).max(Severity::Minor),
                impact: Some(words(&colour).replace('_', " ")),
                status: text(item, "state"),
                started_at: time(item, "created_at"),
                url: link(item, "full_url"),
                components: vec![],
            })
        })
        .collect();
    Some(Page {
        provider: Some("Heroku".into()),
        indicator: None,
        description: None,
        incidents,
        components,
        overall: Severity::Operational,
        ..Page::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lights_become_components_and_open_incidents_count() {
        let page = read(&serde_json::json!({
            "status": [{"system": "Apps", "status": "yellow"}, {"system": "Data", "status": "blue"}],
            "incidents": [{"title": "Timeouts", "state": "open", "created_at": "2019-10-24T18:39:30.231Z",
                           "full_url": "https://status.heroku.com/incidents/1918"},
                          {"title": "Old", "state": "resolved"}],
            "scheduled": [{"title": "stale", "resolved": true}]
        }))
        .unwrap();
        assert_eq!(page.components[0].severity, Severity::Minor);
        assert_eq!(page.components[1].severity, Severity::Maintenance);
        assert_eq!(page.incidents.len(), 1);
    }
}
