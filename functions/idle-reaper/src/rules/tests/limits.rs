//! Expiry, the max lifetime, missing and skewed times; the StopTask reasons.

use super::*;

#[test]
fn expiry_lifetime_and_missing_times() {
    use Keep::*;
    let cases: Vec<(&str, Facts, EpochSeconds, Verdict)> = vec![
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
    check(cases);
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
