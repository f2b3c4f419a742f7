//! The invocation deadline, and the budgets carved out of it.

use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

/// Used when the invocation carries no deadline (for example a handler called from a test).
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(15 * 60);

/// A point in time by which the invocation must have finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Deadline(Instant);

impl Deadline {
    /// From Lambda's `Context.deadline` (milliseconds since the Unix epoch); 0 means "none given".
    pub fn from_epoch_millis(deadline_ms: u64) -> Self {
        if deadline_ms == 0 {
            return Self::after(DEFAULT_BUDGET);
        }
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        Self::after(Duration::from_millis(deadline_ms.saturating_sub(now_ms)))
    }

    pub fn after(budget: Duration) -> Self {
        Self(Instant::now() + budget)
    }

    pub fn instant(self) -> Instant {
        self.0
    }

    pub fn remaining(self) -> Duration {
        self.0.saturating_duration_since(Instant::now())
    }

    /// A deadline earlier than this one by `reserve` (never earlier than now).
    pub fn minus(self, reserve: Duration) -> Self {
        let now = Instant::now();
        let earlier = self.0.checked_sub(reserve).unwrap_or(now);
        Self(earlier.max(now))
    }

    /// Runs `work` as the invocation with this deadline: what [`Deadline::of_invocation`] answers
    /// inside it. Each main sets it once, so code deep down (Slack's `Retry-After`) can keep
    /// within the invocation without every caller passing it on.
    pub async fn scope<F: Future>(self, work: F) -> F::Output {
        INVOCATION.scope(self, work).await
    }

    /// The deadline of the invocation being handled ([`Deadline::scope`]), else
    /// [`DEFAULT_BUDGET`] from now (a handler called from a test).
    pub fn of_invocation() -> Self {
        INVOCATION
            .try_with(|deadline| *deadline)
            .unwrap_or_else(|_| Self::after(DEFAULT_BUDGET))
    }
}

tokio::task_local! {
    static INVOCATION: Deadline;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn zero_means_the_default_budget() {
        let deadline = Deadline::from_epoch_millis(0);
        assert_eq!(deadline.remaining(), DEFAULT_BUDGET);
    }

    #[tokio::test(start_paused = true)]
    async fn minus_never_goes_before_now() {
        let deadline = Deadline::after(Duration::from_secs(2));
        assert_eq!(
            deadline.minus(Duration::from_secs(5)).remaining(),
            Duration::ZERO
        );
        assert_eq!(
            deadline.minus(Duration::from_secs(1)).remaining(),
            Duration::from_secs(1)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_invocation_deadline_is_the_scopes_else_the_default_budget() {
        assert_eq!(Deadline::of_invocation().remaining(), DEFAULT_BUDGET);
        let deadline = Deadline::after(Duration::from_secs(7));
        let inside = deadline.scope(async { Deadline::of_invocation() }).await;
        assert_eq!(inside, deadline);
    }

    #[tokio::test]
    async fn a_past_epoch_deadline_has_nothing_left() {
        let deadline = Deadline::from_epoch_millis(1_000);
        assert_eq!(deadline.remaining(), Duration::ZERO);
    }
}
