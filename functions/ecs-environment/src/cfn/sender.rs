use super::{ResponseBody, ResponseUrl};
use debug_toolkit::backoff::Backoff;
use debug_toolkit::deadline::Deadline;
use debug_toolkit::http::{HttpSender, Request};
use std::time::Duration;

const MAX_ATTEMPTS: u32 = 6;
/// 250 ms doubling (the ceilings; jittered: `backoff`), within the deadline.
const ATTEMPTS: Backoff =
    Backoff::doubling(Duration::from_millis(250), Duration::from_secs(8)).attempts(MAX_ATTEMPTS);
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

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
    http: HttpSender,
}

impl Default for ResponseSender {
    fn default() -> Self {
        Self::new()
    }
}

impl ResponseSender {
    pub fn new() -> Self {
        Self {
            http: HttpSender::new(CONNECT_TIMEOUT, ATTEMPT_TIMEOUT),
        }
    }

    /// Returns the number of attempts it took.
    pub async fn send(
        &self,
        url: &ResponseUrl,
        body: &ResponseBody,
        deadline: Deadline,
    ) -> Result<u32, SendError> {
        let mut waits = ATTEMPTS.start();
        loop {
            let attempt = waits.attempt();
            let per_attempt = deadline
                .remaining()
                .min(ATTEMPT_TIMEOUT)
                .max(Duration::from_millis(500));
            let put = Request {
                method: "PUT",
                url: url.expose(),
                headers: vec![("content-type", String::new())],
                body: body.as_bytes().to_vec(),
            };
            let last_error = match self.http.send(put, per_attempt).await.map(|r| r.status) {
                Ok(status) if (200..300).contains(&status) => {
                    tracing::info!(%url, attempt, status, "response delivered to CloudFormation");
                    return Ok(attempt);
                }
                Ok(status) if status < 500 => {
                    return Err(SendError::Refused {
                        url: url.clone(),
                        status,
                    });
                }
                Ok(status) => format!("HTTP {status}"),
                Err(error) => error.to_string(),
            };
            tracing::warn!(%url, attempt, error = %last_error, "response not delivered yet, retrying");
            if !waits.wait_within(Some(deadline)).await {
                return Err(SendError::GaveUp {
                    url: url.clone(),
                    attempts: attempt,
                    last_error,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cfn::{Outcome, RequestIdentity};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    fn body() -> ResponseBody {
        let identity = RequestIdentity {
            stack_id: "arn:aws:cloudformation:eu-west-1:123456789012:stack/s/6d2c3a70-1d2b-11ef-9e2a-0a1b2c3d4e5f".into(),
            request_id: "r".into(),
            logical_resource_id: "Env".into(),
        };
        ResponseBody::render(&identity, &Outcome::failed("p", "reason"))
    }

    /// A server that drops the first `drops` connections without answering, then answers each
    /// request with `status`. Returns its URL and a counter of connections.
    async fn flaky_server(
        drops: usize,
        status: u16,
    ) -> (ResponseUrl, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = ResponseUrl::new(format!(
            "http://{}/r?X-Amz-Signature=s",
            listener.local_addr().unwrap()
        ));
        let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = seen.clone();
        tokio::spawn(async move {
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if n < drops {
                    drop(socket);
                    continue;
                }
                let mut buffer = vec![0u8; 8192];
                let _ = socket.read(&mut buffer).await;
                let reply = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            }
        });
        (url, seen)
    }

    #[tokio::test]
    async fn dropped_connections_are_retried_until_the_response_is_taken() {
        let (url, seen) = flaky_server(2, 200).await;
        let attempts = ResponseSender::new()
            .send(&url, &body(), Deadline::after(Duration::from_secs(10)))
            .await
            .unwrap();
        assert_eq!(attempts, 3);
        assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_refusal_is_final_and_its_error_hides_the_query_string() {
        let (url, seen) = flaky_server(0, 403).await;
        let error = ResponseSender::new()
            .send(&url, &body(), Deadline::after(Duration::from_secs(10)))
            .await
            .unwrap_err();
        assert!(matches!(error, SendError::Refused { status: 403, .. }));
        assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert!(!error.to_string().contains("X-Amz-Signature"), "{error}");
    }

    #[tokio::test]
    async fn server_errors_are_retried_until_the_attempts_run_out() {
        let (url, seen) = flaky_server(0, 503).await;
        let error = ResponseSender::new()
            .send(&url, &body(), Deadline::after(Duration::from_secs(30)))
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                SendError::GaveUp {
                    attempts: MAX_ATTEMPTS,
                    ..
                }
            ),
            "{error}"
        );
        assert_eq!(
            seen.load(std::sync::atomic::Ordering::SeqCst),
            MAX_ATTEMPTS as usize
        );
        assert!(!error.to_string().contains("X-Amz-Signature"), "{error}");
    }
}
