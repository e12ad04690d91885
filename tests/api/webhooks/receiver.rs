//! A real HTTP receiver on loopback for webhook tests: it records every request (its
//! headers and body) and answers each with the next status queued (200 when none is),
//! after an optional delay. One request per connection (`Connection: close`).

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("JSON body")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or_default()
    }
}

#[derive(Default)]
struct Shared {
    received: Vec<Received>,
    answers: VecDeque<(u16, Duration)>,
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    shared: Arc<Mutex<Shared>>,
}

impl Receiver {
    pub fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind receiver");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        let shared = Arc::new(Mutex::new(Shared::default()));
        let s = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || serve(stream, &s));
            }
        });
        Receiver { url, shared }
    }

    /// The next requests are answered with these statuses (and delays), in order.
    pub fn answer(&self, status: u16, delay: Duration) {
        self.shared.lock().unwrap().answers.push_back((status, delay));
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.lock().unwrap().received.clone()
    }

    /// Waits (up to 20 s) until `n` requests have come, and returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(started.elapsed() < Duration::from_secs(20), "expected {n} requests, got {}: {got:?}", got.len());
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Asserts that no more than `n` requests come within `within`.
    pub async fn stays_at(&self, n: usize, within: Duration) {
        actix_web::rt::time::sleep(within).await;
        let got = self.received();
        assert_eq!(got.len(), n, "{got:?}");
    }
}

fn serve(stream: TcpStream, shared: &Mutex<Shared>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or_default().to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let length = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let (status, delay) = {
        let mut s = shared.lock().unwrap();
        s.received.push(Received { path, headers, body: String::from_utf8_lossy(&body).into_owned() });
        s.answers.pop_front().unwrap_or((200, Duration::ZERO))
    };
    std::thread::sleep(delay);
    let location = if (300..400).contains(&status) { "Location: http://127.0.0.1:9/elsewhere\r\n" } else { "" };
    let mut stream = stream;
    let _ = write!(stream, "HTTP/1.1 {status} X\r\n{location}Content-Length: 2\r\nConnection: close\r\n\r\nok");
}
