//! The contract's idle rules as one pure decision: given what is known of a debug task and the
//! thresholds of its cluster, as of `now`, keep it or stop it (and say which rule fired).

use debug_toolkit::duration::format_minutes;
use debug_toolkit::heartbeat;
use debug_toolkit::timestamp::{self, describe_span, EpochSeconds};

/// What is known of the task's exec sessions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sessions {
    /// No `ExecuteCommand` recorded on the task.
    NoneRecorded,
    /// The last recorded session has no log stream yet: ECS writes it when the session ends, so
    /// the session may still be open.
    PossiblyOpen,
    /// The last recorded session's stream exists (the session ended); its last event, if any.
    Closed { last_event: Option<EpochSeconds> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    /// `startedAt`, else `createdAt`, else the launched-at tag.
    pub start: Option<EpochSeconds>,
    /// The expires-at tag, when it parses.
    pub expires_at: Option<EpochSeconds>,
    /// The last-activity tag, when it parses.
    pub last_activity: Option<EpochSeconds>,
    pub sessions: Sessions,
    /// The latest session heartbeat in the task's stream (contract v2), if any.
    pub heartbeat: Option<EpochSeconds>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    pub idle_timeout_minutes: u32,
    pub max_lifetime_minutes: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    Expired {
        at: EpochSeconds,
    },
    MaxLifetime {
        started: EpochSeconds,
        max_minutes: u32,
    },
    Idle {
        since: EpochSeconds,
        idle_seconds: i64,
        timeout_minutes: u32,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    Active,
    /// A heartbeat within the last three minutes: a session is open.
    SessionOpen,
    SessionMayBeOpen,
    /// Nothing says when it started or was last used (no rule can be applied safely).
    NoTimes,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Keep(Keep),
    Stop(Rule),
}

const MINUTE: i64 = 60;

pub fn judge(facts: &Facts, limits: &Thresholds, now: EpochSeconds) -> Verdict {
    if let Some(at) = facts.expires_at.filter(|at| now > *at) {
        return Verdict::Stop(Rule::Expired { at });
    }
    if let Some(started) = facts.start {
        if now > started + i64::from(limits.max_lifetime_minutes) * MINUTE {
            return Verdict::Stop(Rule::MaxLifetime {
                started,
                max_minutes: limits.max_lifetime_minutes,
            });
        }
    }
    if facts
        .heartbeat
        .is_some_and(|beat| now - beat <= heartbeat::OPEN_WITHIN_SECONDS)
    {
        return Verdict::Keep(Keep::SessionOpen);
    }
    let stream_event = match facts.sessions {
        Sessions::PossiblyOpen => return Verdict::Keep(Keep::SessionMayBeOpen),
        Sessions::Closed { last_event } => last_event,
        Sessions::NoneRecorded => None,
    };
    let Some(since) = [
        facts.start,
        facts.last_activity,
        stream_event,
        facts.heartbeat,
    ]
    .into_iter()
    .flatten()
    .max() else {
        return Verdict::Keep(Keep::NoTimes);
    };
    let idle_seconds = now - since;
    if idle_seconds > i64::from(limits.idle_timeout_minutes) * MINUTE {
        Verdict::Stop(Rule::Idle {
            since,
            idle_seconds,
            timeout_minutes: limits.idle_timeout_minutes,
        })
    } else {
        Verdict::Keep(Keep::Active)
    }
}

impl Rule {
    /// The `StopTask` reason (at most 255 characters) and what the channel is told.
    pub fn reason(&self) -> String {
        let text = match self {
            Self::Expired { at } => format!("expired at {}", timestamp::format(*at)),
            Self::MaxLifetime {
                started,
                max_minutes,
            } => format!(
                "reached the max lifetime of {} (started {})",
                format_minutes(*max_minutes),
                timestamp::format(*started)
            ),
            Self::Idle {
                idle_seconds,
                timeout_minutes,
                ..
            } => format!(
                "idle for {} (idle timeout {})",
                describe_span(*idle_seconds),
                format_minutes(*timeout_minutes)
            ),
        };
        format!("ecs-debug-toolkit idle-reaper: {text}")
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Expired { .. } => "expired",
            Self::MaxLifetime { .. } => "max-lifetime",
            Self::Idle { .. } => "idle",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: EpochSeconds = 1_795_000_000;
    const M: i64 = MINUTE;
    const LIMITS: Thresholds = Thresholds {
        idle_timeout_minutes: 30,
        max_lifetime_minutes: 240,
    };

    fn facts() -> Facts {
        Facts {
            start: Some(T0),
            expires_at: Some(T0 + 60 * M),
            last_activity: None,
            sessions: Sessions::NoneRecorded,
            heartbeat: None,
        }
    }

    fn idle(since: EpochSeconds, now: EpochSeconds) -> Verdict {
        Verdict::Stop(Rule::Idle {
            since,
            idle_seconds: now - since,
            timeout_minutes: 30,
        })
    }

    #[test]
    fn every_rule_and_edge() {
        use Keep::*;
        use Sessions::*;
        let cases: Vec<(&str, Facts, EpochSeconds, Verdict)> = vec![
            ("fresh", facts(), T0 + 10 * M, Verdict::Keep(Active)),
            (
                "idle exactly at the timeout is kept",
                facts(),
                T0 + 30 * M,
                Verdict::Keep(Active),
            ),
            (
                "idle one second past the timeout",
                facts(),
                T0 + 30 * M + 1,
                idle(T0, T0 + 30 * M + 1),
            ),
            (
                "recent activity tag keeps it",
                Facts {
                    last_activity: Some(T0 + 20 * M),
                    ..facts()
                },
                T0 + 45 * M,
                Verdict::Keep(Active),
            ),
            (
                "a heartbeat two minutes ago: a session is open, however idle otherwise",
                Facts {
                    heartbeat: Some(T0 + 43 * M),
                    ..facts()
                },
                T0 + 45 * M,
                Verdict::Keep(SessionOpen),
            ),
            (
                "a heartbeat exactly three minutes ago still counts as open",
                Facts {
                    heartbeat: Some(T0 + 42 * M),
                    ..facts()
                },
                T0 + 45 * M,
                Verdict::Keep(SessionOpen),
            ),
            (
                "the last heartbeat ten minutes ago: closed, but it is the last activity",
                Facts {
                    heartbeat: Some(T0 + 35 * M),
                    ..facts()
                },
                T0 + 45 * M,
                Verdict::Keep(Active),
            ),
            (
                "the last heartbeat long ago: idle since then",
                Facts {
                    heartbeat: Some(T0 + 10 * M),
                    ..facts()
                },
                T0 + 45 * M,
                idle(T0 + 10 * M, T0 + 45 * M),
            ),
            (
                "a heartbeat does not outlive the expiry",
                Facts {
                    heartbeat: Some(T0 + 44 * M),
                    expires_at: Some(T0 + 40 * M),
                    ..facts()
                },
                T0 + 45 * M,
                Verdict::Stop(Rule::Expired { at: T0 + 40 * M }),
            ),
            (
                "activity long ago",
                Facts {
                    last_activity: Some(T0 + 5 * M),
                    ..facts()
                },
                T0 + 45 * M,
                idle(T0 + 5 * M, T0 + 45 * M),
            ),
            (
                "closed session's stream counts",
                Facts {
                    sessions: Closed {
                        last_event: Some(T0 + 40 * M),
                    },
                    ..facts()
                },
                T0 + 45 * M,
                Verdict::Keep(Active),
            ),
            (
                "closed session long ago",
                Facts {
                    sessions: Closed {
                        last_event: Some(T0 + M),
                    },
                    ..facts()
                },
                T0 + 45 * M,
                idle(T0 + M, T0 + 45 * M),
            ),
            (
                "closed stream without events",
                Facts {
                    sessions: Closed { last_event: None },
                    ..facts()
                },
                T0 + 45 * M,
                idle(T0, T0 + 45 * M),
            ),
            (
                "open session keeps an idle task",
                Facts {
                    sessions: PossiblyOpen,
                    ..facts()
                },
                T0 + 50 * M,
                Verdict::Keep(SessionMayBeOpen),
            ),
            (
                "open session does not outlive the expiry",
                Facts {
                    sessions: PossiblyOpen,
                    ..facts()
                },
                T0 + 61 * M,
                Verdict::Stop(Rule::Expired { at: T0 + 60 * M }),
            ),
            (
                "open session does not outlive the max lifetime",
                Facts {
                    sessions: PossiblyOpen,
                    expires_at: None,
                    ..facts()
                },
                T0 + 241 * M,
                Verdict::Stop(Rule::MaxLifetime {
                    started: T0,
                    max_minutes: 240,
                }),
            ),
            (
                "expired while active",
                Facts {
                    last_activity: Some(T0 + 59 * M),
                    ..facts()
                },
                T0 + 61 * M,
                Verdict::Stop(Rule::Expired { at: T0 + 60 * M }),
            ),
            (
                "at the expiry second it is kept",
                Facts {
                    last_activity: Some(T0 + 59 * M),
                    ..facts()
                },
                T0 + 60 * M,
                Verdict::Keep(Active),
            ),
            (
                "extended expiry keeps it",
                Facts {
                    expires_at: Some(T0 + 180 * M),
                    last_activity: Some(T0 + 100 * M),
                    ..facts()
                },
                T0 + 120 * M,
                Verdict::Keep(Active),
            ),
            (
                "max lifetime even when extended past it",
                Facts {
                    expires_at: Some(T0 + 900 * M),
                    last_activity: Some(T0 + 240 * M),
                    ..facts()
                },
                T0 + 241 * M,
                Verdict::Stop(Rule::MaxLifetime {
                    started: T0,
                    max_minutes: 240,
                }),
            ),
            (
                "expiry checked before max lifetime",
                Facts {
                    expires_at: Some(T0 + 60 * M),
                    ..facts()
                },
                T0 + 300 * M,
                Verdict::Stop(Rule::Expired { at: T0 + 60 * M }),
            ),
            (
                "no start: activity still judges",
                Facts {
                    start: None,
                    last_activity: Some(T0),
                    ..facts()
                },
                T0 + 31 * M,
                idle(T0, T0 + 31 * M),
            ),
            (
                "no start, no activity, no expiry: kept",
                Facts {
                    start: None,
                    expires_at: None,
                    ..facts()
                },
                T0 + 9999 * M,
                Verdict::Keep(NoTimes),
            ),
            (
                "no start but expired",
                Facts {
                    start: None,
                    ..facts()
                },
                T0 + 61 * M,
                Verdict::Stop(Rule::Expired { at: T0 + 60 * M }),
            ),
            (
                "activity in the future (clock skew) keeps it",
                Facts {
                    last_activity: Some(T0 + 90 * M),
                    ..facts()
                },
                T0 + 45 * M,
                Verdict::Keep(Active),
            ),
            (
                "start in the future (clock skew) keeps it",
                Facts {
                    start: Some(T0 + 60 * M),
                    expires_at: None,
                    ..facts()
                },
                T0,
                Verdict::Keep(Active),
            ),
            (
                "an event replayed late judges as of its own time",
                facts(),
                T0 + 5 * M,
                Verdict::Keep(Active),
            ),
        ];
        for (what, facts, now, expected) in cases {
            assert_eq!(judge(&facts, &LIMITS, now), expected, "{what}");
        }
    }

    #[test]
    fn reasons_name_the_rule_and_fit_stop_task() {
        let reasons = [
            Rule::Expired { at: T0 }.reason(),
            Rule::MaxLifetime {
                started: T0,
                max_minutes: 240,
            }
            .reason(),
            Rule::Idle {
                since: T0,
                idle_seconds: 31 * M,
                timeout_minutes: 30,
            }
            .reason(),
        ];
        assert_eq!(
            reasons[0],
            "ecs-debug-toolkit idle-reaper: expired at 2026-11-18T11:06:40Z"
        );
        assert_eq!(reasons[1], "ecs-debug-toolkit idle-reaper: reached the max lifetime of 4h (started 2026-11-18T11:06:40Z)");
        assert_eq!(
            reasons[2],
            "ecs-debug-toolkit idle-reaper: idle for 31m (idle timeout 30m)"
        );
        assert!(reasons.iter().all(|r| r.len() <= 255));
    }
}
