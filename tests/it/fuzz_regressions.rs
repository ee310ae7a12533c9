//! Every input a fuzzer found that broke a promise, replayed through the same checks the fuzz
//! targets make (`isitdown::invariants`). A file in `tests/fixtures/fuzz/TARGET/` is one input.

use std::path::Path;

type Check = fn(&[u8]);

const TARGETS: &[(&str, Check)] = &[
    ("status_page", isitdown::invariants::status_page),
    ("http_head", isitdown::invariants::http_head),
    ("target", isitdown::invariants::target),
    ("expect_duration", isitdown::invariants::expect_and_duration),
    ("config", isitdown::invariants::config),
    ("timestamp", isitdown::invariants::timestamp),
    ("globalping_answer", isitdown::invariants::globalping_answer),
    ("hook_output", isitdown::invariants::hook_output),
];

#[test]
fn every_input_the_fuzzers_found_keeps_its_promises() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    for (target, check) in TARGETS {
        // Each folder holds at least an ordinary input, so that a misnamed one is noticed.
        let entries = std::fs::read_dir(root.join(target))
            .unwrap_or_else(|e| panic!("tests/fixtures/fuzz/{target}: {e}"));
        let mut replayed = 0;
        for entry in entries {
            let path = entry.unwrap().path();
            let input = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| check(&input));
            assert!(
                outcome.is_ok(),
                "{target}: {} breaks a promise",
                path.display()
            );
            replayed += 1;
        }
        assert!(replayed > 0, "{target}: nothing to replay");
    }
}

#[test]
fn every_fuzz_target_has_its_inputs_replayed() {
    let targets = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    let mut names: Vec<String> = std::fs::read_dir(targets)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    let mut replayed: Vec<&str> = TARGETS.iter().map(|(name, _)| *name).collect();
    replayed.sort();
    assert_eq!(names, replayed);
}

#[test]
fn the_checks_hold_for_ordinary_inputs() {
    isitdown::invariants::status_page(b"\x00{\"status\":{\"indicator\":\"minor\"},\"components\":[{\"name\":\"API\",\"status\":\"major_outage\",\"id\":\"a\"}]}");
    isitdown::invariants::http_head(b"\x05HTTP/1.1 503 Bad\rThing\r\nX: \x1b\r\n\r\nbody");
    isitdown::invariants::globalping_answer(
        b"\x00{\"id\":\"abc123\",\"probesCount\":1}\x00{\"id\":\"abc123\",\"status\":\"finished\",\"results\":[{\"probe\":{\"continent\":\"EU\",\"country\":\"DE\",\"city\":\"Ber\x1blin\",\"asn\":3320,\"network\":\"fuzz-token-secret\"},\"result\":{\"status\":\"finished\",\"statusCode\":503,\"timings\":{\"total\":12}}}]}",
    );
    isitdown::invariants::target(b"https://user:pw@example.com/x");
    isitdown::invariants::expect_and_duration(b"200-299,301");
    isitdown::invariants::config(b"[defaults]\ntimeout = \"5s\"\n");
    isitdown::invariants::timestamp(b"2020-06-16T13:27:41.521-07:00");
    isitdown::invariants::hook_output(
        b"\x03sent \x1b[31mred\x1b[0m\r\nsecond line\nno newline at the end",
    );
}
