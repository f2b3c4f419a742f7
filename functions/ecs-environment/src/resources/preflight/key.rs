//! The key half of the Exec preflight: with a `KmsKeyArn`, CloudWatch Logs encrypts the exec log
//! group with that key, so its key policy must admit Logs (`kms:GetKeyPolicy`, then
//! [`key_policy::admits_logs`]).

use super::key_policy::admits_logs;
use super::{unchecked, Finding};
use crate::context::Desired;
use debug_toolkit::aws::describe_sdk_error;

pub async fn check(desired: &Desired<'_>) -> Finding {
    let key = desired.spec.kms_key_arn.as_deref()?;
    let stack = desired.scope.stack;
    if !key.starts_with(&stack.arn("kms", "")) {
        // GetKeyPolicy does not work across accounts (docs/decisions.md, "Exec preflight").
        tracing::info!(key, "the key of another account: its policy is not checked");
        return None;
    }
    let log_group = &desired.scope.names.exec_log_group;
    let answer = desired
        .clients()
        .kms
        .get_key_policy()
        .key_id(key)
        .policy_name("default")
        .send()
        .await;
    let what = format!("the key policy of {key}");
    let policy = match answer {
        Ok(answer) => answer.policy.unwrap_or_default(),
        Err(error) => {
            return Some(unchecked(
                &what,
                "GetKeyPolicy",
                &describe_sdk_error(&error),
            ))
        }
    };
    let log_group_arn = stack.log_group_arn(log_group);
    admits_logs(&policy, &stack.region, &log_group_arn)
        .err()
        .map(|problem| {
            format!("ECS Exec cannot log to {log_group} encrypted with {key}: {problem}")
        })
}
