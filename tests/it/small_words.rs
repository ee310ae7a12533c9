//! Sentences people read when something is off: a misspelt config key, a count of zero, and
//! the counts line.

use crate::support::*;
use predicates::prelude::*;

#[test]
fn a_misspelt_config_key_gets_a_did_you_mean() {
    for (config, meant) in [
        (
            "[defaults]\ntimout = \"5s\"\n",
            "[defaults] timout: not an isitdown option; did you mean `timeout`?",
        ),
        (
            "[connectivty]\n",
            "unknown field `connectivty`; did you mean `connectivity`?",
        ),
        (
            "[services.api]\nulr = \"http://127.0.0.1:9/\"\n",
            "unknown field `ulr`; did you mean `url`?",
        ),
    ] {
        isitdown_with_config(config)
            .arg("127.0.0.1:9")
            .assert()
            .code(64)
            .stderr(predicate::str::contains(meant));
    }
    isitdown_with_config("[defaults]\nzzzzzz = 1\n")
        .arg("127.0.0.1:9")
        .assert()
        .code(64)
        .stderr(predicate::str::contains("not an isitdown option\n"));
}

#[test]
fn a_count_of_zero_is_said_in_words() {
    isitdown()
        .args(["-n", "0", "127.0.0.1:9"])
        .assert()
        .code(64)
        .stderr(predicate::str::contains(
            "invalid value '0' for '--count <N>': it counts probes, so it must be 1 or more",
        ))
        .stderr(predicate::str::contains("..=").not());
}
