//! Slack's 3 s: how much of it a request has left when the function sees it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Slack gives up 3 s after it sent the request; commands get this much of it, counted from when
/// the Function URL received it, and the rest is for the answer to travel.
pub const COMMAND_BUDGET: Duration = Duration::from_millis(2400);
/// What a command gets however late the request reached the function: enough to send an answer.
const LEAST_LEFT: Duration = Duration::from_millis(300);

/// What is left of [`COMMAND_BUDGET`] when the function sees the request: the Function URL
/// received it at `time_epoch_ms` (`requestContext.timeEpoch`), it is now `now_ms` (both epoch
/// milliseconds, AWS's clocks); at least [`LEAST_LEFT`].
pub fn budget_left(time_epoch_ms: i64, now_ms: i64) -> Duration {
    let spent = u64::try_from(now_ms.saturating_sub(time_epoch_ms)).unwrap_or(0);
    COMMAND_BUDGET
        .saturating_sub(Duration::from_millis(spent))
        .max(LEAST_LEFT)
}

pub fn epoch_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_counts_from_when_the_function_url_received_the_request() {
        // (timeEpoch, now) in ms → left of the 2.4 s
        for (arrived, now, left) in [
            (1_000, 1_000, 2_400),
            (1_000, 1_350, 2_050),
            (1_000, 3_100, 300),
            (1_000, 9_000, 300),
            (2_000, 1_000, 2_400),
            (0, i64::MAX, 300),
            (i64::MAX, 0, 2_400),
        ] {
            assert_eq!(
                budget_left(arrived, now),
                Duration::from_millis(left),
                "{arrived} {now}"
            );
        }
    }
}
