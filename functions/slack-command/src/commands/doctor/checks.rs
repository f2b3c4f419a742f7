//! The pure half of `doctor`: what was read of a cluster, judged line by line.

use debug_toolkit::slack::escape;
use serde_json::Value;

/// The channels ECS Exec opens from inside the task (the task role must allow them).
pub const EXEC_CHANNEL_ACTIONS: [&str; 4] = [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
];

/// What `doctor` read; `Err` is why a fact could not be read (said on its line).
#[derive(Clone, Debug)]
pub struct Facts {
    /// The cluster's exec configuration: the log group it sends sessions to, if any.
    pub exec_log_group: Result<Option<String>, String>,
    /// Whether that log group exists.
    pub log_group_exists: Result<bool, String>,
    /// The debug task definition's `initProcessEnabled` on the `debug-toolkit` container.
    pub init_process: Result<bool, String>,
    /// The task role's inline policy documents (JSON).
    pub task_role_policies: Result<Vec<Value>, String>,
    /// The network preflight's clause (`None`: every subnet reaches what it needs).
    pub network: Option<String>,
}

/// One line of the checklist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub ok: bool,
    pub text: String,
}

fn line(ok: bool, text: impl Into<String>) -> Line {
    Line {
        ok,
        text: text.into(),
    }
}

fn unread(what: &str, why: &str) -> Line {
    line(
        false,
        format!("{what}: could not be read ({})", escape(why)),
    )
}

pub fn checklist(facts: &Facts) -> Vec<Line> {
    let update = "update the environment's stack (its `Custom::EcsEnvironment` sets it)";
    let logging = match &facts.exec_log_group {
        Ok(Some(group)) => line(true, format!("session logging: to `{}`", escape(group))),
        Ok(None) => line(
            false,
            format!("session logging: the cluster's executeCommandConfiguration does not log to CloudWatch Logs: {update}"),
        ),
        Err(why) => unread("session logging", why),
    };
    let log_group = match (&facts.exec_log_group, &facts.log_group_exists) {
        (Ok(Some(_)), Ok(true)) => line(true, "the exec log group exists"),
        (Ok(Some(group)), Ok(false)) => line(
            false,
            format!(
                "the exec log group `{}` is missing: {update}",
                escape(group)
            ),
        ),
        (Ok(Some(_)), Err(why)) => unread("the exec log group", why),
        _ => line(false, "the exec log group: none configured (see above)"),
    };
    let init = match &facts.init_process {
        Ok(true) => line(true, "task definition: initProcessEnabled"),
        Ok(false) => line(
            false,
            format!("task definition: the `debug-toolkit` container lacks initProcessEnabled, which ECS Exec needs: {update}"),
        ),
        Err(why) => unread("task definition", why),
    };
    let role = match &facts.task_role_policies {
        Ok(documents) => match missing_channel_actions(documents).as_slice() {
            [] => line(true, "task role: allows the ssmmessages channels"),
            missing => line(
                false,
                format!("task role: does not allow {}: {update}", missing.join(", ")),
            ),
        },
        Err(why) => unread("task role", why),
    };
    let network = match &facts.network {
        None => line(
            true,
            "network: every subnet reaches ssmmessages, logs and the image",
        ),
        Some(clause) => line(false, format!("network: {}", escape(clause))),
    };
    vec![logging, log_group, init, role, network]
}

/// The exec channel actions no Allow statement of `documents` grants.
pub fn missing_channel_actions(documents: &[Value]) -> Vec<&'static str> {
    let allowed: Vec<String> = documents
        .iter()
        .flat_map(|d| statements(d))
        .filter(|s| s["Effect"] == "Allow")
        .flat_map(|s| strings(&s["Action"]))
        .map(|a| a.to_ascii_lowercase())
        .collect();
    EXEC_CHANNEL_ACTIONS
        .into_iter()
        .filter(|action| {
            let action = action.to_ascii_lowercase();
            !allowed
                .iter()
                .any(|a| a == "*" || a == "ssmmessages:*" || *a == action)
        })
        .collect()
}

fn statements(document: &Value) -> Vec<&Value> {
    match &document["Statement"] {
        Value::Array(list) => list.iter().collect(),
        single @ Value::Object(_) => vec![single],
        _ => Vec::new(),
    }
}

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(list) => list
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
