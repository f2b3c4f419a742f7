//! Posting to Slack: a `response_url` (only when the allow-list admits it) or `chat.postMessage`
//! with the bot token. Redirects are never followed, so an admitted URL cannot bounce us elsewhere.

use super::decide::{next, Answer, Next};
use super::response_url::{redact, ResponseUrlPolicy};
use super::Message;
use crate::backoff::Backoff;
use crate::deadline::Deadline;
use crate::http::{HttpSender, Request};
use crate::secrets::Secret;
use serde_json::Value;
use std::time::Duration;

pub const DEFAULT_API_BASE: &str = "https://slack.com/api";
/// Three attempts, at most 200 and 400 ms apart (at least half that: `backoff`'s jitter), or as
/// long apart as a `ratelimited` answer asks.
const ATTEMPTS: Backoff =
    Backoff::doubling(Duration::from_millis(200), Duration::from_secs(1)).attempts(3);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// The whole exchange, answer included.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum SlackError {
    #[error("response_url {0} is not in SLACK_RESPONSE_URL_PREFIXES; it was not contacted")]
    Refused(String),
    #[error("Slack answered HTTP {status} to {target}")]
    Status { target: String, status: u16 },
    #[error("Slack refused {target}: {error}")]
    Api { target: String, error: String },
    #[error("Slack could not be reached at {target}: {error}")]
    Unreachable { target: String, error: String },
    #[error("Slack rate-limited {target} and asked to wait {wait:?}, more than this invocation has left ({left:?}); not retried")]
    RateLimited {
        target: String,
        wait: Duration,
        left: Duration,
    },
}

#[derive(Clone, Debug)]
pub struct SlackClient {
    http: HttpSender,
    api_base: String,
    response_urls: ResponseUrlPolicy,
}

impl SlackClient {
    /// From `SLACK_API_BASE_URL` and `SLACK_RESPONSE_URL_PREFIXES`.
    pub fn from_env() -> Self {
        Self::new(
            std::env::var("SLACK_API_BASE_URL")
                .ok()
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_API_BASE.to_string()),
            ResponseUrlPolicy::from_env(),
        )
    }

    pub fn new(api_base: String, response_urls: ResponseUrlPolicy) -> Self {
        Self {
            http: HttpSender::new(CONNECT_TIMEOUT, ATTEMPT_TIMEOUT),
            api_base: api_base.trim_end_matches('/').to_string(),
            response_urls,
        }
    }

    pub fn admits(&self, response_url: &str) -> bool {
        self.response_urls.allows(response_url).is_some()
    }

    /// Posts an ephemeral message to a slash command's (or a click's) `response_url`.
    pub async fn respond(&self, response_url: &str, message: &Message) -> Result<(), SlackError> {
        self.to_response_url(response_url, &message.ephemeral(), Repeat::Always)
            .await
    }

    /// Like [`Self::respond`], but tried again only when Slack certainly did not post it (a
    /// `ratelimited` answer): after no answer or a 5xx it may have been shown, and a second
    /// ephemeral beside a clicked message would say it twice.
    pub async fn respond_at_most_once(
        &self,
        response_url: &str,
        message: &Message,
    ) -> Result<(), SlackError> {
        self.to_response_url(response_url, &message.ephemeral(), Repeat::OnlyIfRefused)
            .await
    }

    /// Replaces, through a click's `response_url`, the message whose button was clicked (the
    /// same replacement twice is harmless, so it is tried again).
    pub async fn replace(&self, response_url: &str, message: &Message) -> Result<(), SlackError> {
        self.to_response_url(response_url, &message.replacing(), Repeat::Always)
            .await
    }

    async fn to_response_url(
        &self,
        response_url: &str,
        body: &Value,
        repeat: Repeat,
    ) -> Result<(), SlackError> {
        let target = redact(response_url);
        let Some(url) = self.response_urls.allows(response_url) else {
            tracing::warn!(response_url = %target, "response_url refused: not in SLACK_RESPONSE_URL_PREFIXES");
            return Err(SlackError::Refused(target));
        };
        let body = json_body(body);
        self.with_retries(&target, repeat, || post(url.as_str(), None, JSON, &body))
            .await
            .map(drop)
    }

    /// `chat.postMessage` to a channel with the bot token.
    pub async fn post_message(
        &self,
        token: &Secret,
        channel: &str,
        message: &Message,
    ) -> Result<(), SlackError> {
        let url = format!("{}/chat.postMessage", self.api_base);
        let body = json_body(&message.to_channel(channel));
        let answer = self
            .with_retries("chat.postMessage", Repeat::Always, || {
                post(&url, Some(token), JSON, &body)
            })
            .await?;
        web_api_reply("chat.postMessage", &answer).map(drop)
    }

    /// `usergroups.users.list`: the members of a user group (bot token, scope `usergroups:read`).
    /// `group` is a user group id (`S…`: letters and digits, nothing to encode).
    pub async fn usergroup_members(
        &self,
        token: &Secret,
        group: &str,
    ) -> Result<Vec<String>, SlackError> {
        let url = format!("{}/usergroups.users.list", self.api_base);
        let body = format!("usergroup={group}").into_bytes();
        let answer = self
            .with_retries("usergroups.users.list", Repeat::Always, || {
                post(&url, Some(token), FORM, &body)
            })
            .await?;
        let reply = web_api_reply("usergroups.users.list", &answer)?;
        Ok(reply["users"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|u| u.as_str().map(str::to_string))
            .collect())
    }

    /// Retries network errors and 5xx with backoff, and 429 after its `Retry-After` when that
    /// fits in the invocation ([`Deadline::of_invocation`]); returns the body of the 2xx answer.
    async fn with_retries<'a>(
        &self,
        target: &str,
        repeat: Repeat,
        request: impl Fn() -> Request<'a>,
    ) -> Result<Vec<u8>, SlackError> {
        let until = Deadline::of_invocation();
        let mut waits = ATTEMPTS.start();
        loop {
            let sent = self.http.send(request(), ATTEMPT_TIMEOUT).await;
            let answer = match &sent {
                Ok(reply) if (200..300).contains(&reply.status) => Answer::Ok,
                Ok(reply) => Answer::Status {
                    status: reply.status,
                    retry_after: reply.retry_after,
                },
                Err(_) => Answer::Unreachable,
            };
            let left = until.remaining().saturating_sub(ATTEMPT_TIMEOUT);
            let failure = match (sent, next(answer, true, left)) {
                (Ok(reply), Next::Done) => return Ok(reply.body),
                (Err(error), _) => SlackError::Unreachable {
                    target: target.to_string(),
                    error: error.to_string(),
                },
                (Ok(reply), decided) => {
                    let status = SlackError::Status {
                        target: target.to_string(),
                        status: reply.status,
                    };
                    match decided {
                        Next::WaitThenRetry(wait) => {
                            tracing::warn!(%status, ?wait, attempt = waits.attempt(), "Slack rate-limited the post: waiting as asked");
                            // It takes an attempt, not the backoff's wait.
                            if waits.next_within(None).is_none() {
                                return Err(status);
                            }
                            tokio::time::sleep(wait).await;
                            continue;
                        }
                        Next::TooLongToWait(wait) => {
                            return Err(SlackError::RateLimited {
                                target: target.to_string(),
                                wait,
                                left,
                            })
                        }
                        Next::Backoff => status,
                        _ => return Err(status),
                    }
                }
            };
            tracing::warn!(%failure, attempt = waits.attempt(), "Slack post failed");
            if repeat == Repeat::OnlyIfRefused {
                return Err(failure);
            }
            if !waits.wait_within(Some(until)).await {
                return Err(failure);
            }
        }
    }
}

/// When a failed post is tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Repeat {
    /// After any passing failure (a replacement twice is harmless; a channel notice twice is
    /// better than none).
    Always,
    /// Only after Slack said it did not take it (HTTP 429 with `Retry-After`).
    OnlyIfRefused,
}

/// A Web API answer: `{"ok": true, …}`, else the `error` Slack gave.
fn web_api_reply(target: &str, answer: &[u8]) -> Result<Value, SlackError> {
    let reply: Value = serde_json::from_slice(answer).unwrap_or(Value::Null);
    if reply["ok"] == Value::Bool(true) {
        Ok(reply)
    } else {
        Err(SlackError::Api {
            target: target.to_string(),
            error: reply["error"]
                .as_str()
                .unwrap_or("no `ok` in the answer")
                .to_string(),
        })
    }
}

fn json_body(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("a JSON value always serialises")
}

const JSON: &str = "application/json; charset=utf-8";
const FORM: &str = "application/x-www-form-urlencoded";

/// A POST of `content_type`, with the bot token as a bearer token when given.
fn post<'a>(url: &'a str, token: Option<&Secret>, content_type: &str, body: &[u8]) -> Request<'a> {
    let mut headers = vec![("content-type", content_type.to_string())];
    if let Some(token) = token {
        headers.push(("authorization", format!("Bearer {}", token.expose())));
    }
    Request {
        method: "POST",
        url,
        headers,
        body: body.to_vec(),
    }
}
