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

/// How [`describe_sdk_error`] starts the failures that are not AWS's answer (our own words).
const TIMED_OUT: &str = "the call timed out";
const NOT_SENT: &str = "the request could not be sent";
const NO_CREDENTIALS: &str = "no credentials to send it with";

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
        SdkError::TimeoutError(_) => TIMED_OUT.to_string(),
        SdkError::DispatchFailure(failure) => match failure.as_connector_error() {
            // Not the network: no credentials (a spoke's role that cannot be assumed, say). The
            // chain then names the provider's cause, such as STS's AccessDenied.
            Some(connector) if connector.is_other() => {
                format!("{NO_CREDENTIALS} ({})", provider_cause(connector))
            }
            connector => format!(
                "{NOT_SENT} ({})",
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

impl AwsError {
    /// Whether the call had no credentials (a role that could not be assumed: the message then
    /// carries STS's, with account ids and role ARNs).
    pub fn lacked_credentials(&self) -> bool {
        self.message.starts_with(NO_CREDENTIALS)
    }

    /// The failure in words a chat may show, where any workspace member reads it: AWS's error
    /// code, or the kind of failure in our own words; never AWS's message, which names account
    /// ids and role or resource ARNs (log the whole error beside it).
    pub fn public_cause(&self) -> String {
        if self.lacked_credentials() {
            return "its role could not be assumed".to_string();
        }
        if let Some(code) = self.code.as_deref().filter(|c| is_error_code(c)) {
            return code.to_string();
        }
        if self.message.starts_with(TIMED_OUT) || self.message.starts_with(NOT_SENT) {
            return self.message.clone();
        }
        "no error code".to_string()
    }

    /// `<action>: <public cause>`.
    pub fn public(&self) -> String {
        format!("{}: {}", self.action, self.public_cause())
    }

    /// How a sentence about this failure starts: AWS answered (a code, or no credentials to
    /// ask with) or the request failed on the way.
    pub fn lead(&self) -> &'static str {
        if self.code.is_some() || self.lacked_credentials() {
            "AWS refused the request"
        } else {
            "The request to AWS failed"
        }
    }

    /// What became of the request: after a timeout AWS may have done it.
    pub fn outcome(&self) -> &'static str {
        if self.message.starts_with(TIMED_OUT) {
            "it may or may not have happened: look before trying again"
        } else {
            "nothing was changed"
        }
    }
}

/// An error code as AWS writes them (`AccessDeniedException`): letters, digits and dots only, so
/// that nothing else rides along in it.
pub fn is_error_code(code: &str) -> bool {
    (1..=64).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(code: Option<&str>, message: &str) -> AwsError {
        AwsError {
            action: "StopTask",
            code: code.map(str::to_string),
            message: message.to_string(),
        }
    }

    #[test]
    fn public_words_carry_no_account_or_arn() {
        let arn = "User: arn:aws:sts::222222222222:assumed-role/r/s is not authorized";
        let cases = [
            (
                error(Some("AccessDeniedException"), arn),
                "StopTask: AccessDeniedException",
            ),
            (
                error(None, &format!("{NO_CREDENTIALS} (AccessDenied: {arn})")),
                "StopTask: its role could not be assumed",
            ),
            (
                error(Some("arn:aws:iam::222222222222:role/x"), arn),
                "StopTask: no error code",
            ),
            (error(None, TIMED_OUT), "StopTask: the call timed out"),
            (
                error(None, &format!("{NOT_SENT} (timeout)")),
                "StopTask: the request could not be sent (timeout)",
            ),
            (error(None, arn), "StopTask: no error code"),
        ];
        for (error, expected) in cases {
            assert_eq!(error.public(), expected, "{error}");
        }
    }

    #[test]
    fn a_timeout_is_neither_a_refusal_nor_said_to_have_changed_nothing() {
        let timeout = error(None, TIMED_OUT);
        assert_eq!(timeout.lead(), "The request to AWS failed");
        assert!(timeout
            .outcome()
            .starts_with("it may or may not have happened"));
        let refused = error(Some("AccessDeniedException"), "x");
        assert_eq!(refused.lead(), "AWS refused the request");
        assert_eq!(refused.outcome(), "nothing was changed");
        let unsent = error(None, &format!("{NOT_SENT} (io)"));
        assert_eq!(unsent.lead(), "The request to AWS failed");
        assert_eq!(unsent.outcome(), "nothing was changed");
    }
}
