//! The one backoff of every retry loop we write ourselves (the SDK retries throttling and 5xx on
//! its own, `aws::load_sdk_config`): waits whose ceiling doubles from `first` up to `max`, for at
//! most `attempts` attempts, and never past a deadline. Each wait is drawn with "equal jitter"
//! (AWS Architecture Blog, "Exponential Backoff And Jitter"): between half its ceiling and the
//! ceiling, so concurrent loops (two Creates meeting the same refusal) do not retry in lockstep,
//! while a wait never shrinks below half of what the loop asked for (a consistency window still
//! gets time to close).

use crate::deadline::Deadline;
use std::time::Duration;

/// Where a wait falls between half its ceiling and the ceiling: a fraction in `[0, 1]`.
pub type Draw = fn() -> f64;

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

    /// The waits of one retry loop, jittered by a thread-local random source (`fastrand`).
    pub fn start(self) -> Waits {
        self.start_drawing(fastrand::f64)
    }

    /// The waits of one retry loop, jittered by `draw` (tests pass a fixed one).
    pub fn start_drawing(self, draw: Draw) -> Waits {
        Waits {
            ceiling: self.first,
            max: self.max,
            waits_left: self.attempts.map(|a| a.saturating_sub(1)),
            attempt: 1,
            draw,
        }
    }
}

/// A wait under `ceiling` with equal jitter: half the ceiling plus `fraction` of the other half.
pub fn equal_jitter(ceiling: Duration, fraction: f64) -> Duration {
    let half = ceiling / 2;
    let fraction = if fraction.is_finite() {
        fraction.clamp(0.0, 1.0)
    } else {
        1.0
    };
    half + (ceiling - half).mul_f64(fraction)
}

/// The state of one retry loop: which attempt this is and how long to wait before the next.
#[derive(Debug)]
pub struct Waits {
    ceiling: Duration,
    max: Duration,
    waits_left: Option<u32>,
    attempt: u32,
    draw: Draw,
}

impl Waits {
    /// The attempt being made (1 for the first).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The wait before another attempt, or `None` when no attempt is left or the wait would not
    /// end before `until` (with no deadline, only the attempt count bounds it).
    pub fn next_within(&mut self, until: Option<Deadline>) -> Option<Duration> {
        if self.waits_left == Some(0) {
            return None;
        }
        let wait = equal_jitter(self.ceiling, (self.draw)());
        if until.is_some_and(|d| d.remaining() <= wait) {
            return None;
        }
        self.waits_left = self.waits_left.map(|n| n - 1);
        self.ceiling = (self.ceiling * 2).min(self.max);
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
    const TOP: Draw = || 1.0;
    const BOTTOM: Draw = || 0.0;

    fn waits(backoff: Backoff, draw: Draw, until: Option<Deadline>) -> Vec<Duration> {
        let mut loop_ = backoff.start_drawing(draw);
        std::iter::from_fn(|| loop_.next_within(until))
            .take(20)
            .collect()
    }

    #[test]
    fn equal_jitter_keeps_a_wait_between_half_its_ceiling_and_the_ceiling() {
        for (fraction, expected) in [
            (0.0, MS(500)),
            (0.25, MS(625)),
            (0.5, MS(750)),
            (1.0, MS(1000)),
            (-3.0, MS(500)),
            (7.0, MS(1000)),
            (f64::NAN, MS(1000)),
        ] {
            assert_eq!(equal_jitter(MS(1000), fraction), expected, "{fraction}");
        }
        assert_eq!(equal_jitter(MS(1), 0.0), Duration::from_micros(500));
        assert_eq!(equal_jitter(Duration::ZERO, 0.7), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn ceilings_double_up_to_the_cap_and_stop_at_the_attempts_or_the_deadline() {
        for (name, backoff, draw, until, expected) in [
            (
                "three attempts: two waits",
                Backoff::doubling(MS(200), MS(5000)).attempts(3),
                TOP,
                None,
                vec![MS(200), MS(400)],
            ),
            (
                "three attempts, the shortest draws: half of each ceiling",
                Backoff::doubling(MS(200), MS(5000)).attempts(3),
                BOTTOM,
                None,
                vec![MS(100), MS(200)],
            ),
            (
                "capped",
                Backoff::doubling(MS(1000), MS(2500)).attempts(5),
                TOP,
                None,
                vec![MS(1000), MS(2000), MS(2500), MS(2500)],
            ),
            (
                "capped, the shortest draws: the cap's half",
                Backoff::doubling(MS(1000), MS(2500)).attempts(5),
                BOTTOM,
                None,
                vec![MS(500), MS(1000), MS(1250), MS(1250)],
            ),
            (
                "a deadline ends it before a wait that would pass it",
                Backoff::doubling(MS(1000), MS(8000)),
                TOP,
                Some(Deadline::after(MS(2500))),
                // Paused time: the deadline does not move while nothing sleeps.
                vec![MS(1000), MS(2000)],
            ),
            (
                "the deadline judges the wait drawn: a shorter one still fits",
                Backoff::doubling(MS(1000), MS(8000)),
                BOTTOM,
                Some(Deadline::after(MS(2500))),
                vec![MS(500), MS(1000), MS(2000)],
            ),
            (
                "one attempt: no wait",
                Backoff::doubling(MS(1), MS(1)).attempts(1),
                TOP,
                None,
                vec![],
            ),
        ] {
            assert_eq!(waits(backoff, draw, until), expected, "{name}");
        }
    }

    #[test]
    fn concurrent_loops_do_not_wait_in_lockstep() {
        let backoff = Backoff::doubling(MS(1000), MS(8000)).attempts(4);
        let loops: Vec<Vec<Duration>> = (0..20)
            .map(|_| {
                let mut loop_ = backoff.start();
                std::iter::from_fn(|| loop_.next_within(None)).collect()
            })
            .collect();
        for waits in &loops {
            let ceilings = [MS(1000), MS(2000), MS(4000)];
            assert_eq!(waits.len(), 3, "{waits:?}");
            for (wait, ceiling) in waits.iter().zip(ceilings) {
                assert!(*wait >= ceiling / 2 && *wait <= ceiling, "{waits:?}");
            }
        }
        let firsts: std::collections::BTreeSet<Duration> = loops.iter().map(|w| w[0]).collect();
        assert!(firsts.len() > 1, "20 loops, one first wait: {firsts:?}");
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
