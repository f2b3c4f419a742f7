//! The Lambda handler: always exactly one answer to CloudFormation, before the deadline.

use crate::cfn::{Outcome, ResponseBody, ResponseSender};
use crate::context::Clients;
use crate::guard::{guarded, Interrupted};
use crate::lifecycle::{self, Budget};
use crate::request::{self, Request};
use crate::spec;
use crate::stack::StackResource;
use crate::verify::{Home, Verdict, Verifier};
use debug_toolkit::deadline::Deadline;
use debug_toolkit::metrics;
use lambda_runtime::{Error, LambdaEvent};
use serde_json::Value;
use std::time::Duration;

/// What the function needs across invocations.
#[derive(Clone, Debug)]
pub struct Function {
    pub clients: Clients,
    pub sender: ResponseSender,
    pub verifier: Verifier,
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
    let home = Home::from_function_arn(&event.context.invoked_function_arn);
    let request_type = envelope
        .request
        .as_ref()
        .map(Request::kind)
        .unwrap_or("malformed");
    let responses = &function.verifier.responses;
    if !responses.allows(home.as_ref(), envelope.response_url.expose()) {
        tracing::error!(
            request_type,
            stack_id = %envelope.identity.stack_id,
            logical_resource_id = %envelope.identity.logical_resource_id,
            request_id = %envelope.identity.request_id,
            response_url = %envelope.response_url,
            "request refused: its ResponseURL is not CloudFormation's; nothing done, nothing sent"
        );
        return Err("the ResponseURL is not one of CloudFormation's response buckets".into());
    }
    let answer_by = deadline.minus(answer_reserve(deadline.remaining()));
    let budget = Budget {
        work: answer_by.minus(cleanup_reserve(answer_by.remaining())),
        cleanup: answer_by,
    };
    tracing::info!(
        request_type,
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
            let verified = function
                .verifier
                .verify(
                    home.as_ref(),
                    &stack,
                    &envelope.identity,
                    &request,
                    budget.work,
                )
                .await;
            match verified {
                Ok(Verdict::AlreadyGone) => Outcome::Success {
                    physical_resource_id: fallback_id,
                    data: Default::default(),
                },
                Ok(_) => {
                    let id = envelope.identity.request_id.clone();
                    carry_out(function, stack, request, id, fallback_id, budget, deadline).await
                }
                Err(reason) => {
                    tracing::warn!(
                        request_type,
                        stack_id = %envelope.identity.stack_id,
                        logical_resource_id = %envelope.identity.logical_resource_id,
                        %reason,
                        "request refused: nothing read or changed"
                    );
                    Outcome::failed(fallback_id, reason)
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
        status: ["FAILED", "SUCCESS"][usize::from(outcome.is_success())],
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
    (remaining / 4).clamp(Duration::from_secs(1), Duration::from_secs(240))
}

/// The verified request's work, within the budget; a panic or an overrun becomes a FAILED.
async fn carry_out(
    function: &Function,
    stack: StackResource,
    request: Request,
    request_id: String,
    fallback_id: String,
    budget: Budget,
    deadline: Deadline,
) -> Outcome {
    let work = dispatch(
        function.clients.clone(),
        stack.clone(),
        request_id,
        request.clone(),
        budget,
    );
    match guarded(work, budget.cleanup).await {
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
            Duration::from_secs(225)
        );
        assert_eq!(
            cleanup_reserve(Duration::from_secs(20)),
            Duration::from_secs(5)
        );
    }
}
