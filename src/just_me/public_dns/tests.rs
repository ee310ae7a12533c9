use super::*;

use std::sync::Mutex;

use crate::probe::{ErrorKind, Failure};

const CLOUDFLARE: &str = "https://1.1.1.1/dns-query";
const GOOGLE: &str = "https://8.8.8.8/resolve";

fn resolvers() -> Vec<String> {
    vec![CLOUDFLARE.to_string(), GOOGLE.to_string()]
}

fn json(status: u64, records: &[(u64, &str)]) -> Vec<u8> {
    let answer: Vec<serde_json::Value> = records
        .iter()
        .map(|(kind, data)| {
            serde_json::json!({"name": "chatgpt.com.", "type": kind, "TTL": 300, "data": data})
        })
        .collect();
    serde_json::json!({"Status": status, "TC": false, "Question": [], "Answer": answer})
        .to_string()
        .into_bytes()
}

#[test]
fn urls_carry_the_name_and_type() {
    assert_eq!(
        query_url(CLOUDFLARE, "chatgpt.com", RecordType::A).as_deref(),
        Ok("https://1.1.1.1/dns-query?name=chatgpt.com&type=A")
    );
    assert_eq!(
        query_url(
            "http://127.0.0.1:8053/resolve?cd=0",
            "a b&c",
            RecordType::Aaaa
        )
        .as_deref(),
        Ok("http://127.0.0.1:8053/resolve?cd=0&name=a+b%26c&type=AAAA")
    );
    assert!(query_url("https://[::1]/dns-query", "x.com", RecordType::A).is_ok());
}

#[test]
fn resolvers_must_be_http_urls_with_an_ip_address() {
    assert!(check_resolver(GOOGLE).is_ok());
    let said = |resolver| check_resolver(resolver).map_err(|e| e.to_string());
    assert_eq!(
        said("https://dns.google/resolve"),
        Err("'https://dns.google/resolve' must name the resolver by IP address (DNS itself may be what fails)".into())
    );
    assert_eq!(
        said("ftp://1.1.1.1/"),
        Err("'ftp://1.1.1.1/' is not an https:// URL".into())
    );
    assert_eq!(said("1.1.1.1"), Err("'1.1.1.1' is not a URL".into()));
}

#[test]
fn answers_are_read_by_status_and_type() {
    let both = json(
        0,
        &[
            (5, "chatgpt.com.cdn.cloudflare.net."),
            (1, "104.18.32.47"),
            (1, "104.18.32.47"),
            (28, "2606:4700::1"),
        ],
    );
    assert_eq!(
        parse_answer(200, &both, RecordType::A),
        ResolverAnswer::Addresses(vec!["104.18.32.47".parse().expect("ip")])
    );
    assert_eq!(
        parse_answer(200, &both, RecordType::Aaaa),
        ResolverAnswer::Addresses(vec!["2606:4700::1".parse().expect("ip")])
    );
    assert_eq!(
        parse_answer(200, &json(0, &[]), RecordType::A),
        ResolverAnswer::NoAddress
    );
    assert_eq!(
        parse_answer(200, &json(3, &[]), RecordType::A),
        ResolverAnswer::NoSuchName
    );
    assert_eq!(
        parse_answer(200, &json(2, &[]), RecordType::A),
        ResolverAnswer::Failed("server failure (SERVFAIL)".into())
    );
    assert_eq!(
        parse_answer(200, &json(9, &[]), RecordType::A),
        ResolverAnswer::Failed("DNS error code 9".into())
    );
    assert_eq!(
        parse_answer(403, &json(0, &[]), RecordType::A),
        ResolverAnswer::Failed("HTTP 403".into())
    );
}

#[test]
fn strange_bodies_are_failures_not_panics() {
    let strange: [&[u8]; 7] = [
        b"",
        b"<html>blocked</html>",
        b"{\"Status\": -1}",
        b"{\"Status\": 0, \"Answer\": 5}",
        b"{\"Status\": 0, \"Answer\": [{\"type\": \"A\", \"data\": 7}, {}]}",
        b"\xff\xfe",
        b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    ];
    for body in strange {
        let answer = parse_answer(200, body, RecordType::A);
        assert!(
            matches!(
                answer,
                ResolverAnswer::Failed(_) | ResolverAnswer::NoAddress
            ),
            "{answer:?}"
        );
    }
    let huge = vec![b' '; MAX_ANSWER_BYTES + 1];
    assert!(matches!(
        parse_answer(200, &huge, RecordType::A),
        ResolverAnswer::Failed(_)
    ));
    let many: Vec<(u64, String)> = (0..100).map(|i| (1, format!("10.0.0.{i}"))).collect();
    let many: Vec<(u64, &str)> = many.iter().map(|(k, d)| (*k, d.as_str())).collect();
    match parse_answer(200, &json(0, &many), RecordType::A) {
        ResolverAnswer::Addresses(found) => assert_eq!(found.len(), MAX_ADDRESSES),
        other => panic!("{other:?}"),
    }
}

/// What a fake resolver at a URL prefix answers.
type Reply = Result<(u16, Vec<u8>), String>;
/// Every URL the fake network was asked for.
type Log = std::sync::Arc<Mutex<Vec<String>>>;

/// A reply as the network gives it: the status and body, or the failure in words.
fn response(reply: Reply) -> Response {
    match reply {
        Ok((status, body)) => Response::of(status, vec![], body),
        Err(why) => Response::failed(Failure::new(ErrorKind::Reset, why)),
    }
}

/// A fake network: each URL prefix answers as told; every URL asked is remembered, and every
/// question must ask for DNS JSON.
fn network(answers: Vec<(&'static str, Reply)>) -> (impl Fn(&Request) -> Response + Sync, Log) {
    let asked = Log::default();
    let log = asked.clone();
    let fetch = move |request: &Request| {
        let url = request.url.as_str();
        if let Ok(mut log) = log.lock() {
            log.push(url.to_string());
        }
        let accepts = request
            .headers
            .iter()
            .any(|(name, value)| name.eq_ignore_ascii_case("accept") && value == ACCEPT);
        let reply = answers
            .iter()
            .find(|(prefix, _)| url.starts_with(prefix))
            .map(|(_, answer)| answer.clone())
            .filter(|_| accepts)
            .unwrap_or_else(|| Err("connection refused".into()));
        response(reply)
    };
    (fetch, asked)
}

const SECOND: Duration = Duration::from_secs(1);

#[test]
fn one_resolver_with_addresses_means_it_is_your_dns() {
    let (fetch, asked) = network(vec![
        (CLOUDFLARE, Err("timed out".into())),
        (
            "https://8.8.8.8/resolve?name=chatgpt.com&type=A",
            Ok((200, json(0, &[(1, "104.18.32.47")]))),
        ),
        (GOOGLE, Ok((200, json(0, &[])))),
    ]);
    let found = ask(&resolvers(), "chatgpt.com", SECOND, &fetch).expect("resolvers configured");
    assert_eq!(found.finding, Finding::Resolved);
    assert_eq!(
        found.addresses,
        vec!["104.18.32.47".parse::<IpAddr>().expect("ip")]
    );
    assert_eq!(
        found.sentence("chatgpt.com").as_deref(),
        Some("your DNS server cannot resolve chatgpt.com, but public DNS can: it is your DNS")
    );
    assert_eq!(
        asked.lock().map(|a| a.len()).unwrap_or(0),
        4,
        "A and AAAA of both"
    );
    let shape = serde_json::to_value(&found).expect("serializes");
    assert_eq!(
        shape,
        serde_json::json!({
            "asked": [CLOUDFLARE, GOOGLE],
            "resolved": true,
            "addresses": ["104.18.32.47"],
            "note": "public DNS resolves chatgpt.com to 104.18.32.47",
        })
    );
}

#[test]
fn nxdomain_means_the_name_does_not_exist() {
    let (fetch, _) = network(vec![
        (CLOUDFLARE, Ok((200, json(3, &[])))),
        (GOOGLE, Ok((500, Vec::new()))),
    ]);
    let found = ask(&resolvers(), "chatgpt.com", SECOND, &fetch).expect("resolvers configured");
    assert_eq!(found.finding, Finding::DoesNotExist);
    assert_eq!(found.resolved, Some(false));
    assert_eq!(
        found.sentence("chatgpt.com").as_deref(),
        Some("chatgpt.com does not exist in public DNS either")
    );
    assert!(found
        .note
        .contains("NXDOMAIN from https://1.1.1.1/dns-query"));
}

#[test]
fn a_name_without_addresses_anywhere() {
    let (fetch, _) = network(vec![("https://", Ok((200, json(0, &[]))))]);
    let found =
        ask(&resolvers(), "mail-only.example", SECOND, &fetch).expect("resolvers configured");
    assert_eq!(found.finding, Finding::NoAddress);
    assert_eq!(
        found.sentence("mail-only.example").as_deref(),
        Some("mail-only.example has no address in public DNS either")
    );
}

#[test]
fn no_answer_anywhere_adds_nothing() {
    let (fetch, _) = network(vec![
        (CLOUDFLARE, Err("timed out\x1b[2J".into())),
        (GOOGLE, Ok((200, json(2, &[])))),
    ]);
    let found = ask(&resolvers(), "chatgpt.com", SECOND, &fetch).expect("resolvers configured");
    assert_eq!(found.finding, Finding::Unanswered);
    assert_eq!(found.resolved, None);
    assert_eq!(found.sentence("chatgpt.com"), None);
    assert!(!found.note.contains('\x1b'));
    assert!(found
        .note
        .contains("https://8.8.8.8/resolve: server failure (SERVFAIL)"));
    assert_eq!(
        serde_json::to_value(&found).expect("serializes")["resolved"],
        serde_json::Value::Null
    );
}

#[test]
fn no_resolvers_no_question() {
    let (fetch, asked) = network(Vec::new());
    assert_eq!(ask(&[], "chatgpt.com", SECOND, &fetch), None);
    assert_eq!(asked.lock().map(|a| a.len()).unwrap_or(1), 0);
}

#[test]
fn the_questions_run_at_once() {
    let slow = |_: &Request| -> Response {
        std::thread::sleep(std::time::Duration::from_millis(150));
        response(Ok((200, json(3, &[]))))
    };
    let started = std::time::Instant::now();
    let found = ask(&resolvers(), "x.com", SECOND, &slow).expect("resolvers configured");
    assert_eq!(found.finding, Finding::DoesNotExist);
    assert!(started.elapsed() < std::time::Duration::from_millis(450));
}

#[test]
fn txt_answers_are_read_joined_and_bounded() {
    let body = json(
        0,
        &[
            (16, "\"3269 | 151.0.0.0/16 | IT | ripencc | 1998-05-12\""),
            (1, "192.0.2.7"),
            (16, "\"part one \" \"and two\""),
        ],
    );
    assert_eq!(
        parse_txt(200, &body),
        Ok(vec![
            "3269 | 151.0.0.0/16 | IT | ripencc | 1998-05-12".to_string(),
            "part one and two".to_string()
        ])
    );
    assert!(parse_txt(200, &json(3, &[]))
        .unwrap_err()
        .to_string()
        .contains("NXDOMAIN"));
    assert!(parse_txt(200, &json(2, &[]))
        .unwrap_err()
        .to_string()
        .contains("SERVFAIL"));
    assert!(parse_txt(500, b"").is_err());
    assert!(parse_txt(200, b"<html>").is_err());
    let url = query_url(
        "https://1.1.1.1/dns-query",
        "4.3.2.1.origin.asn.cymru.com",
        RecordType::Txt,
    );
    assert_eq!(
        url.unwrap(),
        "https://1.1.1.1/dns-query?name=4.3.2.1.origin.asn.cymru.com&type=TXT"
    );
}
