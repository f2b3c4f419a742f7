use super::{ResponseBody, ResponseUrl};
use crate::deadline::Deadline;
use std::time::Duration;
use tokio::time::{sleep, timeout};

const MAX_ATTEMPTS: u32 = 6;
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("CloudFormation's ResponseURL {url} refused the response with HTTP {status}")]
    Refused { url: ResponseUrl, status: u16 },
    #[error("the response to {url} could not be delivered in {attempts} attempts: {last_error}")]
    GaveUp {
        url: ResponseUrl,
        attempts: u32,
        last_error: String,
    },
}

/// Sends response bodies to `ResponseURL` with a PUT, as CloudFormation's own helpers do (empty
/// content type), retrying network errors and 5xx answers with backoff until the deadline.
#[derive(Clone, Debug)]
pub struct ResponseSender {
    http: reqwest::Client,
}

impl Default for ResponseSender {
    fn default() -> Self {
        Self::new()
    }
}

impl ResponseSender {
    pub fn new() -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .build()
            .expect("the HTTP client's settings are static and valid");
        Self { http }
    }

    /// Returns the number of attempts it took.
    pub async fn send(
        &self,
        url: &ResponseUrl,
        body: &ResponseBody,
        deadline: Deadline,
    ) -> Result<u32, SendError> {
        let mut backoff = FIRST_BACKOFF;
        for attempt in 1..=MAX_ATTEMPTS {
            let per_attempt = deadline
                .remaining()
                .min(ATTEMPT_TIMEOUT)
                .max(Duration::from_millis(500));
            let last_error = match timeout(per_attempt, self.put(url, body)).await {
                Ok(Ok(status)) if (200..300).contains(&status) => {
                    tracing::info!(%url, attempt, status, "response delivered to CloudFormation");
                    return Ok(attempt);
                }
                Ok(Ok(status)) if status < 500 => {
                    return Err(SendError::Refused {
                        url: url.clone(),
                        status,
                    });
                }
                Ok(Ok(status)) => format!("HTTP {status}"),
                Ok(Err(error)) => describe(&error),
                Err(_) => format!("no answer within {per_attempt:?}"),
            };
            tracing::warn!(%url, attempt, error = %last_error, "response not delivered yet, retrying");
            if attempt == MAX_ATTEMPTS || deadline.remaining() <= backoff {
                return Err(SendError::GaveUp {
                    url: url.clone(),
                    attempts: attempt,
                    last_error,
                });
            }
            sleep(backoff).await;
            backoff *= 2;
        }
        unreachable!("the loop returns on its last attempt")
    }

    async fn put(&self, url: &ResponseUrl, body: &ResponseBody) -> Result<u16, reqwest::Error> {
        let response = self
            .http
            .put(url.expose())
            .header(reqwest::header::CONTENT_TYPE, "")
            .body(body.as_bytes().to_vec())
            .send()
            .await?;
        Ok(response.status().as_u16())
    }
}

/// A reqwest error names its URL, query string included: describe it without.
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_connect() {
        "connection failed"
    } else if error.is_timeout() {
        "timed out"
    } else if error.is_request() {
        "request failed"
    } else {
        "transport error"
    };
    let mut source = std::error::Error::source(error);
    let mut detail = String::new();
    while let Some(inner) = source {
        detail = inner.to_string();
        source = inner.source();
    }
    if detail.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {detail}")
    }
}
