//! What must hold for any input to each parser of outside data: no panic, bounded output, and
//! strings safe to show. The fuzz targets (`fuzz/`) feed these checks arbitrary bytes; the
//! test suite replays every input the fuzzers ever found through them. Each check panics when
//! the parser breaks its promise.
//!
//! Not part of a user's build: the module exists under `cfg(test)`, under cargo-fuzz's
//! `--cfg fuzzing`, and with the `testing` feature, which the integration tests turn on.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::probe::head::{self, HeadEnd, Sniff};
use crate::probe::Method;
use crate::status_page::{self, Indexed, Source, MAX_LISTED};
use crate::target::catalog::{Catalog, Service, StatusFormat};
use crate::text::sanitize::{self, is_clean};

/// The status page formats, in the order the first input byte picks them.
const FORMATS: [StatusFormat; 10] = [
    StatusFormat::Statuspage,
    StatusFormat::Slack,
    StatusFormat::Heroku,
    StatusFormat::Statusio,
    StatusFormat::Betterstack,
    StatusFormat::GoogleCloud,
    StatusFormat::GoogleWorkspace,
    StatusFormat::Aws,
    StatusFormat::Feed,
    StatusFormat::Instatus,
];

fn clean_and_within(text: &str, max_chars: usize, what: &str) {
    assert!(is_clean(text), "{what} is not safe to show: {text:?}");
    assert!(
        text.chars().count() <= max_chars,
        "{what} is longer than {max_chars} characters"
    );
}

/// A status page body in the format the first byte picks: every string of the page is safe
/// and bounded, and what it says about a service is bounded too.
pub fn status_page(data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let format = FORMATS[usize::from(pick) % FORMATS.len()];
    let source = Source {
        format,
        page_url: "https://status.example.com".into(),
        api_url: "https://status.example.com/api".into(),
    };
    let content_type = match format {
        StatusFormat::Feed => "application/rss+xml",
        _ => "application/json",
    };
    // The history the same body would be as the format's JSON history, where it has one.
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) {
        let service = Service {
            key: "svc".into(),
            url: "https://example.com".into(),
            components: vec!["API".into()],
            product: Some("api".into()),
            ..Service::default()
        };
        let past = status_page::past::of_json(format, &json, &source.page_url, &service);
        assert!(
            past.len() <= status_page::past::MAX_INCIDENTS,
            "a history is bounded"
        );
        for incident in &past {
            clean_and_within(&incident.name, sanitize::SENTENCE, "a past incident's name");
            if let Some(impact) = &incident.impact {
                clean_and_within(impact, sanitize::SHORT, "a past incident's impact");
            }
            if let Some(url) = &incident.url {
                clean_and_within(url, sanitize::URL, "a past incident's link");
            }
        }
    }
    let Ok(page) = status_page::parse(&source, content_type, body) else {
        return;
    };
    for text in [&page.provider, &page.indicator, &page.description]
        .into_iter()
        .flatten()
    {
        clean_and_within(text, sanitize::SENTENCE, "a page's word");
    }
    for incident in &page.incidents {
        clean_and_within(&incident.name, sanitize::SENTENCE, "an incident name");
        for text in [&incident.impact, &incident.status].into_iter().flatten() {
            clean_and_within(text, sanitize::SHORT, "an incident word");
        }
        if let Some(url) = &incident.url {
            clean_and_within(url, sanitize::URL, "an incident link");
        }
    }
    for entry in &page.latest {
        clean_and_within(&entry.title, sanitize::SENTENCE, "a feed entry");
        if let Some(url) = &entry.url {
            clean_and_within(url, sanitize::URL, "a feed link");
        }
    }
    for component in &page.components {
        clean_and_within(&component.name, sanitize::SENTENCE, "a component name");
        clean_and_within(&component.status, sanitize::SHORT, "a component status");
    }
    let indexed = Indexed::new(page);
    for components in [&[][..], &["API", "Chat"][..]] {
        let service = Service {
            key: format!("svc{}", components.len()),
            name: Some("Example".into()),
            url: "https://example.com".into(),
            components: components.iter().map(|c| c.to_string()).collect(),
            ..Service::default()
        };
        let report = indexed.report(&source, &service);
        assert!(report.components.len() <= MAX_LISTED);
        assert!(report.incidents.len() <= MAX_LISTED);
        assert!(report.components.len() <= report.components_total);
        assert!(report.incidents.len() <= report.incidents_total);
        assert_eq!(
            report.first_applies.is_some(),
            !report.incidents.is_empty(),
            "the first incident listed says why it counts"
        );
        let summary = report.summary();
        assert!(is_clean(&summary), "summary not safe: {summary:?}");
        assert!(
            summary.chars().count() < 6 * sanitize::SENTENCE,
            "summary unbounded"
        );
    }
}

/// Raw response bytes, cut into reads where the first byte says: the head is cleaned of every
/// control character but line ends, the body is left alone, and a reason phrase is bounded.
pub fn http_head(data: &[u8]) {
    let Some((&cut, bytes)) = data.split_first() else {
        return;
    };
    let mut cleaned = bytes.to_vec();
    let mut end = HeadEnd::default();
    end.start();
    let step = usize::from(cut).max(1);
    for chunk in cleaned.chunks_mut(step) {
        end.clean(chunk);
    }
    assert_eq!(cleaned.len(), bytes.len(), "cleaning keeps every byte");
    for (before, after) in bytes.iter().zip(&cleaned) {
        assert!(
            before == after || *after == b' ',
            "cleaning only blanks bytes"
        );
    }
    match head::final_status_line(bytes) {
        Sniff::Found(line) => {
            assert!(line.len() <= 1024, "a status line is bounded");
            assert!(!line.contains(&b'\n'));
            if let Some(reason) = head::reason_phrase(line) {
                let shown = sanitize::text(&reason, sanitize::SHORT);
                clean_and_within(&shown, sanitize::SHORT, "a reason phrase");
            }
        }
        Sniff::NeedMore | Sniff::GiveUp => {}
    }
}

/// A target as typed: a URL target is http(s), has a host and is not over the limit; a
/// refusal is one bounded sentence.
pub fn target(data: &[u8]) {
    target_among(data, &Catalog::builtin());
}

/// [`target`] with the catalog made once by the caller (reading it is most of the work).
pub fn target_among(data: &[u8], catalog: &Catalog) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    match crate::target::resolve(input, catalog) {
        Ok(target) => {
            assert!(matches!(target.url.scheme(), "http" | "https"));
            assert!(target.url.host_str().is_some_and(|h| !h.is_empty()));
            if target.service.is_none() {
                assert!(target.url.as_str().len() <= crate::target::MAX_URL_BYTES);
            }
            assert!(!target.name.is_empty(), "a target has a name");
            if target.url.password().is_some() || !target.url.username().is_empty() {
                assert!(
                    target.display_url().contains("***@"),
                    "credentials are hidden"
                );
                if target.service.is_none() {
                    assert!(
                        target.display_input().contains("***"),
                        "credentials are hidden"
                    );
                }
            }
        }
        Err(bad) => assert!(bad.0.chars().count() <= 1000, "a refusal is one sentence"),
    }
}

/// `--expect` and durations: whatever is accepted means what it says.
pub fn expect_and_duration(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(set) = crate::target::expect::StatusSet::parse(text) {
        assert!(!(0..100).any(|s| set.contains(s)) && !(600..1000).any(|s| set.contains(s)));
        let again = crate::target::expect::StatusSet::parse(&set.to_string());
        assert_eq!(
            again.as_ref().ok(),
            Some(&set),
            "a set reads back as itself"
        );
    }
    if let Ok(duration) = crate::cli::parse_duration(text) {
        assert!(duration < Duration::from_secs(1_000_000_000));
    }
}

/// A config file: read or refused with a sentence naming the file, never a panic.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(bad) = crate::cli::config::parse(text, Path::new("fuzz.toml")) {
        assert!(
            bad.0.contains("fuzz.toml"),
            "an error names the file: {bad}"
        );
    }
}

/// A timestamp: what is read lies in years 1970 to 9999 and reads back as itself.
pub fn timestamp(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(moment) = crate::text::timestamp::parse(text) else {
        return;
    };
    assert!(moment >= UNIX_EPOCH);
    let written = crate::text::timestamp::rfc3339(moment);
    let again = crate::text::timestamp::parse(&written).expect("what is written reads back");
    let whole_seconds = |t: SystemTime| t.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs());
    assert_eq!(whole_seconds(again), whole_seconds(moment));
    let _ = crate::text::clock::Clock::local().since(moment, SystemTime::now());
}

/// Answers of the Globalping API, as a scripted API gives them to one measurement: the first
/// byte picks the status of the answer to the request, the rest holds that answer's body and
/// the poll's body, split at the first NUL. The result is bounded, its counts add up, its
/// strings are safe to show, and the token never shows.
pub fn globalping_answer(data: &[u8]) {
    use std::sync::Mutex;
    use std::time::Instant;

    use crate::elsewhere::globalping::{self, Api, Locations, MeasurementRequest, Rules};
    use crate::probe::{ErrorKind, Failure, Request, Response};

    struct Scripted(Mutex<Vec<Response>>);
    impl Scripted {
        fn send(&self, _: &Request) -> Response {
            let mut left = self.0.lock().unwrap_or_else(|p| p.into_inner());
            // Once the script is played, the API stops answering.
            left.pop()
                .unwrap_or_else(|| Response::failed(Failure::new(ErrorKind::Reset, "no answer")))
        }
    }

    const TOKEN: &str = "fuzz-token-secret";
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let (created, polled) = match rest.iter().position(|&b| b == 0) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &b""[..]),
    };
    let status = [202, 200, 400, 422, 429, 500][usize::from(pick) % 6];
    let reset =
        ["120", "18446744073709551615", "-1", "1e9", "86401", ""][usize::from(pick / 6) % 6];
    let reply = |status: u16, body: &[u8]| {
        let headers = vec![
            ("etag".into(), "\"1\"".into()),
            ("x-ratelimit-reset".into(), reset.into()),
        ];
        Response::of(status, headers, body.to_vec())
    };
    let transport = Scripted(Mutex::new(vec![reply(200, polled), reply(status, created)]));
    let mut api = Api::new("https://api.globalping.test", Some(TOKEN.into()));
    api.poll_interval = Duration::ZERO;
    let Ok(locations) = Locations::parse("world:3,DE") else {
        panic!("fixed locations parse");
    };
    let Ok(url) = url::Url::parse("https://shop.example.com/health?x=1") else {
        panic!("a fixed URL parses");
    };
    let Ok(request) = MeasurementRequest::http(&url, Method::Get, &locations) else {
        panic!("a fixed request builds");
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    let send = |request: &Request| transport.send(request);
    let elsewhere = globalping::measure(&send, &api, &request, Rules::default(), deadline);

    let json = serde_json::to_string(&elsewhere).unwrap_or_default();
    assert!(!json.contains(TOKEN), "the token shows: {json}");
    // Nor in another case, nor with white space put inside it.
    let squeezed: String = json
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    assert!(
        !squeezed.contains(TOKEN),
        "a variant of the token shows: {json}"
    );
    if let Some(wait) = elsewhere.retry_after {
        assert!(
            wait <= Duration::from_secs(24 * 60 * 60),
            "a reset beyond a day"
        );
    }
    assert!(
        elsewhere.places.len() <= globalping::MAX_PROBES as usize,
        "more places than can be asked"
    );
    let counted = elsewhere.up + elsewhere.degraded + elsewhere.down + elsewhere.unknown;
    assert_eq!(counted as usize, elsewhere.places.len(), "counts add up");
    if let Some(error) = &elsewhere.error {
        clean_and_within(error, sanitize::SENTENCE * 2, "elsewhere's error");
    }
    for text in [&elsewhere.measurement, &elsewhere.url]
        .into_iter()
        .flatten()
    {
        clean_and_within(text, sanitize::URL, "a measurement's id or link");
    }
    for note in &elsewhere.notes {
        clean_and_within(note, sanitize::SENTENCE * 2, "a note");
    }
    for place in &elsewhere.places {
        for text in [
            &place.continent,
            &place.country,
            &place.city,
            &place.network,
            &place.address,
            &place.failure_source,
        ]
        .into_iter()
        .flatten()
        {
            clean_and_within(text, sanitize::SENTENCE, "a place's name");
        }
        clean_and_within(&place.reason, sanitize::SENTENCE * 2, "a place's reason");
        let t = place.timings_ms;
        for phase in [t.dns, t.connect, t.tls, t.first_byte, t.total]
            .into_iter()
            .flatten()
        {
            assert!(
                (0.0..=3_600_000.0).contains(&phase),
                "a timing of {phase} ms"
            );
        }
        if let Some(error) = &place.error {
            clean_and_within(&error.message, sanitize::SENTENCE * 2, "a place's error");
        }
    }
}

/// What a hook command printed, handed over in chunks of the sizes the first byte picks: at
/// most the bounded number of lines plus one line counting the rest, each cut to its bound and
/// safe to show, and the same lines however the pipe happened to split the bytes.
pub fn hook_output(data: &[u8]) {
    use crate::report::hook::{passed_on, PASSED_ON_BOUNDS};

    let Some((&chunk, output)) = data.split_first() else {
        return;
    };
    let (max_lines, max_line_bytes) = PASSED_ON_BOUNDS;
    let chunk = usize::from(chunk).max(1);
    let lines = passed_on(output.chunks(chunk));
    assert!(
        lines.len() <= max_lines + 1,
        "{} lines passed on",
        lines.len()
    );
    for line in &lines {
        // Each byte read becomes at most one character; a cut line gains its ellipsis.
        clean_and_within(line, max_line_bytes + 1, "a line of a hook's output");
    }
    if lines.len() == max_lines + 1 {
        let last = &lines[max_lines];
        assert!(
            last.starts_with("… ") && last.contains(" more line"),
            "{last:?}"
        );
    }
    assert_eq!(
        lines,
        passed_on([output]),
        "the lines depend on how the pipe split them"
    );
}
