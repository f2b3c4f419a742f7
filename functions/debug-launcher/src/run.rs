//! Running the planned task: one `RunTask` with the request's token, retried with backoff while
//! the failure is one that time can fix (capacity, throttling, IAM propagation), within the deadline.
//!
//! The SDK does not retry `RunTask` by itself: when an attempt's outcome is unknown (the connection
//! dropped, a timeout, a 5xx, an unreadable answer) the task may have started, so before trying
//! again we look for it by the request's tag. RunTask's `clientToken` makes a repeat harmless on
//! AWS too; the look-up keeps "one request, one task" where the token is not honoured (emulators)
//! or has expired.

use crate::plan::LaunchPlan;
use aws_sdk_ecs::config::retry::RetryConfig;
use aws_sdk_ecs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ecs::operation::run_task::RunTaskError;
use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, ContainerOverride, KeyValuePair, LaunchType,
    NetworkConfiguration, TaskOverride,
};
use debug_toolkit::aws::AwsError;
use debug_toolkit::backoff::Backoff;
use debug_toolkit::cluster::ClusterSettings;
use debug_toolkit::deadline::Deadline;
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::ecs::{running_family_tasks, tags, task_view};
use debug_toolkit::tags::STARTED_BY;
use std::time::Duration;

/// Between RunTask attempts: 1 s doubling to 8 s, within the invocation.
const BETWEEN_ATTEMPTS: Backoff = Backoff::doubling(Duration::from_secs(1), Duration::from_secs(8));

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("ECS refused to run the task: {0}")]
    Refused(String),
    #[error("ECS could not run the task after {attempts} attempts: {last}")]
    GaveUp { attempts: u32, last: String },
    #[error(transparent)]
    Aws(#[from] AwsError),
}

impl RunError {
    /// Worth another delivery of the event later (Lambda's own retries, then the DLQ).
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::GaveUp { .. })
    }
}

/// A RUNNING debug task already started for this request (same token), if any.
pub async fn existing(
    ecs: &aws_sdk_ecs::Client,
    cluster: &ClusterSettings,
    plan: &LaunchPlan,
) -> Result<Option<TaskView>, AwsError> {
    let tasks = running_family_tasks(ecs, cluster, &plan.family).await?;
    Ok(of_request(&tasks, plan).cloned())
}

/// Among running tasks, the one this request started (its token), if any.
pub fn of_request<'t>(running: &'t [TaskView], plan: &LaunchPlan) -> Option<&'t TaskView> {
    running
        .iter()
        .find(|t| t.is_debug_task() && t.request() == Some(plan.client_token.as_str()))
}

enum Attempt {
    Started(Box<TaskView>),
    /// Nothing started; worth trying again.
    Retry(String),
    /// The task may or may not have started.
    Unknown(String),
    Conflict,
}

pub async fn run(
    ecs: &aws_sdk_ecs::Client,
    cluster: &ClusterSettings,
    plan: &LaunchPlan,
    until: Deadline,
) -> Result<TaskView, RunError> {
    let mut waits = BETWEEN_ATTEMPTS.start();
    let mut maybe_started = false;
    loop {
        let attempts = waits.attempt();
        if maybe_started {
            if let Some(task) = existing(ecs, cluster, plan).await? {
                tracing::info!(attempts, "the previous RunTask had started the task");
                return Ok(task);
            }
        }
        let last = match attempt(ecs, plan).await? {
            Attempt::Started(task) => return Ok(*task),
            Attempt::Unknown(reason) => {
                maybe_started = true;
                reason
            }
            Attempt::Conflict => {
                // The token was used with other parameters: the request was served before.
                return existing(ecs, cluster, plan).await?.ok_or_else(|| {
                    RunError::Refused(
                        "this request was already used for a task that is no longer running".into(),
                    )
                });
            }
            Attempt::Retry(reason) => reason,
        };
        let Some(wait) = waits.next_within(Some(until)) else {
            return Err(RunError::GaveUp { attempts, last });
        };
        tracing::warn!(attempt = attempts, reason = %last, "RunTask did not start the task, retrying");
        tokio::time::sleep(wait).await;
    }
}

async fn attempt(ecs: &aws_sdk_ecs::Client, plan: &LaunchPlan) -> Result<Attempt, RunError> {
    let network = AwsVpcConfiguration::builder()
        .set_subnets(Some(plan.subnets.clone()))
        .set_security_groups(Some(plan.security_groups.clone()))
        // Never a public IP, whatever a copied service has (docs/security.md, `--like`).
        .assign_public_ip(AssignPublicIp::Disabled)
        .build()
        .expect("subnets are always set");
    let result = ecs
        .run_task()
        .cluster(&plan.cluster_arn)
        .task_definition(&plan.family)
        .launch_type(LaunchType::Fargate)
        .count(1)
        .enable_execute_command(true)
        .started_by(STARTED_BY)
        .client_token(&plan.client_token)
        .network_configuration(
            NetworkConfiguration::builder()
                .awsvpc_configuration(network)
                .build(),
        )
        .set_tags(Some(tags(plan.tags.iter().cloned())))
        .set_overrides(overrides(plan))
        .customize()
        .config_override(aws_sdk_ecs::Config::builder().retry_config(RetryConfig::disabled()))
        .send()
        .await;
    let output = match result {
        Ok(output) => output,
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_conflict_exception()) =>
        {
            return Ok(Attempt::Conflict)
        }
        Err(e) => {
            let (unknown, retryable) = (outcome_unknown(&e), is_retryable(&e));
            // The requester is told the code (AWS's message names accounts and ARNs): the log
            // has the whole error.
            let error = AwsError::of("RunTask")(e);
            tracing::warn!(%error, "RunTask failed");
            let said = error.public_cause();
            return match (unknown, retryable) {
                (true, _) => Ok(Attempt::Unknown(said)),
                (false, true) => Ok(Attempt::Retry(said)),
                (false, false) => Err(RunError::Refused(said)),
            };
        }
    };
    if let Some(task) = output.tasks().first() {
        return Ok(Attempt::Started(Box::new(task_view(task))));
    }
    let reasons: Vec<String> = output
        .failures()
        .iter()
        .map(|f| f.reason().unwrap_or("unknown").to_string())
        .collect();
    let joined = if reasons.is_empty() {
        "no task and no failure in the answer".to_string()
    } else {
        reasons.join("; ")
    };
    if reasons.iter().any(|r| is_capacity(r)) {
        Ok(Attempt::Retry(joined))
    } else {
        Err(RunError::Refused(joined))
    }
}

/// The debug-toolkit container's environment, when there is any to record.
fn overrides(plan: &LaunchPlan) -> Option<TaskOverride> {
    if plan.container_environment.is_empty() {
        return None;
    }
    let environment = plan
        .container_environment
        .iter()
        .map(|(name, value)| KeyValuePair::builder().name(name).value(value).build())
        .collect();
    let container = ContainerOverride::builder()
        .name(debug_toolkit::names::CONTAINER)
        .set_environment(Some(environment))
        .build();
    Some(
        TaskOverride::builder()
            .container_overrides(container)
            .build(),
    )
}

/// RunTask `failures` that time can fix.
pub fn is_capacity(reason: &str) -> bool {
    let lower = reason.to_ascii_lowercase();
    lower.contains("capacity")
        || lower.starts_with("resource:")
        || lower.starts_with("agent")
        || lower.contains("rate exceeded")
}

/// Failures after which the task may have started: the request may have reached ECS.
fn outcome_unknown(error: &SdkError<RunTaskError>) -> bool {
    match error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(service) => service.raw().status().is_server_error(),
        _ => false,
    }
}

/// Errors that may clear within the invocation, with nothing started (those of unknown outcome,
/// 5xx included, are caught before by [`outcome_unknown`]).
fn is_retryable(error: &SdkError<RunTaskError>) -> bool {
    let SdkError::ServiceError(service) = error else {
        return false;
    };
    let err = service.err();
    let message = err.message().unwrap_or("").to_ascii_lowercase();
    matches!(
        err.code(),
        Some("ThrottlingException" | "ServerException" | "ServiceUnavailableException")
    ) || (matches!(
        err.code(),
        Some("InvalidParameterException" | "ClientException")
    ) && message.contains("assume")
        && message.contains("role"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_failures_are_retried() {
        for reason in [
            "Capacity is unavailable at this time. Please try again later or in a different availability zone",
            "RESOURCE:MEMORY",
            "AGENT",
            "Rate exceeded",
        ] {
            assert!(is_capacity(reason), "{reason}");
        }
        for reason in ["MISSING", "ATTRIBUTE", "Task definition is inactive"] {
            assert!(!is_capacity(reason), "{reason}");
        }
    }
}
