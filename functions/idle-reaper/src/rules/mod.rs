//! The idle rules (docs/interface.md, `idle-reaper`) as one pure decision: given what is known of a
//! debug task and the thresholds of its cluster, as of `now`, keep it or stop it (and say which
//! rule fired).

use debug_toolkit::cluster::Limits;
use debug_toolkit::duration::format_minutes;
use debug_toolkit::heartbeat;
use debug_toolkit::metrics::{IDLE_WORDS, REAPER_REASON_PREFIX};
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
    /// The latest session heartbeat in the task's stream (docs/interface.md, `idle-reaper`), if
    /// any.
    pub heartbeat: Option<EpochSeconds>,
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

/// `limits` are the cluster's (its tags, else the function's defaults).
pub fn judge(facts: &Facts, limits: &Limits, now: EpochSeconds) -> Verdict {
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
                "{IDLE_WORDS}{} (idle timeout {})",
                describe_span(*idle_seconds),
                format_minutes(*timeout_minutes)
            ),
        };
        format!("{REAPER_REASON_PREFIX}{text}")
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
mod tests;
