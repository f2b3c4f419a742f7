//! AWS SDK configuration from the standard chain only (environment, profile, container/IMDS
//! credentials). `AWS_ENDPOINT_URL` is honoured by the chain itself; no endpoint is ever named here.

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, SdkConfig};
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
