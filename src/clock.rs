//! The one source of "now", injectable so that tests can move time.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, DurationRound, Utc};

/// Marks a clock that follows the wall clock (not frozen).
const RUNNING: i64 = i64::MIN;

/// Wall-clock UTC time, plus an offset that tests can advance; tests may also
/// freeze it at an instant, so that checks one second either side of a boundary
/// do not depend on how fast the machine runs.
#[derive(Clone)]
pub struct Clock {
    offset_micros: Arc<AtomicI64>,
    frozen_micros: Arc<AtomicI64>,
    /// Told each time the clock is moved, so that timers waiting on it wake.
    moved: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Default for Clock {
    fn default() -> Clock {
        Clock {
            offset_micros: Arc::new(AtomicI64::new(0)),
            frozen_micros: Arc::new(AtomicI64::new(RUNNING)),
            moved: Arc::new(tokio::sync::watch::channel(0).0),
        }
    }
}

impl Clock {
    pub fn system() -> Clock {
        Clock::default()
    }

    /// Now, truncated to microseconds (what PostgreSQL keeps).
    pub fn now(&self) -> DateTime<Utc> {
        let frozen = self.frozen_micros.load(Ordering::Relaxed);
        let base = if frozen == RUNNING {
            Utc::now()
        } else {
            DateTime::from_timestamp_micros(frozen).unwrap_or_else(Utc::now)
        };
        let now = base + Duration::microseconds(self.offset_micros.load(Ordering::Relaxed));
        now.duration_trunc(Duration::microseconds(1)).unwrap_or(now)
    }

    /// Moves this clock (and every clone of it) forward by `by`.
    pub fn advance(&self, by: Duration) {
        self.offset_micros.fetch_add(by.num_microseconds().unwrap_or(i64::MAX), Ordering::Relaxed);
        self.moved.send_modify(|n| *n += 1);
    }

    /// Changes each time the clock is moved (advanced or frozen): what a timer that
    /// sleeps until an instant of this clock waits on besides the real time.
    pub fn watch(&self) -> tokio::sync::watch::Receiver<u64> {
        self.moved.subscribe()
    }

    /// Stops this clock (and every clone of it) at `at`: it reads `at` until advanced.
    pub fn freeze_at(&self, at: DateTime<Utc>) {
        self.offset_micros.store(0, Ordering::Relaxed);
        self.frozen_micros.store(at.timestamp_micros(), Ordering::Relaxed);
        self.moved.send_modify(|n| *n += 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frozen_clock_stands_still_until_advanced() {
        let clock = Clock::system();
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        clock.freeze_at(at);
        assert_eq!(clock.now(), at);
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(clock.clone().now(), at);
        clock.advance(Duration::seconds(1));
        assert_eq!(clock.now(), at + Duration::seconds(1));
    }
}
