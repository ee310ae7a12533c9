//! Fills a history database with made-up probes, to measure `--history` over a large one:
//! every catalog service probed in turn over the last DAYS days, mostly up, with an outage of
//! half an hour (flapping between down and unknown) now and then, written through isitdown's
//! own store, as a watch would write them.
//!
//! ```console
//! $ cargo run --release --example history-fill -- /tmp/h.sqlite3 10000000 30
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use isitdown::history::record::ProbeRow;
use isitdown::history::store::Store;
use isitdown::history::Retention;
use isitdown::state::State;
use isitdown::target::catalog::Catalog;

/// Rows written per transaction.
const BATCH: u64 = 50_000;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(path), Some(Ok(count))) = (args.first(), args.get(1).map(|c| c.parse::<u64>()))
    else {
        eprintln!("usage: history-fill PATH PROBES [DAYS (default 30)]");
        return ExitCode::from(64);
    };
    let days: u64 = args.get(2).and_then(|d| d.parse().ok()).unwrap_or(30);
    let catalog = Catalog::builtin();
    let keys: Vec<&str> = catalog.services().iter().map(|s| s.key.as_str()).collect();
    let (mut store, _) = match Store::open_for_writing(&PathBuf::from(path)) {
        Ok(opened) => opened,
        Err(trouble) => {
            eprintln!("history-fill: {trouble}");
            return ExitCode::FAILURE;
        }
    };
    // Room for all of it: the cap is not what is measured here.
    let limits = Retention {
        keep: Duration::from_secs((days + 1) * 86_400),
        max_bytes: u64::MAX / 2,
    };
    let now = SystemTime::now();
    let span = Duration::from_secs(days * 86_400);
    let step = span / u32::try_from(count.max(1)).unwrap_or(u32::MAX);
    let mut random = 0x2545_f491_4f6c_dd1d_u64;
    let mut written = 0;
    while written < count {
        let rows: Vec<ProbeRow> = (written..(written + BATCH).min(count))
            .map(|i| {
                random ^= random << 13;
                random ^= random >> 7;
                random ^= random << 17;
                let at = now - span + step * u32::try_from(i).unwrap_or(u32::MAX);
                let key = keys[(i % keys.len() as u64) as usize];
                // An outage of about half an hour every two days or so, per service.
                let minute = at
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_secs()
                    / 60;
                let phase = (minute + (i % keys.len() as u64) * 97) % 2880;
                let state = match phase {
                    0..=29 if random.is_multiple_of(5) => State::Unknown,
                    0..=29 => State::Down,
                    _ => State::Up,
                };
                ProbeRow {
                    at,
                    target: key.to_string(),
                    url: format!("https://{key}.example/"),
                    state,
                    error_kind: (state != State::Up).then_some("status"),
                    status: Some(if state == State::Up { 200 } else { 503 }),
                    latency: Some(Duration::from_micros(20_000 + random % 300_000)),
                    reason: match state {
                        State::Up => "answered 200 OK".into(),
                        _ => "answered 503 Service Unavailable".into(),
                    },
                    page: Some("operational"),
                    elsewhere: None,
                }
            })
            .collect();
        if let Err(trouble) = store.write(&rows, &limits) {
            eprintln!("history-fill: {trouble}");
            return ExitCode::FAILURE;
        }
        written += rows.len() as u64;
    }
    let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    println!(
        "{written} probes of {} services over {days} days in {path}: {:.1} MB",
        keys.len(),
        bytes as f64 / 1e6
    );
    ExitCode::SUCCESS
}
