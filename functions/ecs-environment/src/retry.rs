//! Retrying a call that AWS refuses for a reason that passes by itself (a cluster change still in
//! progress, a new service-linked role not usable yet, tasks still stopping): the shared backoff.
//! Throttling and 5xx are the SDK's own retries; this is for answers it cannot know are transient.

use crate::error::{aws, ProvisionError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use debug_toolkit::backoff::Backoff;
use debug_toolkit::deadline::Deadline;
use std::future::Future;
use std::time::Duration;

/// Nine attempts, 0.1 s doubling to 8 s apart at most (10.35 to 20.7 s of waits in all, jittered:
/// `backoff`): AWS's consistency windows (a new group or role not visible yet) usually close
/// within a second, so the first tries come soon, and the longer waits still cover a slow
/// propagation.
pub const PASSING_REFUSALS: Backoff =
    Backoff::doubling(Duration::from_millis(100), Duration::from_secs(8)).attempts(9);

/// Calls `call` until it succeeds, fails for another reason, or the waits run out.
pub async fn while_transient<T, E, F, Fut>(
    target: &str,
    action: &'static str,
    transient: impl Fn(&SdkError<E, HttpResponse>) -> bool,
    call: F,
) -> Result<T, ProvisionError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    retried(target, action, PASSING_REFUSALS, None, transient, call)
        .await
        .map_err(aws(action, target))
}

/// The loop itself: retries while `transient` says so, within `backoff` and `until`; the last
/// answer is returned as AWS gave it.
pub async fn retried<T, E, F, Fut>(
    target: &str,
    action: &'static str,
    backoff: Backoff,
    until: Option<Deadline>,
    transient: impl Fn(&SdkError<E, HttpResponse>) -> bool,
    call: F,
) -> Result<T, SdkError<E, HttpResponse>>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let mut waits = backoff.start();
    loop {
        let error = match call().await {
            Err(e) if transient(&e) => e,
            result => return result,
        };
        let Some(wait) = waits.next_within(until) else {
            return Err(error);
        };
        let reason = error
            .as_service_error()
            .and_then(|s| s.message())
            .unwrap_or("?");
        tracing::info!(target, action, ?wait, error = %reason, "refused for a passing reason; retrying");
        tokio::time::sleep(wait).await;
    }
}

/// The error is the service error with this code.
pub fn code<E: ProvideErrorMetadata>(
    code: &'static str,
) -> impl Fn(&SdkError<E, HttpResponse>) -> bool {
    move |error| crate::error::has_code(error, code)
}
