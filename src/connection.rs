//! The answers actix-http gives before a request reaches the app, made problem+json.
//!
//! When a request cannot be read (a malformed request line or header, a URI over
//! 64 KiB: 400; headers over 128 KiB or more than 96 of them: 431; no complete
//! request head within 5 seconds: 408), actix-http's HTTP/1 dispatcher writes a
//! response of its own with an empty body and closes the connection. None of it is
//! configurable, so `ProblemIo` wraps each connection's socket and rewrites such a
//! response on its way out: the same status and headers, with a problem+json body.
//!
//! It recognises one by its shape: the last bytes of a write are a whole response head
//! with one of those statuses and `content-length: 0`. The app's own answers never
//! look like that (every error of ours has a body, and no body of ours ends in a
//! response head), so nothing else is touched.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_codec::{AsyncRead, AsyncWrite, ReadBuf};
use actix_web::http::StatusCode;
use actix_web::rt::net::TcpStream;

use crate::error::Problem;

/// A connection's socket, with the dispatcher's own error answers rewritten.
pub struct ProblemIo {
    io: TcpStream,
    /// A rewritten answer not yet fully written, and how much of it has been.
    pending: Option<(Vec<u8>, usize)>,
}

impl ProblemIo {
    pub fn new(io: TcpStream) -> ProblemIo {
        ProblemIo { io, pending: None }
    }

    /// Writes out a rewritten answer; ready once it is all written.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.pending {
            if *written == bytes.len() {
                self.pending = None;
                break;
            }
            match Pin::new(&mut self.io).poll_write(cx, &bytes[*written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for ProblemIo {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl AsyncWrite for ProblemIo {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.poll_pending(cx)?.is_pending() {
            return Poll::Pending;
        }
        if let Some(rewritten) = rewrite(buf) {
            this.pending = Some((rewritten, 0));
            // The whole of `buf` is taken; what replaces it goes out now or on flush.
            let _ = this.poll_pending(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.poll_pending(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut this.io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.poll_pending(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}

/// The (code, detail) of each answer the dispatcher gives on its own.
fn problem_for(status: u16) -> Option<(&'static str, &'static str)> {
    match status {
        400 => Some((
            "malformed_request",
            "The request could not be read as HTTP/1.1: a malformed request line or header, or a URI over 64 KiB.",
        )),
        408 => Some(("request_timeout", "The request's headers did not all arrive within 5 seconds.")),
        431 => Some(("request_headers_too_large", "The request's headers are over 128 KiB, or more than 96 fields.")),
        _ => None,
    }
}

/// When `buf` ends with a bodiless answer of the dispatcher's, `buf` with that answer
/// given its problem+json body (anything before it, such as earlier pipelined
/// answers, is kept as it is).
fn rewrite(buf: &[u8]) -> Option<Vec<u8>> {
    const END: &[u8] = b"\r\n\r\n";
    if !buf.ends_with(END) {
        return None;
    }
    let body_end = buf.len() - END.len();
    // The head starts at its status line: the last "HTTP/1.1 " at the start of `buf`
    // or right after an earlier answer's end.
    let start = (0..body_end).rev().find(|&i| buf[i..].starts_with(b"HTTP/1.1 "))?;
    let head = &buf[start..body_end];
    if head.windows(END.len()).any(|w| w == END) {
        return None;
    }
    let status: u16 = std::str::from_utf8(head.get(9..12)?).ok()?.parse().ok()?;
    let (code, detail) = problem_for(status)?;
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let status_line = lines.next()?;
    let others: Vec<&str> = lines.collect();
    if !others.iter().any(|l| l.eq_ignore_ascii_case("content-length: 0")) {
        return None;
    }
    let status_code = StatusCode::from_u16(status).ok()?;
    let problem = Problem {
        problem_type: format!("urn:masthead:problem:{code}"),
        title: status_code.canonical_reason().unwrap_or("Error").to_string(),
        status,
        detail: detail.to_string(),
        instance: None,
        code: code.to_string(),
        errors: Vec::new(),
    };
    let body = serde_json::to_vec(&problem).ok()?;
    let mut out = Vec::with_capacity(start + head.len() + body.len() + 128);
    out.extend_from_slice(&buf[..start]);
    out.extend_from_slice(status_line.as_bytes());
    out.extend_from_slice(b"\r\n");
    for line in others.iter().filter(|l| !l.eq_ignore_ascii_case("content-length: 0")) {
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    // The dispatcher closes the connection after each of these; say so.
    if !others.iter().any(|l| l.to_ascii_lowercase().starts_with("connection:")) {
        out.extend_from_slice(b"connection: close\r\n");
    }
    out.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    out.extend_from_slice(
        b"content-type: application/problem+json\r\ncache-control: no-store\r\nx-content-type-options: nosniff\r\n\r\n",
    );
    out.extend_from_slice(&body);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUT: &[u8] =
        b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\ndate: Thu, 03 Dec 2026 12:50:45 GMT\r\n\r\n";

    fn split(out: &[u8]) -> (String, serde_json::Value) {
        let at = out.windows(4).position(|w| w == b"\r\n\r\n").expect("a head");
        let head = String::from_utf8(out[..at].to_vec()).expect("text");
        (head, serde_json::from_slice(&out[at + 4..]).expect("a JSON body"))
    }

    #[test]
    fn the_dispatchers_answers_get_a_problem_body() {
        let (head, body) = split(&rewrite(TIMEOUT).expect("rewritten"));
        assert!(head.starts_with("HTTP/1.1 408 Request Timeout\r\n"), "{head}");
        assert!(head.contains("\r\nconnection: close\r\n") && head.contains("\r\ndate: "), "{head}");
        assert!(head.contains("\r\ncontent-type: application/problem+json"), "{head}");
        assert!(!head.contains("content-length: 0"), "{head}");
        assert_eq!(body["status"], 408);
        assert_eq!(body["code"], "request_timeout");
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .and_then(|v| v.parse().ok())
            .expect("a length");
        assert_eq!(length, serde_json::to_vec(&body).expect("json").len());
        for (status, reason) in [(400, "Bad Request"), (431, "Request Header Fields Too Large")] {
            let raw = format!("HTTP/1.1 {status} {reason}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let (_, body) = split(&rewrite(raw.as_bytes()).expect("rewritten"));
            assert_eq!(body["status"], status);
        }
        let (head, _) = split(&rewrite(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").expect("rewritten"));
        assert_eq!(head.matches("connection: close").count(), 1, "{head}");
    }

    #[test]
    fn earlier_answers_in_the_same_write_are_kept() {
        let earlier = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
        let out = rewrite(&[&earlier[..], TIMEOUT].concat()).expect("rewritten");
        assert!(out.starts_with(earlier));
        let (head, _) = split(&out[earlier.len()..]);
        assert!(head.starts_with("HTTP/1.1 408"));
    }

    #[test]
    fn the_apps_answers_are_untouched() {
        for raw in [
            &b"HTTP/1.1 304 Not Modified\r\netag: \"1\"\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 204 No Content\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 3\r\n\r\n{}\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\ncontent-type: application/problem+json\r\n\r\n",
            b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nHTTP/1.1 4",
            b"\r\n\r\n",
            b"",
        ] {
            assert!(rewrite(raw).is_none(), "{}", String::from_utf8_lossy(raw));
        }
    }
}
