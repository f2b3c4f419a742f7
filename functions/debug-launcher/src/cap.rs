//! `MAX_DEBUG_TASKS_PER_USER` (stack parameter `MaxDebugTasksPerUser`): how many debug tasks one
//! requester may have running in one cluster. Counted from our tags on the cluster's running
//! tasks (`debug-toolkit:requested-by` on a task we started), just before `RunTask`.
//!
//! Two launches of the same requester at the same moment may both count below the cap and both
//! run: the cap is a brake on a forgotten loop or a careless click, not a quota (docs/security.md,
//! "Debug tasks per user"). The overshoot is at most the launches in flight at once.

use debug_toolkit::config::{var, ConfigError};
use debug_toolkit::debug_task::TaskView;

pub const VARIABLE: &str = "MAX_DEBUG_TASKS_PER_USER";
pub const DEFAULT: u32 = 3;

/// The cap; `None`: no cap (the variable is `0`).
pub fn from_env() -> Result<Option<u32>, ConfigError> {
    parse(var(VARIABLE))
}

fn parse(value: Option<String>) -> Result<Option<u32>, ConfigError> {
    let Some(text) = value else {
        return Ok(Some(DEFAULT));
    };
    match text.parse::<u32>() {
        Ok(0) => Ok(None),
        Ok(cap) => Ok(Some(cap)),
        Err(_) => Err(ConfigError {
            name: VARIABLE,
            value: text,
            expected: "a whole number (0: no cap)",
        }),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("you already have {running} debug task(s) running on `{cluster}`, the most one person may have there (MaxDebugTasksPerUser is {cap}). See them with `list` and stop one with `stop <task-id>` (or its Stop button), then start again")]
pub struct TooMany {
    pub cluster: String,
    pub running: usize,
    pub cap: u32,
}

/// Whether `requester` may start one more debug task on `cluster`, given its running tasks.
pub fn check(
    cap: Option<u32>,
    requester: &str,
    cluster: &str,
    running: &[TaskView],
) -> Result<(), TooMany> {
    let Some(cap) = cap else { return Ok(()) };
    let theirs = running
        .iter()
        .filter(|t| t.is_debug_task() && !t.is_stopping_or_stopped())
        .filter(|t| t.requested_by() == Some(requester))
        .count();
    if theirs < cap as usize {
        return Ok(());
    }
    Err(TooMany {
        cluster: cluster.to_string(),
        running: theirs,
        cap,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use debug_toolkit::tags;

    fn task(requester: &str, ours: bool, desired: &str) -> TaskView {
        let mut t = vec![(tags::REQUESTED_BY.to_string(), requester.to_string())];
        if ours {
            t.push((tags::MANAGED_BY.into(), tags::MANAGED_BY_VALUE.into()));
        }
        TaskView {
            arn: format!("arn:aws:ecs:eu-west-1:1:task/payments-dev/{requester}{desired}"),
            cluster_arn: "arn:aws:ecs:eu-west-1:1:cluster/payments-dev".into(),
            started_by: Some(if ours { tags::STARTED_BY } else { "ecs-svc/1" }.into()),
            last_status: Some("RUNNING".into()),
            desired_status: Some(desired.into()),
            tags: t.into_iter().collect(),
            ..TaskView::default()
        }
    }

    #[test]
    fn the_cap_counts_the_requesters_running_debug_tasks() {
        let u1 = || task("U1", true, "RUNNING");
        let cases: Vec<(Option<u32>, Vec<TaskView>, Option<usize>)> = vec![
            (Some(3), vec![], None),
            (Some(3), vec![u1(), u1()], None),
            (Some(3), vec![u1(), u1(), u1()], Some(3)),
            (Some(3), vec![u1(), u1(), u1(), u1()], Some(4)),
            (Some(1), vec![u1()], Some(1)),
            // Others' tasks, tasks not ours and tasks on their way out do not count.
            (
                Some(2),
                vec![
                    u1(),
                    task("U2", true, "RUNNING"),
                    task("U2", true, "RUNNING"),
                ],
                None,
            ),
            (Some(2), vec![u1(), task("U1", false, "RUNNING")], None),
            (Some(2), vec![u1(), task("U1", true, "STOPPED")], None),
            (None, vec![u1(), u1(), u1(), u1()], None),
        ];
        for (cap, running, refused) in cases {
            let got = check(cap, "U1", "payments-dev", &running);
            match refused {
                None => assert_eq!(got, Ok(()), "{cap:?} {}", running.len()),
                Some(count) => {
                    let error = got.expect_err("refused");
                    assert_eq!(error.running, count);
                    let text = error.to_string();
                    for words in [
                        "MaxDebugTasksPerUser",
                        "`list`",
                        "`stop <task-id>`",
                        "`payments-dev`",
                    ] {
                        assert!(text.contains(words), "{text}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_variable_is_a_whole_number_and_zero_lifts_the_cap() {
        assert_eq!(parse(None), Ok(Some(3)));
        assert_eq!(parse(Some("5".into())), Ok(Some(5)));
        assert_eq!(parse(Some("0".into())), Ok(None));
        for bad in ["-1", "three", "1.5"] {
            assert_eq!(parse(Some(bad.into())).unwrap_err().name, VARIABLE);
        }
    }
}
