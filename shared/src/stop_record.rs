//! What a debug task keeps after it stops (docs/interface.md, `task-events`: a stopped task has
//! no tags). StopTask deletes a task's tags, so the channel to tell is also recorded where a stop
//! leaves it: an environment variable of the debug-toolkit container's overrides, which the
//! STOPPED event and DescribeTasks both keep. The one-notice claim for a stop is a log stream,
//! which CreateLogStream makes at most once, whatever happened to the task.

use crate::debug_task::task_id;

/// The environment variable of the debug-toolkit container that carries the requester's channel.
pub const CHANNEL_VARIABLE: &str = "DEBUG_TOOLKIT_CHANNEL";
/// In a spoke, the hub's seal of that channel (`crate::slack::sealed`), which its notices carry.
pub const CHANNEL_SEAL_VARIABLE: &str = "DEBUG_TOOLKIT_CHANNEL_SEAL";

/// The environment variable naming the log group that holds the stop claims (`task-events`).
pub const CLAIMS_LOG_GROUP_VARIABLE: &str = "NOTICE_CLAIMS_LOG_GROUP";

/// The claim stream of a task's stopped notice: `<cluster>/<task-id>/stopped` (cluster names and
/// task ids hold none of the `:` and `*` that stream names may not).
pub fn stopped_claim_stream(cluster: &str, task_arn: &str) -> String {
    format!("{cluster}/{}/stopped", task_id(task_arn))
}

/// The channel recorded in a container's environment (`(name, value)` pairs), if any.
pub fn channel_of<'a>(
    environment: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<&'a str> {
    recorded(environment, CHANNEL_VARIABLE)
}

/// The value of `variable` in a container's environment, if set and not empty.
pub fn recorded<'a>(
    environment: impl IntoIterator<Item = (&'a str, &'a str)>,
    variable: &str,
) -> Option<&'a str> {
    environment
        .into_iter()
        .find(|(name, value)| *name == variable && !value.is_empty())
        .map(|(_, value)| value)
}

pub use crate::names::is_debug_family;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_claim_stream_names_cluster_and_task() {
        assert_eq!(
            stopped_claim_stream(
                "payments-dev",
                "arn:aws:ecs:eu-west-1:123456789012:task/payments-dev/0123abcd"
            ),
            "payments-dev/0123abcd/stopped"
        );
    }

    #[test]
    fn the_channel_is_read_from_the_environment() {
        let env = [("OTHER", "x"), (CHANNEL_VARIABLE, "C0123")];
        assert_eq!(channel_of(env), Some("C0123"));
        assert_eq!(channel_of([(CHANNEL_VARIABLE, "")]), None);
        assert_eq!(channel_of([("OTHER", "C0123")]), None);
    }

    #[test]
    fn only_the_clusters_debug_family_is_ours() {
        let arn = "arn:aws:ecs:eu-west-1:1:task-definition/payments-dev-debug-toolkit:7";
        assert!(is_debug_family("payments-dev", arn));
        assert!(!is_debug_family("payments", arn));
        assert!(!is_debug_family(
            "payments-dev",
            "arn:aws:ecs:eu-west-1:1:task-definition/payments-dev-app:7"
        ));
        assert!(!is_debug_family(
            "payments-dev",
            "payments-dev-debug-toolkit:7"
        ));
    }
}
