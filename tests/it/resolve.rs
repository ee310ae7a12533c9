//! `--resolve HOST:PORT:ADDR[,ADDR...]`: names pinned to addresses, as curl does.

use crate::support::{isitdown, json_lines, TestServer};

#[test]
fn a_pinned_name_is_probed_at_its_address_without_dns() {
    let server = TestServer::start();
    let port = server.port();
    // The first pin for this host and port is replaced by the later one.
    let output = isitdown()
        .args([
            "--json",
            "--resolve",
            &format!("shop.example.com:{port}:127.0.0.2"),
        ])
        .args(["--resolve", &format!("Shop.Example.com:{port}:127.0.0.1")])
        .arg(format!("http://shop.example.com:{port}/"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let probe = &json_lines(&output.stdout)[0];
    assert_eq!(probe["state"], "up");
    assert_eq!(probe["timings_ms"]["dns"], serde_json::Value::Null);
    let request = &server.requests()[0];
    assert_eq!(
        request.header("host"),
        Some(format!("shop.example.com:{port}").as_str())
    );
}

#[test]
fn a_pin_of_another_port_does_not_apply() {
    let server = TestServer::start();
    let port = server.port();
    let output = isitdown()
        .args(["--json", "--resolve", "localhost:1:127.0.0.1"])
        .args(["--resolve", &format!("localhost:{port}:127.0.0.1")])
        .arg(server.url("/").replace("127.0.0.1", "localhost"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn a_wrong_pin_is_bad_input_in_one_sentence() {
    for value in [
        "example.com:443",
        "example.com:x:127.0.0.1",
        "a.test:80:nope",
    ] {
        let output = isitdown()
            .args(["--resolve", value, "http://127.0.0.1:9/"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(64), "{value}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with(&format!("isitdown: --resolve '{value}': ")),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1);
    }
}

#[test]
fn only_pins_of_the_wanted_family_are_used() {
    let output = isitdown()
        .args(["--json", "-6", "--resolve", "shop.example.com:9:127.0.0.1"])
        .arg("http://shop.example.com:9/")
        .output()
        .unwrap();
    let probe = &json_lines(&output.stdout)[0];
    assert_eq!(probe["error"]["kind"], "dns", "{probe}");
    assert!(probe["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no address of the wanted IP family"));
}
