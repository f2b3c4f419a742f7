//! Metrics as CloudWatch Embedded Metric Format records (docs/interface.md, "Metrics"): the
//! functions count through the `metrics` facade, and [`flush`] writes what one invocation counted
//! to stdout as EMF JSON lines (`metrics_cloudwatch_embedded`), which CloudWatch Logs turns into
//! metrics with no API call. Every name and dimension is here.

use metrics::{Label, Unit};
use metrics_cloudwatch_embedded::Builder;
use std::io::Write;
use std::sync::OnceLock;

pub const NAMESPACE: &str = "ecs-debug-toolkit";

/// A debug task was run (dimension `Cluster`). Emitted by debug-launcher, `conclude` in
/// functions/debug-launcher/src/handler.rs.
pub const DEBUG_TASKS_LAUNCHED: &str = "DebugTasksLaunched";
/// A launch request ended without a task (dimension `Cluster`). Emitted by debug-launcher,
/// `conclude` in functions/debug-launcher/src/handler.rs.
pub const LAUNCH_FAILURES: &str = "LaunchFailures";
/// A debug task stopped (dimensions `Cluster`, `Reason`: [`StopReason`]). Emitted by task-events,
/// `told` in functions/task-events/src/stopped.rs.
pub const DEBUG_TASKS_STOPPED: &str = "DebugTasksStopped";
/// An ECS Exec session was opened on a debug task (dimension `Cluster`). Emitted by task-events,
/// `record` in functions/task-events/src/activity.rs (from CloudTrail's `ExecuteCommand`).
pub const EXEC_SESSIONS_OPENED: &str = "ExecSessionsOpened";
/// A custom-resource request answered (dimensions `Cluster`, when the properties name one, and
/// `Outcome`). Emitted by ecs-environment, `handle` in functions/ecs-environment/src/handler.rs.
pub const ENVIRONMENT_OPERATIONS: &str = "EnvironmentOperations";
/// Debug tasks looked at in one run (dimension `Cluster`). Emitted by idle-reaper, `run` in
/// functions/idle-reaper/src/handler.rs.
pub const REAPER_TASKS_SCANNED: &str = "ReaperTasksScanned";
/// One run's duration, milliseconds. Emitted by idle-reaper, `handle` in
/// functions/idle-reaper/src/handler.rs.
pub const REAPER_DURATION_MS: &str = "ReaperDurationMs";

pub const CLUSTER: &str = "Cluster";
pub const REASON: &str = "Reason";
pub const OUTCOME: &str = "Outcome";

static COLLECTOR: OnceLock<Option<&'static metrics_cloudwatch_embedded::Collector>> =
    OnceLock::new();

/// Installs the EMF recorder (once per process; main calls it at cold start).
pub fn init() {
    COLLECTOR.get_or_init(|| {
        let collector = Builder::new().cloudwatch_namespace(NAMESPACE).init();
        if let Err(error) = &collector {
            tracing::error!(%error, "metrics are off: the EMF recorder could not be installed");
        }
        metrics::describe_histogram!(REAPER_DURATION_MS, Unit::Milliseconds, "idle-reaper run");
        collector.ok()
    });
}

/// Writes what was counted since the last flush, one EMF line per set of dimensions, in one
/// write (so no log line of another task lands inside a record). Main calls it after each
/// invocation.
pub fn flush() {
    let Some(Some(collector)) = COLLECTOR.get() else {
        return;
    };
    let mut records = Vec::new();
    if let Err(error) = collector.flush(&mut records) {
        tracing::warn!(%error, "metrics not written");
        return;
    }
    if !records.is_empty() {
        let _ = std::io::stdout().lock().write_all(&records);
    }
}

/// Runs one invocation's work, then [`flush`]es what it counted.
pub async fn flushed<T>(work: impl std::future::Future<Output = T>) -> T {
    let out = work.await;
    flush();
    out
}

/// Adds `n` to the counter `name` with these dimensions.
pub fn count(name: &'static str, n: u64, dimensions: &[(&'static str, &str)]) {
    let labels: Vec<Label> = dimensions
        .iter()
        .map(|(key, value)| Label::new(*key, value.to_string()))
        .collect();
    metrics::counter!(name, labels).increment(n);
}

/// Records one duration in milliseconds.
pub fn milliseconds(name: &'static str, value: f64) {
    metrics::histogram!(name).record(value);
}

/// Why a debug task stopped, as `DebugTasksStopped` counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    Expired,
    Idle,
    User,
    Other,
}

/// The start of every `stoppedReason` idle-reaper gives, then [`IDLE_WORDS`] or another rule's.
pub const REAPER_REASON_PREFIX: &str = "ecs-debug-toolkit idle-reaper: ";
/// How the reaper's idle reason goes on after the prefix.
pub const IDLE_WORDS: &str = "idle for ";
/// The start of the `stoppedReason` of `stop` and the Stop button.
pub const SLACK_REASON_PREFIX: &str = "Stopped from Slack by ";

impl StopReason {
    /// From the task's `stoppedReason` (the reaper's and Slack's start with our prefixes; an
    /// environment's deletion, a crash or anyone else's StopTask is `Other`).
    pub fn of(stopped_reason: Option<&str>) -> Self {
        let reason = stopped_reason.unwrap_or_default();
        match reason.strip_prefix(REAPER_REASON_PREFIX) {
            Some(rest) if rest.starts_with(IDLE_WORDS) => Self::Idle,
            Some(_) => Self::Expired,
            None if reason.starts_with(SLACK_REASON_PREFIX) => Self::User,
            None => Self::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::Idle => "idle",
            Self::User => "user",
            Self::Other => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_reasons() {
        for (reason, expected) in [
            (
                Some("ecs-debug-toolkit idle-reaper: idle for 31m (idle timeout 30m)"),
                StopReason::Idle,
            ),
            (
                Some("ecs-debug-toolkit idle-reaper: expired at 2026-12-02T10:00:00Z"),
                StopReason::Expired,
            ),
            (
                Some("ecs-debug-toolkit idle-reaper: reached the max lifetime of 4h (started …)"),
                StopReason::Expired,
            ),
            (Some("Stopped from Slack by U0ALLOWED"), StopReason::User),
            (
                Some("ecs-debug-toolkit: the environment is being deleted"),
                StopReason::Other,
            ),
            (
                Some("Essential container in task exited"),
                StopReason::Other,
            ),
            (None, StopReason::Other),
        ] {
            assert_eq!(StopReason::of(reason), expected, "{reason:?}");
        }
    }
}
