//! `--from`: the probe from here, made again by Globalping's probes in other places, asked over
//! the crate's own HTTP client (`probe::send`), and the two answers told in one sentence.
//!
//! The API gets only what identifies the resource (see `globalping::MeasurementRequest`): never
//! the target's `-H` headers, credentials or cookies. Its own client trusts certificates as
//! usual even with `-k`, which is about the target, not the API.

pub mod globalping;
pub mod near;
pub mod pace;

use std::time::{Duration, Instant};

use url::Url;

use crate::elsewhere::globalping::{
    Api, Elsewhere, Locations, MeasurementRequest, Rules, DEFAULT_API, MARGIN,
};
use crate::elsewhere::near::NearSettings;
use crate::probe::{self, Client};
use crate::target::expect::StatusSet;
use crate::text::redact::redact_typed;

/// Where to ask from, and how to reach the API.
#[derive(Debug, Clone)]
pub struct FromElsewhere {
    /// The places `--from` names (with `--from near`, only until this machine's are learnt).
    pub locations: Locations,
    /// `--from near`: the places are picked around this machine.
    pub near: Option<NearSettings>,
    pub api: Api,
    /// For the API alone: verified TLS, no target headers, the probe's timeout.
    pub client: Client,
    /// `-k`: a certificate the places did not trust is no failure, as from here.
    pub insecure: bool,
    /// `--cacert`: a certificate the places did not trust may be from a CA only this machine
    /// knows, and is not judged there.
    pub private_ca: bool,
    /// `-4`/`-6`: the IP version the places use for a name.
    pub ip_version: Option<u8>,
    /// The probe's timeout, sent as the measurement's (within the API's range).
    pub timeout: Duration,
    /// Hidden `--test-globalping-margin`: how long past the measurement's timeout its results
    /// are waited for; [`MARGIN`] in real use.
    pub margin: Duration,
    /// Hidden `--test-globalping-interval`: how often a target may be measured again in
    /// repeated runs; [`pace::MIN_INTERVAL`] in real use.
    pub min_interval: Duration,
}

/// What to measure from elsewhere, and how to judge it.
#[derive(Debug, Clone, Copy)]
pub struct Job<'a> {
    pub url: &'a Url,
    pub method: probe::Method,
    pub expect: Option<&'a StatusSet>,
    pub cert_warn: Duration,
    pub probes: Probes<'a>,
}

/// Which probes a measurement asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probes<'a> {
    /// Places picked afresh.
    Fresh,
    /// Those of a repeated run's first measurement of the target, by its id: said in a note.
    Again(&'a str),
    /// Those of the measurement just made, for the URL its redirects end on: picked for this
    /// very question, so no note.
    SameAs(&'a str),
}

/// Where the API is and its token: the environment over the config file over the public API.
/// Empty values count as unset. The token is never part of an error.
pub fn api(
    config_url: Option<&str>,
    config_token: Option<&str>,
    env_url: Option<&str>,
    env_token: Option<&str>,
) -> Result<Api, BadApiUrl> {
    let base = match set(env_url) {
        Some(url) => {
            check_base(url).map_err(BadApiUrl)?;
            url
        }
        None => set(config_url).unwrap_or(DEFAULT_API),
    };
    let token = set(env_token).or(set(config_token)).map(str::to_string);
    Ok(Api::new(base, token))
}

/// A value that is there and not blank.
fn set(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// An API base that is not a web address: what was typed, its password hidden.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an http:// or https:// URL")]
pub struct BadBase(String);

/// `ISITDOWN_GLOBALPING_URL` set to something other than a web address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ISITDOWN_GLOBALPING_URL {0}")]
pub struct BadApiUrl(BadBase);

/// The API's base must be an http:// or https:// URL; the error never shows a password.
pub fn check_base(url: &str) -> Result<(), BadBase> {
    let web = Url::parse(url.trim())
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    match web {
        true => Ok(()),
        false => Err(BadBase(redact_typed(url))),
    }
}

impl FromElsewhere {
    /// A `FromElsewhere` for `locations` with the defaults of a plain run.
    pub fn new(locations: Locations, api: Api, client: Client) -> FromElsewhere {
        FromElsewhere {
            locations,
            near: None,
            api,
            timeout: client.timeout,
            client,
            insecure: false,
            private_ca: false,
            ip_version: None,
            margin: MARGIN,
            min_interval: pace::MIN_INTERVAL,
        }
    }

    /// Probes asked for, before any is (with `--from near`, the most it may ask).
    pub fn probes(&self) -> u32 {
        match &self.near {
            Some(_) => near::NETWORK_PROBES + near::COUNTRY_PROBES + near::WORLD_PROBES,
            None => self.locations.probes(),
        }
    }

    /// Measures the job's URL from the places asked for, judged as from here. The results
    /// are waited for until the measurement's timeout plus the margin. In repeated runs the
    /// first measurement's probes are asked again; if Globalping no longer knows it, new
    /// ones are picked, and the answer says so. Never fails: what went wrong is in `error`.
    pub fn ask(&self, job: &Job<'_>) -> Elsewhere {
        // Nothing is asked, not even where this machine is, for a target that cannot be.
        if let Err(why) = globalping::reachable_from_internet(job.url) {
            return Elsewhere::failed(self.probes(), why.to_string());
        }
        let Some(method) = method_of(job.method) else {
            return Elsewhere::failed(
                self.probes(),
                "only GET and HEAD can be checked from elsewhere",
            );
        };
        let send = |request: &probe::Request| probe::send(&self.client, request);
        let whereabouts = self.near.as_ref().map(|near| near.whereabouts(&send));
        let locations = match &whereabouts {
            Some(found) => found.locations(),
            None => self.locations.clone(),
        };
        let asked = locations.probes();
        let fresh = match MeasurementRequest::http(job.url, method, &locations) {
            Ok(request) => request
                .with_timeout(self.timeout)
                .with_ip_version(self.ip_version),
            Err(why) => return Elsewhere::failed(asked, why.to_string()),
        };
        let rules = Rules {
            expect: job.expect,
            insecure: self.insecure,
            private_ca: self.private_ca,
            cert_warn: job.cert_warn,
        };
        let measure = |request: &MeasurementRequest| {
            let deadline = Instant::now() + request.timeout() + self.margin;
            globalping::measure(&send, &self.api, request, rules, deadline)
        };
        let mut answer = match job.probes {
            Probes::Fresh => measure(&fresh),
            Probes::Again(id) | Probes::SameAs(id) => {
                let again = measure(&fresh.clone().on_probes_of(id));
                if again.refused_with == Some(422) {
                    // The API keeps a measurement for a while only: its probes are gone.
                    let mut answer = measure(&fresh);
                    answer.notes.push(format!(
                        "the probes of measurement {id} could not be asked again \
                         (Globalping no longer knows it): new ones were picked"
                    ));
                    answer
                } else {
                    let mut again = again;
                    if job.probes == Probes::Again(id) {
                        again
                            .notes
                            .push(format!("measured again on the probes of measurement {id}"));
                    }
                    again
                }
            }
        };
        if let Some(found) = &whereabouts {
            answer.notes.extend(found.missing.iter().cloned());
            if found.asn.is_none() || found.country.is_none() {
                answer.notes.push(
                    "asked from what could be learnt of this machine's place, and the world"
                        .to_string(),
                );
            }
            answer.near = Some(near::levels(found, &answer.places));
        }
        answer
    }
}

/// The method of a measurement elsewhere; a target is never probed with POST.
pub fn method_of(method: probe::Method) -> Option<probe::Method> {
    match method {
        probe::Method::Get | probe::Method::Head => Some(method),
        probe::Method::Post => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elsewhere::globalping;
    use crate::probe::{Request, Response};
    use crate::verdict::{self, Context, Criteria};
    use std::time::SystemTime;

    /// A Globalping API that creates the measurement, then finds it finished: one place,
    /// which got `status` from the target.
    fn one_place(status: u16) -> impl Fn(&Request) -> Response {
        move |request: &Request| {
            let body = match request.method {
                probe::Method::Post => r#"{"id": "m1", "probesCount": 1}"#.to_string(),
                _ => format!(
                    r#"{{"id": "m1", "status": "finished", "results": [{{
                        "probe": {{"continent": "EU", "country": "DE", "city": "Berlin",
                                   "asn": 3320, "network": "Example"}},
                        "result": {{"status": "finished", "statusCode": {status},
                                    "timings": {{"total": 12}}}}}}]}}"#
                ),
            };
            let code = if request.method == probe::Method::Post {
                202
            } else {
                200
            };
            let json = vec![("content-type".to_string(), "application/json".to_string())];
            Response::of(code, json, body.into_bytes())
        }
    }

    /// The state from elsewhere when the target answers `status` there. Its type is the one of
    /// the state from here: the two are compared as they are.
    fn state_elsewhere(status: u16, expect: Option<&StatusSet>) -> verdict::State {
        let mut api = Api::new("https://api.globalping.test", None);
        api.poll_interval = Duration::ZERO;
        let url = Url::parse("https://shop.example.com/").unwrap();
        let locations = Locations::parse("world:1").unwrap();
        let request = MeasurementRequest::http(&url, probe::Method::Get, &locations).unwrap();
        let rules = Rules {
            expect,
            insecure: false,
            ..Rules::default()
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        let elsewhere = globalping::measure(&one_place(status), &api, &request, rules, deadline);
        assert_eq!((elsewhere.error, elsewhere.places.len()), (None, 1));
        elsewhere.state
    }

    /// The state from here when the target answers `status`.
    fn state_here(status: u16, expect: Option<&StatusSet>) -> verdict::State {
        let seen = probe::Response::answered(status, Duration::from_millis(100));
        let criteria = Criteria {
            expect: expect.cloned(),
            ..Criteria::default()
        };
        verdict::judge(&seen, &criteria, Context::default(), SystemTime::now()).state
    }

    #[test]
    fn the_environment_wins_over_the_config_file() {
        let api = api(
            Some("http://127.0.0.1:1/"),
            Some("file-token"),
            Some("http://127.0.0.1:2"),
            Some("env-token"),
        )
        .unwrap();
        assert_eq!(api.base, "http://127.0.0.1:2");
        assert_eq!(api.redact("env-token file-token"), "*** file-token");
        let from_file = super::api(Some("http://127.0.0.1:1/"), Some("t"), Some(""), None).unwrap();
        assert_eq!(from_file.base, "http://127.0.0.1:1");
        assert!(from_file.has_token());
        let public = super::api(None, Some("  "), None, Some("")).unwrap();
        assert_eq!(public.base, DEFAULT_API);
        assert!(!public.has_token());
    }

    #[test]
    fn a_bad_api_url_is_one_sentence_without_its_password() {
        let error = api(None, None, Some("ftp://u:hunter2@x/"), None)
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("ISITDOWN_GLOBALPING_URL '"), "{error}");
        assert!(!error.contains("hunter2"), "{error}");
    }

    #[test]
    fn only_get_and_head_are_measured_elsewhere() {
        assert_eq!(method_of(probe::Method::Head), Some(probe::Method::Head));
        assert_eq!(method_of(probe::Method::Get), Some(probe::Method::Get));
        assert_eq!(method_of(probe::Method::Post), None);
    }

    #[test]
    fn an_answer_means_the_same_state_from_here_and_from_elsewhere() {
        // One judgement: an answer means the same state from here and from elsewhere, under
        // the same --expect.
        let (success, maintenance) = (
            StatusSet::parse("2xx").unwrap(),
            StatusSet::parse("503").unwrap(),
        );
        for expect in [None, Some(&success), Some(&maintenance)] {
            for status in [200, 204, 404, 429, 503] {
                assert_eq!(
                    state_elsewhere(status, expect),
                    state_here(status, expect),
                    "{status} under --expect {expect:?}"
                );
            }
        }
        assert_eq!(state_elsewhere(503, None), verdict::State::Down);
        assert_eq!(state_elsewhere(200, None), verdict::State::Up);
        assert_eq!(state_elsewhere(429, None), verdict::State::Degraded);
        assert_eq!(state_elsewhere(503, Some(&maintenance)), verdict::State::Up);
    }
}
