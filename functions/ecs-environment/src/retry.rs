//! Retrying a call that AWS refuses for a reason that passes by itself (a cluster change still in
//! progress, a new service-linked role not usable yet): a few attempts, 1, 2, 4 and 8 s apart.
//! Throttling and 5xx are the SDK's own retries; this is for answers it cannot know are transient.

use crate::error::{aws, ProvisionError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::future::Future;
use std::time::Duration;

pub const WAITS: [Duration; 4] = [
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
    Duration::from_secs(8),
];

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
    let mut waits = WAITS.iter();
    loop {
        match (call().await, waits.next()) {
            (Err(e), Some(wait)) if transient(&e) => {
                tracing::info!(target, action, ?wait, error = %e.as_service_error().and_then(|s| s.message()).unwrap_or("?"), "refused for a passing reason; retrying");
                tokio::time::sleep(*wait).await;
            }
            (result, _) => return result.map_err(aws(action, target)),
        }
    }
}

/// The error is the service error with this code.
pub fn code<E: ProvideErrorMetadata>(
    code: &'static str,
) -> impl Fn(&SdkError<E, HttpResponse>) -> bool {
    move |error| crate::error::has_code(error, code)
}
