//! Input that must be refused before anything is sent, in one sentence safe for a terminal:
//! proxies that cannot be used, files that are not small regular files, overlong URLs, and
//! escape sequences in config values and paths. And a SOCKS5 proxy that can be used.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

use crate::support::*;

/// Runs and expects bad input: exit 64 and one line on stderr, safe to print. Returns it.
fn refused(command: &mut assert_cmd::Command) -> String {
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(64), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        !stderr.trim_end().chars().any(char::is_control),
        "{stderr:?}"
    );
    stderr
}

#[test]
fn a_proxy_that_cannot_be_used_is_refused_never_bypassed() {
    let server = TestServer::start();
    for (variable, value, words) in [
        ("HTTP_PROXY", "socks4://127.0.0.1:1080", "only SOCKS5"),
        ("http_proxy", "ftp://127.0.0.1:21", "'ftp://'"),
        ("ALL_PROXY", "http://[::1", "not a valid proxy URL"),
        ("all_proxy", "http://u:hunter2@:99", "not a valid proxy URL"),
        (
            "HTTPS_PROXY",
            "https://u:hunter2@127.0.0.1:3128",
            "over TLS",
        ),
    ] {
        let stderr = refused(isitdown().env(variable, value).arg(server.url("/")));
        assert!(stderr.contains(&format!("{variable}=")), "{stderr}");
        assert!(stderr.contains(words), "{stderr}");
        assert!(!stderr.contains("hunter2"), "{stderr}");
    }
    assert!(server.requests().is_empty(), "nothing went direct");
}

/// A SOCKS5 proxy that wants a user name and password, then relays one connection.
fn socks5_proxy(user: &'static [u8], password: &'static [u8]) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let Ok((mut client, _)) = listener.accept() else {
            return;
        };
        let mut byte = [0u8; 1];
        let read = |s: &mut TcpStream, n: usize| {
            let mut buf = vec![0u8; n];
            s.read_exact(&mut buf).map(|_| buf)
        };
        let greeting = read(&mut client, 2).unwrap();
        let _methods = read(&mut client, greeting[1] as usize).unwrap();
        client.write_all(&[5, 2]).unwrap();
        let _version = read(&mut client, 1).unwrap();
        let ulen = read(&mut client, 1).unwrap()[0] as usize;
        let got_user = read(&mut client, ulen).unwrap();
        let plen = read(&mut client, 1).unwrap()[0] as usize;
        let got_password = read(&mut client, plen).unwrap();
        let ok = got_user == user && got_password == password;
        client.write_all(&[1, if ok { 0 } else { 1 }]).unwrap();
        if !ok {
            return;
        }
        let head = read(&mut client, 4).unwrap();
        assert_eq!(head[3], 3, "socks5h sends the host name");
        client.read_exact(&mut byte).unwrap();
        let host = read(&mut client, byte[0] as usize).unwrap();
        assert_eq!(host, b"localhost");
        let port = read(&mut client, 2).unwrap();
        let port = u16::from_be_bytes([port[0], port[1]]);
        let upstream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]).unwrap();
        let (mut up_read, mut client_write) =
            (upstream.try_clone().unwrap(), client.try_clone().unwrap());
        let forth = std::thread::spawn(move || {
            let (mut client, mut upstream) = (client, upstream);
            let _ = std::io::copy(&mut client, &mut upstream);
        });
        let _ = std::io::copy(&mut up_read, &mut client_write);
        let _ = client_write.shutdown(std::net::Shutdown::Both);
        let _ = forth.join();
    });
    port
}

#[test]
fn socks5h_with_credentials_carries_the_probe() {
    let server = TestServer::start();
    let proxy = socks5_proxy(b"me", b"s3cret");
    let (code, probe) = probe_json(
        isitdown()
            .env(
                "http_proxy",
                format!("socks5h://me:s3cret@127.0.0.1:{proxy}"),
            )
            .arg(format!("http://localhost:{}/", server.port())),
    );
    assert_eq!(code, 0, "{probe}");
    assert_eq!(probe["state"], "up");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_socks5_proxy_that_refuses_says_so() {
    let server = TestServer::start();
    let proxy = socks5_proxy(b"me", b"other");
    let (code, probe) = probe_json(
        isitdown()
            .env(
                "ALL_PROXY",
                format!("socks5h://me:s3cret@127.0.0.1:{proxy}"),
            )
            .arg(format!("http://localhost:{}/", server.port())),
    );
    assert_eq!(code, 3, "{probe}");
    assert_eq!(probe["error"]["kind"], "proxy");
    let message = probe["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!(
            "your SOCKS5 proxy 127.0.0.1:{proxy} (from ALL_PROXY) failed"
        )),
        "{message}"
    );
    assert!(!message.contains("s3cret"), "{message}");
    assert!(server.requests().is_empty());
}

#[test]
fn a_socks5_proxy_nobody_runs_is_named_not_the_service() {
    let server = TestServer::start();
    let (code, probe) = probe_json(
        isitdown()
            .env("https_proxy", "socks5h://me:s3cret@127.0.0.1:9")
            .env("http_proxy", "socks5h://me:s3cret@127.0.0.1:9")
            .arg(format!("http://localhost:{}/", server.port())),
    );
    assert_eq!(code, 3, "{probe}");
    assert_eq!(probe["error"]["kind"], "proxy");
    let message = probe["error"]["message"].as_str().unwrap();
    assert_eq!(
        message,
        "your SOCKS5 proxy 127.0.0.1:9 (from http_proxy) refused the connection: not the \
         service's fault"
    );
    assert!(server.requests().is_empty());
}

#[test]
fn files_must_be_small_regular_files() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let big = dir.path().join("big.pem");
    std::fs::write(&big, vec![b'#'; 9 * 1024 * 1024]).unwrap();
    let dir_path = dir.path().to_str().unwrap().to_string();
    for (path, words) in [
        ("/dev/zero", "is a device, not a regular file"),
        (dir_path.as_str(), "is a directory, not a regular file"),
        (
            fifo.to_str().unwrap(),
            "is a named pipe, not a regular file",
        ),
        (big.to_str().unwrap(), "MiB, too large to be read"),
    ] {
        let stderr = refused(isitdown().args(["--cacert", path, "http://127.0.0.1:9/"]));
        assert!(stderr.contains(path) && stderr.contains(words), "{stderr}");
        let stderr = refused(isitdown().args(["--config", path, "http://127.0.0.1:9/"]));
        assert!(stderr.contains(path) && stderr.contains(words), "{stderr}");
    }
}

#[test]
fn an_overlong_url_is_bad_input_and_nothing_is_sent() {
    let server = TestServer::start();
    let url = server.url(&format!("/{}", "a".repeat(9000)));
    let stderr = refused(isitdown().arg(&url));
    assert!(stderr.contains("over 8 KiB"), "{stderr}");
    assert!(stderr.len() < 400, "the URL is not quoted whole");
    let config = format!("[services.long]\nurl = \"{url}\"\n");
    refused(isitdown_with_config(&config).arg("long"));
    assert!(server.requests().is_empty());
}

#[test]
fn echoed_values_cannot_steer_the_terminal() {
    let osc = "\u{1b}]0;owned\u{7}";
    // The same, written as a TOML string writes it.
    let toml_osc = "\\u001b]0;owned\\u0007";
    let mut cases: Vec<(String, Vec<String>)> = vec![
        (format!("[defaults]\n\"x{toml_osc}\" = 1\n"), vec![]),
        (
            format!("[services.bad]\nurl = \"ht{toml_osc}tp://x\"\n"),
            vec!["bad".into()],
        ),
        (
            "[services.mine]\nurl = \"http://127.0.0.1:9/\"\naliases = [\"zorbulator\\u001b[2J\"]\n".into(),
            vec!["zorbulator".into()],
        ),
        (String::new(), vec!["--cacert".into(), format!("/nope{osc}"), "http://127.0.0.1:9/".into()]),
        (String::new(), vec![format!("ftp://x{osc}/")]),
    ];
    for (config, args) in cases.drain(..) {
        let stderr = refused(isitdown_with_config(&config).args(&args));
        if args == ["zorbulator"] {
            assert!(stderr.contains("did you mean"), "{stderr}");
        }
        assert!(
            !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
            "{stderr:?}"
        );
    }
}

#[test]
fn a_target_file_is_checked_line_by_line_and_capped() {
    use std::process::Stdio;
    // Endless one-letter lines: the first is refused without reading the rest.
    let mut child = sealed_command("")
        .args(["-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("isitdown starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let chunk = "a\n".repeat(4096);
        while stdin.write_all(chunk.as_bytes()).is_ok() {}
    });
    let output = child.wait_with_output().expect("isitdown ends");
    writer
        .join()
        .expect("the writer stops when isitdown is gone");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(64), "{stderr}");
    assert!(
        stderr.starts_with("isitdown: standard input line 1: 'a' is not a known service"),
        "{stderr}"
    );
    assert!(!stderr.contains("did you mean"), "{stderr}");

    let many = "http://127.0.0.1:9/\n".repeat(10_001);
    let stderr = refused(isitdown().args(["-f", "-"]).write_stdin(many));
    assert_eq!(
        stderr,
        "isitdown: standard input line 10001: more than 10000 targets; one run probes at most 10000\n"
    );
}

#[test]
fn one_and_two_letter_words_get_no_suggestion() {
    for word in ["q", "gq"] {
        let stderr = refused(isitdown().arg(word));
        assert!(stderr.contains("is not a known service"), "{stderr}");
        assert!(!stderr.contains("did you mean"), "{stderr}");
    }
    let stderr = refused(isitdown().arg("chatgtp"));
    assert!(stderr.contains("did you mean 'chatgpt'"), "{stderr}");
}

#[test]
fn pins_that_could_never_match_are_refused() {
    for (pin, words) in [
        ("a b.test:443:127.0.0.1", "holds a space"),
        ("*.a.test:443:127.0.0.1", "would never match"),
        ("https://a.test:443:127.0.0.1", "leave out the scheme"),
        ("[]:443:127.0.0.1", "expected HOST:PORT"),
    ] {
        let stderr = refused(isitdown().args(["--resolve", pin, "http://a.test/"]));
        assert!(stderr.contains(words), "{pin}: {stderr}");
    }
}

#[test]
fn on_change_initial_without_on_change_is_refused() {
    let stderr =
        refused(isitdown().args(["--on-change-initial", "-n", "2", "http://127.0.0.1:9/"]));
    assert!(stderr.contains("give it --on-change CMD"), "{stderr}");
}

#[test]
fn overlong_service_names_are_refused() {
    let long = "x".repeat(201);
    let stderr = refused(
        isitdown_with_config(&format!(
            "[services.{long}]\nurl = \"http://127.0.0.1:9/\"\n"
        ))
        .arg("http://127.0.0.1:9/"),
    );
    assert!(stderr.contains("is longer than 200 characters"), "{stderr}");
    assert!(stderr.len() < 400, "{stderr}");
    let stderr = refused(
        isitdown_with_config(&format!(
            "[services.ok]\nurl = \"http://127.0.0.1:9/\"\naliases = [\"{long}\"]\n"
        ))
        .arg("ok"),
    );
    assert!(
        stderr.contains("[services.ok] aliases: a name longer than 200 characters"),
        "{stderr}"
    );
    // 200 is still a name.
    let fine = "y".repeat(200);
    let server = TestServer::start();
    let (code, _) = probe_json(
        isitdown_with_config(&format!(
            "[services.{fine}]\nurl = \"{}\"\n",
            server.url("/")
        ))
        .arg(&fine),
    );
    assert_eq!(code, 0);
}
