//! AWS SDK configuration from the standard chain only (environment, profile, container/IMDS
//! credentials). `AWS_ENDPOINT_URL` is honoured by the chain itself; no endpoint is ever named here.

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::time::Duration;

/// Attempts per AWS call: throttling and 5xx answers are retried with jittered exponential backoff.
pub const MAX_ATTEMPTS: u32 = 4;

/// Loads the SDK configuration once per cold start.
pub async fn load_sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(MAX_ATTEMPTS)
                .with_initial_backoff(Duration::from_millis(200))
                .with_max_backoff(Duration::from_secs(5)),
        )
        .load()
        .await
}

/// An SDK error in words: `Code: message` for service errors, the kind of failure otherwise.
pub fn describe_sdk_error<E, R>(error: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match error {
        SdkError::ServiceError(service) => {
            let inner = service.err();
            match (inner.code(), inner.message()) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(code), None) => code.to_string(),
                _ => inner.to_string(),
            }
        }
        SdkError::TimeoutError(_) => "the call timed out".to_string(),
        SdkError::DispatchFailure(failure) => match failure.as_connector_error() {
            // Not the network: no credentials (a spoke's role that cannot be assumed, say). The
            // chain then names the provider's cause, such as STS's AccessDenied.
            Some(connector) if connector.is_other() => {
                format!(
                    "no credentials to send it with ({})",
                    provider_cause(connector)
                )
            }
            connector => format!(
                "the request could not be sent ({})",
                connector.map_or("transport error", crate::http::kind_of)
            ),
        },
        other => DisplayErrorContext(other).to_string(),
    }
}

/// What a credentials provider's failure comes down to: the service error it met (STS's
/// `AccessDenied`, say) as code and message, else that the provider failed. Never the raw
/// response, which the full error chain would print.
fn provider_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = Some(error);
    while let Some(level) = current {
        if let Some(meta) = level.downcast_ref::<aws_smithy_types::error::ErrorMetadata>() {
            return match (meta.code(), meta.message()) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(code), None) => code.to_string(),
                _ => "the credentials provider failed".to_string(),
            };
        }
        current = level.source();
    }
    "the credentials provider failed".to_string()
}

/// Whether an SDK error is the service error with this code.
pub fn has_code<E, R>(error: &SdkError<E, R>, code: &str) -> bool
where
    E: ProvideErrorMetadata,
{
    error.as_service_error().and_then(|e| e.code()) == Some(code)
}

/// One failed AWS call, described for a log line or a Slack answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{action} failed: {message}")]
pub struct AwsError {
    pub action: &'static str,
    /// The service's error code, when the service answered.
    pub code: Option<String>,
    pub message: String,
}

impl AwsError {
    /// `map_err(AwsError::of("RunTask"))`.
    pub fn of<E, R>(action: &'static str) -> impl FnOnce(SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        move |error| Self {
            action,
            code: error
                .as_service_error()
                .and_then(|e| e.code())
                .map(str::to_string),
            message: describe_sdk_error(&error),
        }
    }
}
