//! The one backoff of every retry loop we write ourselves (the SDK retries throttling and 5xx on
//! its own, `aws::load_sdk_config`): waits that double from `first` up to `max`, for at most
//! `attempts` attempts, and never past a deadline.

use crate::deadline::Deadline;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    first: Duration,
    max: Duration,
    attempts: Option<u32>,
}

impl Backoff {
    /// Doubling waits from `first`, capped at `max`; attempts bounded only by a deadline.
    pub const fn doubling(first: Duration, max: Duration) -> Self {
        Self {
            first,
            max,
            attempts: None,
        }
    }

    /// At most `attempts` attempts in all (so `attempts - 1` waits).
    pub const fn attempts(self, attempts: u32) -> Self {
        Self {
            attempts: Some(attempts),
            ..self
        }
    }

    /// The waits of one retry loop.
    pub fn start(self) -> Waits {
        Waits {
            next: self.first,
            max: self.max,
            waits_left: self.attempts.map(|a| a.saturating_sub(1)),
            attempt: 1,
        }
    }
}

/// The state of one retry loop: which attempt this is and how long to wait before the next.
#[derive(Debug)]
pub struct Waits {
    next: Duration,
    max: Duration,
    waits_left: Option<u32>,
    attempt: u32,
}

impl Waits {
    /// The attempt being made (1 for the first).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The wait before another attempt, or `None` when no attempt is left or the wait would not
    /// end before `until` (with no deadline, only the attempt count bounds it).
    pub fn next_within(&mut self, until: Option<Deadline>) -> Option<Duration> {
        if self.waits_left == Some(0) || until.is_some_and(|d| d.remaining() <= self.next) {
            return None;
        }
        let wait = self.next;
        self.waits_left = self.waits_left.map(|n| n - 1);
        self.next = (self.next * 2).min(self.max);
        self.attempt += 1;
        Some(wait)
    }

    /// [`Self::next_within`], then sleeps that wait; `false` when the loop must give up.
    pub async fn wait_within(&mut self, until: Option<Deadline>) -> bool {
        match self.next_within(until) {
            Some(wait) => {
                tokio::time::sleep(wait).await;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    fn waits(backoff: Backoff, until: Option<Deadline>) -> Vec<Duration> {
        let mut loop_ = backoff.start();
        std::iter::from_fn(|| loop_.next_within(until))
            .take(20)
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn waits_double_up_to_the_cap_and_stop_at_the_attempts_or_the_deadline() {
        for (name, backoff, until, expected) in [
            (
                "three attempts: two waits",
                Backoff::doubling(MS(200), MS(5000)).attempts(3),
                None,
                vec![MS(200), MS(400)],
            ),
            (
                "capped",
                Backoff::doubling(MS(1000), MS(2500)).attempts(5),
                None,
                vec![MS(1000), MS(2000), MS(2500), MS(2500)],
            ),
            (
                "a deadline ends it before a wait that would pass it",
                Backoff::doubling(MS(1000), MS(8000)),
                Some(Deadline::after(MS(2500))),
                // Paused time: the deadline does not move while nothing sleeps.
                vec![MS(1000), MS(2000)],
            ),
            (
                "one attempt: no wait",
                Backoff::doubling(MS(1), MS(1)).attempts(1),
                None,
                vec![],
            ),
        ] {
            assert_eq!(waits(backoff, until), expected, "{name}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn attempts_are_counted() {
        let mut loop_ = Backoff::doubling(MS(10), MS(10)).attempts(3).start();
        assert_eq!(loop_.attempt(), 1);
        assert!(loop_.wait_within(None).await);
        assert!(loop_.wait_within(None).await);
        assert_eq!(loop_.attempt(), 3);
        assert!(!loop_.wait_within(None).await);
    }
}
