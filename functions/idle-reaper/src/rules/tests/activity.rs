//! Idleness: activity tags, closed sessions' streams, open sessions and heartbeats.

use super::*;

#[test]
fn idleness_sessions_and_heartbeats() {
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
    ];
    check(cases);
}
