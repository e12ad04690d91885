//! The webhook worker, one per instance: it fires scheduled changes at their time,
//! then sends the deliveries that are due (leased in the database, so that each goes
//! out from one instance), and sleeps until the next is due, a write of this process
//! may have added one, or the clock is moved. Instances that crashed leave leases
//! that run out; any instance then takes their deliveries over.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use tokio::sync::{Notify, Semaphore};

use crate::db::webhooks::Claimed;
use crate::domain::webhook::is_public;
use crate::service::webhooks::{self, Outcome};
use crate::state::AppState;

/// Attempts in flight at once per instance: a slow receiver holds one for at most the
/// timeout, and does not hold up the others.
const IN_FLIGHT: usize = 16;
/// The longest the worker sleeps without looking: what another instance wrote (an
/// event it could not send before it stopped, a schedule it changed) is seen by then.
const IDLE: Duration = Duration::from_secs(15);

/// Starts the worker on the current runtime.
pub fn spawn(state: AppState) {
    actix_web::rt::spawn(run(state));
}

fn build(state: &AppState) -> Result<reqwest::Client, reqwest::Error> {
    let settings = &state.settings.webhooks;
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout.min(Duration::from_secs(5)))
        .pool_idle_timeout(Duration::from_secs(30))
        .user_agent(concat!("Masthead-Webhooks/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(Guarded { allow_private: settings.allow_private })
        .build()
}

async fn run(state: AppState) {
    // Made when the first delivery is due: its TLS context holds the system's root
    // certificates, megabytes that an instance with no webhooks never needs.
    let mut client: Option<reqwest::Client> = None;
    let mut writes = crate::db::watch_writes();
    let mut moved = state.clock.watch();
    let done = Arc::new(Notify::new());
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut pruned: Option<DateTime<Utc>> = None;
    loop {
        writes.borrow_and_update();
        moved.borrow_and_update();
        let now = state.clock.now();
        if pruned.is_none_or(|at| now - at >= chrono::Duration::hours(1)) {
            pruned = Some(now);
            if let Err(e) = webhooks::prune(&state).await {
                tracing::warn!(error = %e, "webhooks: pruning the delivery log failed");
            }
        }
        let boundary = webhooks::fire_scheduled(&state).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "webhooks: firing scheduled changes failed");
            None
        });
        let due = webhooks::next_due(&state).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "webhooks: reading the next delivery failed");
            None
        });
        // Claims as many as there are free slots (a write, so only when one is due);
        // each attempt gives its slot back.
        let free = slots.available_permits();
        if client.is_none() && due.is_some_and(|at| at <= now) {
            client = build(&state)
                .inspect_err(|e| tracing::error!(error = %e, "webhooks: cannot build the HTTP client"))
                .ok();
        }
        if let (true, Some(client)) = (free > 0 && due.is_some_and(|at| at <= now), &client) {
            match webhooks::claim(&state, free as i64).await {
                Ok(claimed) => {
                    for c in claimed {
                        let Ok(permit) = slots.clone().try_acquire_owned() else { break };
                        let (state, client, done) = (state.clone(), client.clone(), done.clone());
                        actix_web::rt::spawn(async move {
                            attempt(&state, &client, c).await;
                            drop(permit);
                            done.notify_one();
                        });
                    }
                }
                Err(e) => tracing::warn!(error = %e, "webhooks: claiming deliveries failed"),
            }
        }
        let due = webhooks::next_due(&state).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "webhooks: reading the next delivery failed");
            None
        });
        // A delivery due while every slot is busy (or with no client to send it) waits
        // for a slot to come back, or for the idle look, not on a timer that has passed.
        let stuck = client.is_none() && due.is_some_and(|at| at <= state.clock.now());
        let can_send = slots.available_permits() > 0 && !stuck;
        let wake = [boundary, due.filter(|_| can_send)].into_iter().flatten().min();
        let sleep = wake.map_or(IDLE, |at| until(&state, at).min(IDLE));
        if sleep.is_zero() {
            continue;
        }
        let woken: [Pin<Box<dyn Future<Output = ()> + '_>>; 4] = [
            Box::pin(actix_web::rt::time::sleep(sleep.max(Duration::from_millis(10)))),
            Box::pin(async { writes.changed().await.unwrap_or(()) }),
            Box::pin(async { moved.changed().await.unwrap_or(()) }),
            Box::pin(done.notified()),
        ];
        futures_util::future::select_all(woken).await;
    }
}

/// Real time from now until `at` on the state's clock.
fn until(state: &AppState, at: DateTime<Utc>) -> Duration {
    (at - state.clock.now()).to_std().unwrap_or(Duration::ZERO)
}

/// One attempt: sign, send, record.
async fn attempt(state: &AppState, client: &reqwest::Client, claimed: Claimed) {
    let at = state.clock.now();
    let started = Instant::now();
    let (status, error) = match send(state, client, &claimed, at).await {
        Ok(status) if (200..300).contains(&status) => (Some(status), None),
        Ok(status) => (Some(status), Some(format!("answered {status}"))),
        Err(e) => (None, Some(e)),
    };
    let outcome = Outcome {
        at,
        status,
        duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        error,
        jitter: jitter(),
    };
    match webhooks::record(state, &claimed, outcome).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::info!(delivery = %claimed.delivery.id, "webhooks: lease lost before the attempt was recorded")
        }
        Err(e) => tracing::warn!(delivery = %claimed.delivery.id, error = %e, "webhooks: recording an attempt failed"),
    }
}

async fn send(state: &AppState, client: &reqwest::Client, c: &Claimed, at: DateTime<Utc>) -> Result<u16, String> {
    let url = reqwest::Url::parse(&c.url).map_err(|e| format!("bad URL: {e}"))?;
    // Literal addresses never reach the resolver: they are checked here.
    let literal = url.host_str().and_then(|h| h.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().ok());
    if let Some(ip) = literal {
        if !state.settings.webhooks.allow_private && !is_public(ip) {
            return Err(format!("refused: {ip} is not a public address"));
        }
    }
    let timestamp = at.timestamp();
    let id = c.event.id.as_str();
    let signature = crate::auth::signing::sign(&c.secret, id, timestamp, &c.event.payload)?;
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(c.event.payload.clone())
        .send()
        .await
        .map_err(describe)?;
    // The body is not read: only the status counts, and a receiver that streams a
    // long answer must not hold the attempt.
    Ok(response.status().as_u16())
}

/// A send error in a line, with its cause (a refused address, a timeout).
fn describe(e: reqwest::Error) -> String {
    let mut text = if e.is_timeout() { "timed out".to_string() } else { e.to_string() };
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text.chars().take(500).collect()
}

fn jitter() -> f64 {
    let mut b = [0u8; 2];
    let _ = getrandom::fill(&mut b);
    f64::from(u16::from_le_bytes(b)) / f64::from(u16::MAX)
}

/// Resolves names as the system does, then keeps only addresses that deliveries may
/// go to: checked on the addresses actually connected to, at send time, so a name
/// that points inside the network (or is re-pointed there) is refused.
struct Guarded {
    allow_private: bool,
}

impl Resolve for Guarded {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> =
                found.iter().copied().filter(|a| allow_private || is_public(a.ip())).collect();
            if allowed.is_empty() {
                let why =
                    if found.is_empty() { "resolves to no address" } else { "resolves only to non-public addresses" };
                return Err(format!("refused: {host} {why}").into());
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}
