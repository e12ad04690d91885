//! The server's connections as the real binary keeps them: keep-alive for as long as
//! configured, and a SIGTERM that stops accepting but lets requests in flight finish.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::cli::{Server, free_port, masthead};

const EMAIL: &str = "chief@example.org";
const PASSWORD: &str = "the-chiefs-password";

/// Starts the binary on a fresh SQLite file with `env`; returns it and its address.
fn start(dir: &std::path::Path, env: &[(&str, &str)]) -> (Server, String) {
    let address = format!("127.0.0.1:{}", free_port());
    let mut cmd = masthead(dir);
    cmd.env("MASTHEAD_BIND", &address)
        .env("MASTHEAD_LOG", "info")
        .env("MASTHEAD_ACCESS_LOG", "false")
        .env("MASTHEAD_ADMIN_EMAIL", EMAIL)
        .env("MASTHEAD_ADMIN_PASSWORD", PASSWORD);
    for (name, value) in env {
        cmd.env(name, value);
    }
    let server = Server::start(&mut cmd);
    server.wait_for_line("listening on");
    // Serving, not only bound: the workers have started.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let answered = TcpStream::connect(&address).ok().and_then(|mut stream| {
            stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
            stream.write_all(b"GET /healthz HTTP/1.1\r\nhost: masthead\r\nconnection: close\r\n\r\n").ok()?;
            let mut answer = String::new();
            stream.read_to_string(&mut answer).ok()?;
            answer.starts_with("HTTP/1.1 200").then_some(())
        });
        if answered.is_some() {
            break;
        }
        assert!(Instant::now() < deadline, "{address} never answered");
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, address)
}

fn connect(address: &str) -> TcpStream {
    let stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream
}

/// Reads one response with a Content-Length body; returns (status, body).
fn read_response(stream: &mut TcpStream) -> (u16, String) {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&bytes[..end]).to_string();
            let length = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                .map_or(0, |v| v.parse::<usize>().unwrap());
            if bytes.len() >= end + 4 + length {
                let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
                return (status, String::from_utf8_lossy(&bytes[end + 4..end + 4 + length]).to_string());
            }
        }
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "connection closed mid-response: {}", String::from_utf8_lossy(&bytes));
        bytes.extend_from_slice(&chunk[..n]);
    }
}

fn get_healthz(stream: &mut TcpStream) -> u16 {
    stream.write_all(b"GET /healthz HTTP/1.1\r\nhost: masthead\r\n\r\n").unwrap();
    read_response(stream).0
}

/// Whether the server has closed its side: a read sees the end of the stream (or a reset).
fn closed_by_server(stream: &mut TcpStream) -> bool {
    stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => panic!("unexpected data"),
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => false,
        Err(_) => true,
    }
}

/// An idle connection is kept for MASTHEAD_KEEP_ALIVE_SECS: closed after 2 s when set
/// to 2, and still serving after 6 s by default (actix's own default closed it at 5 s,
/// shorter than a load balancer's idle timeout).
#[test]
fn idle_connections_are_kept_alive_as_configured() {
    let dir = tempfile::tempdir().unwrap();
    let (_short, short) = start(dir.path(), &[("MASTHEAD_KEEP_ALIVE_SECS", "2")]);
    let dir_default = tempfile::tempdir().unwrap();
    let (_default, default) = start(dir_default.path(), &[]);

    let mut short_lived = connect(&short);
    assert_eq!(get_healthz(&mut short_lived), 200);
    let mut long_lived = connect(&default);
    assert_eq!(get_healthz(&mut long_lived), 200);
    std::thread::sleep(Duration::from_millis(1000));
    assert!(!closed_by_server(&mut short_lived), "closed before its keep-alive");
    std::thread::sleep(Duration::from_millis(2500));
    assert!(closed_by_server(&mut short_lived), "still open after its 2 s keep-alive");

    std::thread::sleep(Duration::from_millis(2800));
    assert!(!closed_by_server(&mut long_lived), "closed after 6 s idle");
    long_lived.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    assert_eq!(get_healthz(&mut long_lived), 200, "the same connection serves again");
}

fn sigterm(server: &Server) {
    let status = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().unwrap();
    assert!(status.success());
}

/// Waits for the process to exit; returns its exit code and how long it took.
fn wait_exit(server: &mut Server, within: Duration) -> (Option<i32>, Duration) {
    let started = Instant::now();
    while started.elapsed() < within {
        if let Some(status) = server.child.try_wait().unwrap() {
            return (status.code(), started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("still running {within:?} after SIGTERM");
}

/// Whether the listener still takes connections.
fn accepting(address: &str) -> bool {
    TcpStream::connect_timeout(&address.parse().unwrap(), Duration::from_millis(500)).is_ok()
}

/// A sign-in whose body is still arriving when SIGTERM comes: the server stops
/// accepting new connections at once, finishes this request, then exits 0.
#[test]
fn sigterm_stops_accepting_and_drains_requests_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, address) = start(dir.path(), &[("MASTHEAD_SHUTDOWN_GRACE_SECS", "20")]);
    let body = format!(r#"{{"email": "{EMAIL}", "password": "{PASSWORD}"}}"#);
    let (first, rest) = body.split_at(10);
    let mut stream = connect(&address);
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nhost: masthead\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(first.as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(300));

    sigterm(&server);
    let deadline = Instant::now() + Duration::from_secs(5);
    while accepting(&address) {
        assert!(Instant::now() < deadline, "still accepting after SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    assert!(server.child.try_wait().unwrap().is_none(), "exited with a request in flight");

    stream.write_all(rest.as_bytes()).unwrap();
    let (status, body) = read_response(&mut stream);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("access_token"), "{body}");
    let (code, took) = wait_exit(&mut server, Duration::from_secs(15));
    assert_eq!(code, Some(0));
    assert!(took < Duration::from_secs(5), "took {took:?} to exit once drained");
}

/// A request that never finishes is cut off after MASTHEAD_SHUTDOWN_GRACE_SECS.
#[test]
fn sigterm_gives_up_on_stalled_requests_after_the_grace_period() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, address) = start(dir.path(), &[("MASTHEAD_SHUTDOWN_GRACE_SECS", "2")]);
    let mut stream = connect(&address);
    stream.write_all(b"POST /api/v1/auth/login HTTP/1.1\r\nhost: masthead\r\ncontent-length: 100\r\n\r\n{").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    sigterm(&server);
    let (_, took) = wait_exit(&mut server, Duration::from_secs(15));
    assert!(took >= Duration::from_millis(1500), "exited after {took:?}, before the grace period");
    assert!(took < Duration::from_secs(6), "took {took:?}");
}
