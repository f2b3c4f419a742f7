//! The idle rules' table tests: fixtures here, the cases by subject beside.

use super::*;

mod activity;
mod limits;

pub const T0: EpochSeconds = 1_795_000_000;
pub const M: i64 = MINUTE;
pub const LIMITS: Limits = Limits {
    idle_timeout_minutes: 30,
    max_lifetime_minutes: 240,
};

pub fn facts() -> Facts {
    Facts {
        start: Some(T0),
        expires_at: Some(T0 + 60 * M),
        last_activity: None,
        sessions: Sessions::NoneRecorded,
        heartbeat: None,
    }
}

pub fn idle(since: EpochSeconds, now: EpochSeconds) -> Verdict {
    Verdict::Stop(Rule::Idle {
        since,
        idle_seconds: now - since,
        timeout_minutes: 30,
    })
}

/// Judges each case as of its `now`.
pub fn check(cases: Vec<(&str, Facts, EpochSeconds, Verdict)>) {
    for (what, facts, now, expected) in cases {
        assert_eq!(judge(&facts, &LIMITS, now), expected, "{what}");
    }
}
