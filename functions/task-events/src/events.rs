//! The two kinds of event this function takes, read from EventBridge's envelope.

use crate::cloudtrail::{exec_session, ExecSession};
use crate::overrides::Overrides;
use aws_lambda_events::eventbridge::EventBridgeEvent;
use debug_toolkit::notice;
use debug_toolkit::timestamp::EpochSeconds;
use serde::Deserialize;
use serde_json::Value;

pub const CLOUDTRAIL: &str = "AWS API Call via CloudTrail";
pub const TASK_STATE_CHANGE: &str = "ECS Task State Change";

/// The `detail` of `ECS Task State Change` (the fields this function needs). Events never carry
/// tags; `overrides` (with the channel the launcher recorded) survives a stop.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TaskStateChange {
    task_arn: String,
    cluster_arn: String,
    last_status: Option<String>,
    desired_status: Option<String>,
    started_by: Option<String>,
    stopped_reason: Option<String>,
    task_definition_arn: Option<String>,
    #[serde(default)]
    overrides: Overrides,
}

/// A task's state change, as this function reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateChange {
    pub cluster_arn: String,
    pub task_arn: String,
    pub last_status: String,
    pub desired_status: Option<String>,
    pub started_by: Option<String>,
    pub stopped_reason: Option<String>,
    pub task_definition_arn: Option<String>,
    /// The channel recorded in the container's overrides (which a stop keeps).
    pub channel: Option<String>,
    /// In a spoke: the hub's seal of that channel, recorded beside it.
    pub channel_seal: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Incoming {
    /// Someone opened an ECS Exec session.
    ExecSession(ExecSession),
    StateChange(StateChange),
    /// A spoke's `Debug Task Notice`, with the account and Region EventBridge says it came from.
    Notice {
        account: Option<String>,
        region: Option<String>,
        detail: Value,
    },
    Ignored(String),
}

pub fn read(event: Value, now: EpochSeconds) -> Incoming {
    let envelope: EventBridgeEvent<Value> = match serde_json::from_value(event) {
        Ok(envelope) => envelope,
        Err(error) => return Incoming::Ignored(format!("not an EventBridge event: {error}")),
    };
    let event_time = envelope.time.map(|t| t.timestamp()).unwrap_or(now);
    match (envelope.source.as_str(), envelope.detail_type.as_str()) {
        ("aws.ecs", CLOUDTRAIL) => match exec_session(envelope.detail, event_time) {
            Ok(session) => Incoming::ExecSession(session),
            Err(reason) => Incoming::Ignored(reason),
        },
        ("aws.ecs", TASK_STATE_CHANGE) => state_change(envelope.detail),
        (notice::SOURCE, notice::DETAIL_TYPE) => Incoming::Notice {
            account: envelope.account,
            region: envelope.region,
            detail: envelope.detail,
        },
        (source, detail_type) => Incoming::Ignored(format!(
            "not an event for this function (source {source:?}, detail-type {detail_type:?})"
        )),
    }
}

fn state_change(detail: Value) -> Incoming {
    match serde_json::from_value::<TaskStateChange>(detail) {
        Ok(change) => Incoming::StateChange(StateChange {
            channel: change.overrides.channel(),
            channel_seal: change.overrides.channel_seal(),
            cluster_arn: change.cluster_arn,
            task_arn: change.task_arn,
            last_status: change.last_status.unwrap_or_default(),
            desired_status: change.desired_status,
            started_by: change.started_by,
            stopped_reason: change.stopped_reason,
            task_definition_arn: change.task_definition_arn,
        }),
        Err(error) => Incoming::Ignored(format!("not an ECS task state change: {error}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use debug_toolkit::timestamp;

    const NOW: EpochSeconds = 1_795_000_000;

    fn sample(name: &str) -> Value {
        let text = match name {
            "exec" => include_str!("../../../events/task-events/execute-command.json"),
            "running" => include_str!("../../../events/task-events/task-running.json"),
            "stopped" => include_str!("../../../events/task-events/task-stopped.json"),
            other => panic!("{other}"),
        };
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn cloudtrail_execute_command() {
        let Incoming::ExecSession(ExecSession {
            cluster,
            task,
            session_id,
            at,
            opened_by,
        }) = read(sample("exec"), NOW)
        else {
            panic!("an exec session");
        };
        assert_eq!(
            cluster,
            "arn:aws:ecs:eu-west-1:123456789012:cluster/payments-dev"
        );
        assert!(task.ends_with("/0123456789abcdef0123456789abcdef"));
        assert_eq!(
            session_id.as_deref(),
            Some("ecs-execute-command-0f1e2d3c4b5a69788")
        );
        assert_eq!(at, timestamp::parse("2026-11-18T11:10:00Z").unwrap());
        assert_eq!(
            opened_by.as_deref(),
            Some("arn:aws:sts::123456789012:assumed-role/Developer/alice")
        );
    }

    #[test]
    fn a_failed_execute_command_is_no_session() {
        for code in [
            "AccessDenied",
            "InvalidParameterException",
            "TargetNotConnectedException",
        ] {
            let mut failed = sample("exec");
            failed["detail"]["errorCode"] = code.into();
            failed["detail"]["errorMessage"] = "refused".into();
            failed["detail"]["responseElements"] = Value::Null;
            let read = read(failed, NOW);
            assert!(
                matches!(&read, Incoming::Ignored(why) if why.contains(code)),
                "{code}: {read:?}"
            );
        }
    }

    #[test]
    fn fields_the_function_does_not_read_may_be_absent() {
        let mut sparse = sample("exec");
        let detail = sparse["detail"].as_object_mut().unwrap();
        detail.retain(|key, _| {
            [
                "eventName",
                "eventSource",
                "requestParameters",
                "responseElements",
            ]
            .contains(&key.as_str())
        });
        let Incoming::ExecSession(ExecSession { task, at, .. }) = read(sparse, NOW) else {
            panic!("still an exec session");
        };
        assert!(task.ends_with("/0123456789abcdef0123456789abcdef"));
        assert_eq!(
            at,
            timestamp::parse("2026-11-18T11:10:00Z").unwrap(),
            "the envelope's time"
        );
    }

    #[test]
    fn task_state_changes() {
        let Incoming::StateChange(running) = read(sample("running"), NOW) else {
            panic!("a state change");
        };
        assert_eq!(running.last_status, "RUNNING");
        assert_eq!(running.started_by.as_deref(), Some("debug-toolkit"));
        let Incoming::StateChange(stopped) = read(sample("stopped"), NOW) else {
            panic!("a state change");
        };
        assert_eq!(
            stopped.stopped_reason.as_deref(),
            Some("ecs-debug-toolkit idle-reaper: idle for 31m (idle timeout 30m)")
        );
        assert_eq!(stopped.desired_status.as_deref(), Some("STOPPED"));
        assert_eq!(
            stopped.channel.as_deref(),
            Some("C0DEBUG"),
            "read from the container's overrides, which a stop keeps"
        );
        assert!(stopped
            .task_definition_arn
            .is_some_and(|arn| arn.ends_with("task-definition/payments-dev-debug-toolkit:1")));
    }

    #[test]
    fn anything_else_is_ignored() {
        let mut other = sample("exec");
        other["detail"]["eventName"] = "StopTask".into();
        assert!(matches!(read(other, NOW), Incoming::Ignored(_)));
        let mut foreign = sample("running");
        foreign["source"] = "my.app".into();
        assert!(matches!(read(foreign, NOW), Incoming::Ignored(_)));
        assert!(matches!(
            read(serde_json::json!({"hello": 1}), NOW),
            Incoming::Ignored(_)
        ));
    }
}
