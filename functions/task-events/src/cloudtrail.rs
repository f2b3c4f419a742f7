//! ECS Exec sessions as CloudTrail records them (`AWS API Call via CloudTrail`, `ExecuteCommand`),
//! read only as far as this function uses them.

use debug_toolkit::timestamp::{self, EpochSeconds};
use serde::Deserialize;
use serde_json::Value;

/// Someone opened an ECS Exec session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecSession {
    pub cluster: String,
    pub task: String,
    pub session_id: Option<String>,
    pub at: EpochSeconds,
    /// Who opened it (`userIdentity.arn`).
    pub opened_by: Option<String>,
}

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

/// The session a CloudTrail record tells of, or why it tells of none.
pub(crate) fn exec_session(detail: Value, event_time: EpochSeconds) -> Result<ExecSession, String> {
    let call: ExecuteCommandCall = match serde_json::from_value(detail) {
        Ok(call) => call,
        Err(error) => return Err(format!("not a CloudTrail API call: {error}")),
    };
    if call.event_name != "ExecuteCommand" || call.event_source != "ecs.amazonaws.com" {
        return Err(format!(
            "CloudTrail event {} is not ECS ExecuteCommand",
            call.event_name
        ));
    }
    if let Some(code) = call.error_code {
        return Err(format!(
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
        return Err("ExecuteCommand record names no task".to_string());
    };
    Ok(ExecSession {
        cluster,
        task,
        session_id: response.session.and_then(|s| s.session_id),
        opened_by: call.user_identity.and_then(|u| u.arn),
        at: call
            .event_time
            .as_deref()
            .and_then(timestamp::parse)
            .unwrap_or(event_time),
    })
}
