//! A task as this service judges it: is it a debug task of ours, who asked for it, when it
//! started and when it expires, and how to connect to it.

use crate::ecs_status::TaskStatus;
use crate::tags;
use crate::timestamp::{self, EpochSeconds};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskView {
    pub arn: String,
    pub cluster_arn: String,
    pub started_by: Option<String>,
    pub last_status: Option<String>,
    pub desired_status: Option<String>,
    pub started_at: Option<EpochSeconds>,
    pub created_at: Option<EpochSeconds>,
    pub tags: BTreeMap<String, String>,
    /// The `runtimeId` of the debug-toolkit container, once it started (port forwarding targets it).
    pub runtime_id: Option<String>,
    /// The last status of the debug-toolkit container's `ExecuteCommandAgent`, if ECS reports one.
    pub exec_agent_status: Option<String>,
    /// The task's elastic network interface (awsvpc), once attached: its security groups are the
    /// task's.
    pub network_interface: Option<String>,
    /// `taskDefinitionArn`: it outlives StopTask, which deletes the tags ([`Self::was_ours`]).
    pub task_definition_arn: Option<String>,
    /// `stoppedReason`, once a stop was asked for (ours: "stopped from Slack by …", the reaper's).
    pub stopped_reason: Option<String>,
    /// The debug-toolkit container's image (the connect command's shell depends on it).
    pub image: Option<String>,
}

impl TaskView {
    /// `lastStatus`, when ECS gave a documented one.
    pub fn status(&self) -> Option<TaskStatus> {
        self.last_status.as_deref().and_then(TaskStatus::parse)
    }

    /// `desiredStatus`: STOPPED once a stop was asked for, while `lastStatus` may still be RUNNING.
    pub fn desired_status(&self) -> Option<TaskStatus> {
        self.desired_status.as_deref().and_then(TaskStatus::parse)
    }

    /// Whether the task is not (or no longer) running as wanted: not RUNNING, or StopTask was
    /// called on it (desired STOPPED), which also deleted its tags.
    pub fn is_on_its_way_out(&self) -> bool {
        self.status() != Some(TaskStatus::Running)
            || self.desired_status() == Some(TaskStatus::Stopped)
    }

    /// Whether StopTask was called on it (desired STOPPED) or it has stopped: nothing to stop,
    /// tell or count as running. ListTasks may still return such a task for a while ("Recently
    /// stopped tasks might appear in the returned results", ECS API reference), without its tags.
    pub fn is_stopping_or_stopped(&self) -> bool {
        self.desired_status() == Some(TaskStatus::Stopped)
            || self.status() == Some(TaskStatus::Stopped)
    }

    pub fn id(&self) -> &str {
        task_id(&self.arn)
    }

    fn tag(&self, key: &str) -> Option<&str> {
        self.tags.get(key).map(String::as_str)
    }

    /// Ours to stop, extend or report on: started by this service **and** tagged as managed.
    pub fn is_debug_task(&self) -> bool {
        self.started_by.as_deref() == Some(tags::STARTED_BY)
            && self.tag(tags::MANAGED_BY) == Some(tags::MANAGED_BY_VALUE)
    }

    /// Ours, even once StopTask deleted its tags: a debug task, or a task that is stopping or
    /// stopped, started by this service (`startedBy` survives StopTask) from the debug task
    /// definition family of `cluster` (its name). Enough to say "already stopped"; never enough
    /// to act on.
    pub fn was_ours(&self, cluster: &str) -> bool {
        self.is_debug_task()
            || (self.is_stopping_or_stopped()
                && self.started_by.as_deref() == Some(tags::STARTED_BY)
                && self
                    .task_definition_arn
                    .as_deref()
                    .is_some_and(|arn| crate::names::is_debug_family(cluster, arn)))
    }

    pub fn requested_by(&self) -> Option<&str> {
        self.tag(tags::REQUESTED_BY)
    }

    pub fn channel(&self) -> Option<&str> {
        self.tag(tags::CHANNEL)
    }

    /// In a spoke: the hub's seal of the channel.
    pub fn channel_seal(&self) -> Option<&str> {
        self.tag(tags::CHANNEL_SEAL)
    }

    pub fn request(&self) -> Option<&str> {
        self.tag(tags::REQUEST)
    }

    pub fn expires_at(&self) -> Option<EpochSeconds> {
        self.tag(tags::EXPIRES_AT).and_then(timestamp::parse)
    }

    /// When it started: `startedAt`, else `createdAt`, else the launched-at tag.
    pub fn start(&self) -> Option<EpochSeconds> {
        self.started_at
            .or(self.created_at)
            .or_else(|| self.tag(tags::LAUNCHED_AT).and_then(timestamp::parse))
    }
}

/// The last segment of a task ARN (`arn:…:task/<cluster>/<id>`), or the text itself.
pub fn task_id(arn_or_id: &str) -> &str {
    arn_or_id.rsplit('/').next().unwrap_or(arn_or_id)
}

/// The cluster named in a task ARN of the long format (`arn:…:task/<cluster>/<id>`).
pub fn cluster_of_task_arn(arn: &str) -> Option<&str> {
    let resource = arn.strip_prefix("arn:")?.split(':').nth(4)?;
    let mut parts = resource.split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("task"), Some(cluster), Some(id), None) if !cluster.is_empty() && !id.is_empty() => {
            Some(cluster)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(started_by: Option<&str>, managed: Option<&str>) -> TaskView {
        let mut tags = BTreeMap::new();
        if let Some(value) = managed {
            tags.insert(tags::MANAGED_BY.to_string(), value.to_string());
        }
        TaskView {
            arn: "arn:aws:ecs:eu-west-1:123456789012:task/payments-dev/0123456789abcdef0123456789abcdef"
                .into(),
            started_by: started_by.map(str::to_string),
            tags,
            ..TaskView::default()
        }
    }

    #[test]
    fn a_debug_task_needs_both_marks() {
        assert!(task(Some("debug-toolkit"), Some("ecs-debug-toolkit")).is_debug_task());
        assert!(!task(Some("debug-toolkit"), None).is_debug_task());
        assert!(!task(None, Some("ecs-debug-toolkit")).is_debug_task());
        assert!(!task(Some("ecs-svc/123"), Some("ecs-debug-toolkit")).is_debug_task());
        assert!(!task(Some("debug-toolkit"), Some("other")).is_debug_task());
    }

    #[test]
    fn stopping_or_stopped_is_a_stop_asked_for_or_done() {
        for (last, desired, expected) in [
            (Some("RUNNING"), Some("RUNNING"), false),
            (Some("PENDING"), Some("RUNNING"), false),
            (Some("PROVISIONING"), None, false),
            (None, None, false),
            (Some("RUNNING"), Some("STOPPED"), true),
            (Some("DEACTIVATING"), Some("STOPPED"), true),
            (Some("STOPPED"), Some("STOPPED"), true),
            (Some("STOPPED"), None, true),
        ] {
            let t = TaskView {
                last_status: last.map(str::to_string),
                desired_status: desired.map(str::to_string),
                ..task(None, None)
            };
            assert_eq!(t.is_stopping_or_stopped(), expected, "{last:?} {desired:?}");
        }
    }

    #[test]
    fn a_stopped_task_stripped_of_its_tags_is_still_known_as_ours() {
        let (cluster, family) = ("payments-dev", "payments-dev-debug-toolkit");
        let definition = |f: &str| Some(format!("arn:aws:ecs:eu-west-1:1:task-definition/{f}:7"));
        // (started by, family, desired, last, tags kept) → ours
        for (started_by, def, desired, last, managed, ours) in [
            (
                Some("debug-toolkit"),
                family,
                "STOPPED",
                "RUNNING",
                None,
                true,
            ),
            (
                Some("debug-toolkit"),
                family,
                "STOPPED",
                "STOPPED",
                None,
                true,
            ),
            (
                Some("debug-toolkit"),
                family,
                "RUNNING",
                "RUNNING",
                Some("ecs-debug-toolkit"),
                true,
            ),
            // Running without the managed-by tag: not ours (someone ran our definition).
            (
                Some("debug-toolkit"),
                family,
                "RUNNING",
                "RUNNING",
                None,
                false,
            ),
            (Some("ecs-svc/1"), family, "STOPPED", "STOPPED", None, false),
            (
                Some("debug-toolkit"),
                "payments-api",
                "STOPPED",
                "STOPPED",
                None,
                false,
            ),
            (None, family, "STOPPED", "STOPPED", None, false),
        ] {
            let t = TaskView {
                task_definition_arn: definition(def),
                desired_status: Some(desired.into()),
                last_status: Some(last.into()),
                ..task(started_by, managed)
            };
            assert_eq!(
                t.was_ours(cluster),
                ours,
                "{started_by:?} {def} {desired} {last} {managed:?}"
            );
        }
    }

    #[test]
    fn ids_and_clusters_from_arns() {
        let t = task(None, None);
        assert_eq!(t.id(), "0123456789abcdef0123456789abcdef");
        assert_eq!(cluster_of_task_arn(&t.arn), Some("payments-dev"));
        assert_eq!(
            cluster_of_task_arn("arn:aws:ecs:eu-west-1:123456789012:task/0123456789abcdef"),
            None,
            "old ARN format names no cluster"
        );
        assert_eq!(cluster_of_task_arn("0123456789abcdef"), None);
        assert_eq!(
            cluster_of_task_arn("arn:aws:ecs:eu-west-1:1:task/a/b/c"),
            None
        );
        assert_eq!(task_id("abc"), "abc");
    }

    #[test]
    fn start_prefers_started_then_created_then_tag() {
        let mut t = task(None, None);
        assert_eq!(t.start(), None);
        t.tags
            .insert(tags::LAUNCHED_AT.into(), "2026-11-28T10:00:00Z".into());
        assert_eq!(t.start(), timestamp::parse("2026-11-28T10:00:00Z"));
        t.created_at = Some(5);
        assert_eq!(t.start(), Some(5));
        t.started_at = Some(7);
        assert_eq!(t.start(), Some(7));
    }
}
