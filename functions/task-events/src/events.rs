//! The two kinds of event this function takes, read from EventBridge's envelope.

use crate::overrides::Overrides;
use aws_lambda_events::eventbridge::EventBridgeEvent;
use debug_toolkit::timestamp::{self, EpochSeconds};
use serde::Deserialize;
use serde_json::Value;

pub const CLOUDTRAIL: &str = "AWS API Call via CloudTrail";
pub const TASK_STATE_CHANGE: &str = "ECS Task State Change";

/// `requestParameters` of `ExecuteCommand` (cluster and task may be names, ids or ARNs).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecuteCommandRequest {
    pub cluster: Option<String>,
    pub task: Option<String>,
    pub container: Option<String>,
}

/// The CloudTrail record in the `detail`, read only as far as this function uses it: a record that
/// lacks a field we never read (userIdentity, eventVersion, …) is still a record.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExecuteCommandCall {
    event_name: String,
    event_source: String,
    event_time: Option<String>,
    /// Set on failed calls (denied, agent not running); those opened no session.
    error_code: Option<String>,
    #[serde(default)]
    request_parameters: Option<ExecuteCommandRequest>,
    #[serde(default)]
    response_elements: Option<ExecuteCommandResponse>,
    #[serde(default)]
    user_identity: Option<UserIdentity>,
}

/// Who made the call (`userIdentity.arn`: a role session, a user).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct UserIdentity {
    pub arn: Option<String>,
}

/// `responseElements` of `ExecuteCommand`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecuteCommandResponse {
    pub cluster_arn: Option<String>,
    pub task_arn: Option<String>,
    pub session: Option<Session>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub session_id: Option<String>,
}

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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Incoming {
    /// Someone opened an ECS Exec session.
    ExecSession {
        cluster: String,
        task: String,
        session_id: Option<String>,
        at: EpochSeconds,
        /// Who opened it (`userIdentity.arn`).
        opened_by: Option<String>,
    },
    StateChange(StateChange),
    Ignored(String),
}

pub fn read(event: Value, now: EpochSeconds) -> Incoming {
    let envelope: EventBridgeEvent<Value> = match serde_json::from_value(event) {
        Ok(envelope) => envelope,
        Err(error) => return Incoming::Ignored(format!("not an EventBridge event: {error}")),
    };
    let event_time = envelope.time.map(|t| t.timestamp()).unwrap_or(now);
    match (envelope.source.as_str(), envelope.detail_type.as_str()) {
        ("aws.ecs", CLOUDTRAIL) => exec_session(envelope.detail, event_time),
        ("aws.ecs", TASK_STATE_CHANGE) => state_change(envelope.detail),
        (source, detail_type) => Incoming::Ignored(format!(
            "not an event for this function (source {source:?}, detail-type {detail_type:?})"
        )),
    }
}

fn exec_session(detail: Value, event_time: EpochSeconds) -> Incoming {
    let call: ExecuteCommandCall = match serde_json::from_value(detail) {
        Ok(call) => call,
        Err(error) => return Incoming::Ignored(format!("not a CloudTrail API call: {error}")),
    };
    if call.event_name != "ExecuteCommand" || call.event_source != "ecs.amazonaws.com" {
        return Incoming::Ignored(format!(
            "CloudTrail event {} is not ECS ExecuteCommand",
            call.event_name
        ));
    }
    if let Some(code) = call.error_code {
        return Incoming::Ignored(format!(
            "ExecuteCommand failed ({code}): no session was opened"
        ));
    }
    let request = call.request_parameters.unwrap_or_default();
    let response = call.response_elements.unwrap_or_default();
    let cluster = response
        .cluster_arn
        .or(request.cluster)
        .unwrap_or_else(|| "default".to_string());
    let Some(task) = response.task_arn.or(request.task) else {
        return Incoming::Ignored("ExecuteCommand record names no task".to_string());
    };
    Incoming::ExecSession {
        cluster,
        task,
        session_id: response.session.and_then(|s| s.session_id),
        opened_by: call.user_identity.and_then(|u| u.arn),
        at: call
            .event_time
            .as_deref()
            .and_then(timestamp::parse)
            .unwrap_or(event_time),
    }
}

fn state_change(detail: Value) -> Incoming {
    match serde_json::from_value::<TaskStateChange>(detail) {
        Ok(change) => Incoming::StateChange(StateChange {
            channel: change.overrides.channel(),
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
        let Incoming::ExecSession {
            cluster,
            task,
            session_id,
            at,
            opened_by,
        } = read(sample("exec"), NOW)
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
        let Incoming::ExecSession { task, at, .. } = read(sparse, NOW) else {
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
