//! A tiny HTTP CONNECT proxy that tunnels to whatever it is asked for on the loopback, and notes
//! each CONNECT request line it was sent.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

/// The proxy; it serves until the test process ends.
pub struct TunnellingProxy {
    pub port: u16,
    asked: Arc<Mutex<Vec<String>>>,
}

impl TunnellingProxy {
    pub fn start() -> TunnellingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback listener");
        let port = listener.local_addr().expect("listener address").port();
        let asked = Arc::new(Mutex::new(Vec::new()));
        let noted = asked.clone();
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let noted = noted.clone();
                thread::spawn(move || tunnel(client, &noted));
            }
        });
        TunnellingProxy { port, asked }
    }

    /// `http://127.0.0.1:PORT`, as a proxy variable takes it.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The request lines of the CONNECTs so far ("CONNECT localhost:8080 HTTP/1.1").
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().map(|a| a.clone()).unwrap_or_default()
    }
}

fn tunnel(mut client: TcpStream, asked: &Mutex<Vec<String>>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
        match client.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let line = head.lines().next().unwrap_or_default().to_string();
    if let Ok(mut asked) = asked.lock() {
        asked.push(line.clone());
    }
    let target = line.split(' ').nth(1).unwrap_or_default().to_string();
    let Ok(server) = TcpStream::connect(&target) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let (Ok(mut up_from), Ok(mut up_to)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let up = thread::spawn(move || {
        let _ = std::io::copy(&mut up_from, &mut up_to);
        let _ = up_to.shutdown(Shutdown::Write);
    });
    let (mut down_from, mut down_to) = (server, client);
    let _ = std::io::copy(&mut down_from, &mut down_to);
    let _ = down_to.shutdown(Shutdown::Write);
    let _ = up.join();
}
