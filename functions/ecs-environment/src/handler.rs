//! The Lambda handler: always exactly one answer to CloudFormation, before the deadline.

use crate::cfn::{Outcome, ResponseBody, ResponseSender};
use crate::context::Clients;
use crate::lifecycle::{self, Budget};
use crate::request::{self, Request};
use crate::spec;
use crate::stack::StackResource;
use debug_toolkit::deadline::Deadline;
use debug_toolkit::metrics;
use lambda_runtime::{Error, LambdaEvent};
use serde_json::Value;
use std::future::Future;
use std::time::Duration;

/// What the function needs across invocations.
#[derive(Clone, Debug)]
pub struct Function {
    pub clients: Clients,
    pub sender: ResponseSender,
}

/// Why work ended without an outcome.
#[derive(Debug, PartialEq, Eq)]
pub enum Interrupted {
    Panicked(String),
    OutOfTime,
}

/// What the invocation returns once CloudFormation has its answer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Answered {
    pub status: &'static str,
    pub physical_resource_id: String,
}

pub async fn handle(function: &Function, event: LambdaEvent<Value>) -> Result<Answered, Error> {
    let deadline = Deadline::from_epoch_millis(event.context.deadline);
    let envelope = request::open(&event.payload).map_err(|reason| {
        tracing::error!(%reason, "event ignored: there is nowhere to answer");
        Error::from(reason)
    })?;
    let answer_by = deadline.minus(answer_reserve(deadline.remaining()));
    let budget = Budget {
        work: answer_by.minus(cleanup_reserve(answer_by.remaining())),
        cleanup: answer_by,
    };
    tracing::info!(
        request_type = envelope.request.as_ref().map(Request::kind).unwrap_or("malformed"),
        stack_id = %envelope.identity.stack_id,
        logical_resource_id = %envelope.identity.logical_resource_id,
        request_id = %envelope.identity.request_id,
        response_url = %envelope.response_url,
        remaining_ms = deadline.remaining().as_millis() as u64,
        "custom-resource request"
    );
    let cluster = envelope
        .request
        .as_ref()
        .ok()
        .and_then(Request::cluster_name);
    let fallback_id = envelope
        .physical_id
        .clone()
        .unwrap_or_else(|| lifecycle::failed_create_id(&envelope.identity.request_id));
    let outcome = match (
        StackResource::from_request(
            &envelope.identity.stack_id,
            &envelope.identity.logical_resource_id,
        ),
        envelope.request,
    ) {
        (Err(reason), _) | (_, Err(reason)) => Outcome::failed(fallback_id, reason.to_string()),
        (Ok(stack), Ok(request)) => {
            let work = dispatch(
                function.clients.clone(),
                stack.clone(),
                envelope.identity.request_id.clone(),
                request.clone(),
                budget,
            );
            match guarded(work, answer_by).await {
                Ok(outcome) => outcome,
                Err(interrupted) => {
                    after_interruption(
                        function,
                        &stack,
                        &request,
                        interrupted,
                        fallback_id,
                        deadline,
                    )
                    .await
                }
            }
        }
    };
    let body = ResponseBody::render(&envelope.identity, &outcome);
    let delivered = function
        .sender
        .send(&envelope.response_url, &body, deadline)
        .await;
    let summary = Answered {
        status: if outcome.is_success() {
            "SUCCESS"
        } else {
            "FAILED"
        },
        physical_resource_id: outcome.physical_resource_id().to_string(),
    };
    let mut dimensions = vec![(metrics::OUTCOME, summary.status)];
    if let Some(cluster) = &cluster {
        dimensions.insert(0, (metrics::CLUSTER, cluster.as_str()));
    }
    metrics::count(metrics::ENVIRONMENT_OPERATIONS, 1, &dimensions);
    match (&outcome, delivered) {
        (_, Err(error)) => {
            tracing::error!(%error, "CloudFormation could not be answered");
            Err(error.into())
        }
        (Outcome::Failed { reason, .. }, Ok(attempts)) => {
            tracing::warn!(%reason, attempts, "answered FAILED");
            Ok(summary)
        }
        (
            Outcome::Success {
                physical_resource_id,
                ..
            },
            Ok(attempts),
        ) => {
            tracing::info!(physical_resource_id, attempts, "answered SUCCESS");
            Ok(summary)
        }
    }
}

/// Time kept back for the PUT to CloudFormation.
fn answer_reserve(remaining: Duration) -> Duration {
    (remaining / 10).clamp(Duration::from_secs(1), Duration::from_secs(5))
}

/// Time kept back for rolling back a failed Create.
fn cleanup_reserve(remaining: Duration) -> Duration {
    (remaining / 4).clamp(Duration::from_secs(1), Duration::from_secs(60))
}

async fn dispatch(
    clients: Clients,
    stack: StackResource,
    request_id: String,
    request: Request,
    budget: Budget,
) -> Outcome {
    match &request {
        Request::Create { props } => {
            Box::pin(lifecycle::create(
                &clients,
                &stack,
                &request_id,
                props,
                budget,
            ))
            .await
        }
        Request::Update {
            physical_id,
            props,
            old_props,
        } => {
            Box::pin(lifecycle::update(
                &clients,
                &stack,
                physical_id,
                props,
                old_props,
                budget,
            ))
            .await
        }
        Request::Delete { physical_id, props } => {
            let exec_logs = spec::exec_logs_on_delete(props);
            Box::pin(lifecycle::delete(
                &clients,
                &stack,
                physical_id,
                exec_logs,
                budget,
            ))
            .await
        }
    }
}

/// Runs the work on its own task, so that a panic becomes an answer instead of silence, and
/// stops waiting for it at `answer_by`.
pub async fn guarded<F>(work: F, answer_by: Deadline) -> Result<Outcome, Interrupted>
where
    F: Future<Output = Outcome> + Send + 'static,
{
    let task = tokio::spawn(work);
    let abort = task.abort_handle();
    match tokio::time::timeout_at(answer_by.instant(), task).await {
        Ok(Ok(outcome)) => Ok(outcome),
        Ok(Err(join_error)) => {
            let message = match join_error.try_into_panic() {
                Ok(payload) => payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into()),
                Err(_) => "the work was cancelled".into(),
            };
            Err(Interrupted::Panicked(message))
        }
        Err(_) => {
            abort.abort();
            Err(Interrupted::OutOfTime)
        }
    }
}

/// A panic or an overrun: for a Create, try once more to remove what it may have made, then
/// answer FAILED with the cause.
async fn after_interruption(
    function: &Function,
    stack: &StackResource,
    request: &Request,
    interrupted: Interrupted,
    physical_id: String,
    deadline: Deadline,
) -> Outcome {
    let cause = match interrupted {
        Interrupted::Panicked(message) => format!("internal error (panic: {message})"),
        Interrupted::OutOfTime => "ran out of time before the Lambda deadline".to_string(),
    };
    tracing::error!(%cause, "request interrupted");
    let Request::Create { props } = request else {
        return Outcome::failed(physical_id, cause);
    };
    let until = deadline.minus(answer_reserve(deadline.remaining()));
    let cleanup = lifecycle::rollback_create(&function.clients, stack, props, until);
    let note = match tokio::time::timeout_at(until.instant(), cleanup).await {
        Ok(true) => "nothing was left behind".to_string(),
        _ => format!(
            "resources tagged debug-toolkit:owner={} may remain",
            stack.owner
        ),
    };
    Outcome::failed(physical_id, format!("{cause} ({note})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_becomes_an_interruption_with_its_message() {
        let result = guarded(
            async { panic!("boom") },
            Deadline::after(Duration::from_secs(5)),
        )
        .await;
        assert_eq!(result, Err(Interrupted::Panicked("boom".into())));
    }

    #[tokio::test(start_paused = true)]
    async fn work_past_the_answer_time_is_abandoned() {
        let slow = async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Outcome::failed("p", "never")
        };
        let result = guarded(slow, Deadline::after(Duration::from_secs(3))).await;
        assert_eq!(result, Err(Interrupted::OutOfTime));
    }

    #[test]
    fn reserves_scale_with_the_time_left() {
        assert_eq!(
            answer_reserve(Duration::from_secs(900)),
            Duration::from_secs(5)
        );
        assert_eq!(
            answer_reserve(Duration::from_secs(3)),
            Duration::from_secs(1)
        );
        assert_eq!(
            cleanup_reserve(Duration::from_secs(900)),
            Duration::from_secs(60)
        );
        assert_eq!(
            cleanup_reserve(Duration::from_secs(20)),
            Duration::from_secs(5)
        );
    }
}
