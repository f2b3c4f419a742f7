//! Posting to Slack: a `response_url` (only when the allow-list admits it) or `chat.postMessage`
//! with the bot token. Redirects are never followed, so an admitted URL cannot bounce us elsewhere.

use super::response_url::{redact, ResponseUrlPolicy};
use super::Message;
use crate::backoff::Backoff;
use crate::http::{HttpSender, Request};
use crate::secrets::Secret;
use serde_json::Value;
use std::time::Duration;

pub const DEFAULT_API_BASE: &str = "https://slack.com/api";
/// Three attempts, at most 200 and 400 ms apart (at least half that: `backoff`'s jitter).
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
        self.to_response_url(response_url, &message.ephemeral())
            .await
    }

    /// Replaces, through a click's `response_url`, the message whose button was clicked.
    pub async fn replace(&self, response_url: &str, message: &Message) -> Result<(), SlackError> {
        self.to_response_url(response_url, &message.replacing())
            .await
    }

    async fn to_response_url(&self, response_url: &str, body: &Value) -> Result<(), SlackError> {
        let target = redact(response_url);
        let Some(url) = self.response_urls.allows(response_url) else {
            tracing::warn!(response_url = %target, "response_url refused: not in SLACK_RESPONSE_URL_PREFIXES");
            return Err(SlackError::Refused(target));
        };
        let body = json_body(body);
        self.with_retries(&target, || post(url.as_str(), None, JSON, &body))
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
            .with_retries("chat.postMessage", || post(&url, Some(token), JSON, &body))
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
            .with_retries("usergroups.users.list", || {
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

    /// Retries network errors, 429 and 5xx; returns the body of the 2xx answer.
    async fn with_retries<'a>(
        &self,
        target: &str,
        request: impl Fn() -> Request<'a>,
    ) -> Result<Vec<u8>, SlackError> {
        let mut waits = ATTEMPTS.start();
        loop {
            let failure = match self.http.send(request(), ATTEMPT_TIMEOUT).await {
                Ok(reply) if (200..300).contains(&reply.status) => return Ok(reply.body),
                Ok(reply) => {
                    let error = SlackError::Status {
                        target: target.to_string(),
                        status: reply.status,
                    };
                    if reply.status != 429 && reply.status < 500 {
                        return Err(error);
                    }
                    error
                }
                Err(error) => SlackError::Unreachable {
                    target: target.to_string(),
                    error: error.to_string(),
                },
            };
            tracing::warn!(%failure, attempt = waits.attempt(), "Slack post failed");
            if !waits.wait_within(None).await {
                return Err(failure);
            }
        }
    }
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
