//! Slack played in tests: signed slash-command requests shaped as Function URL events, and a
//! local server standing in for `response_url`s and the Web API, recording every POST.

pub use super::slack_requests::*;
use crate::http::serve;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const SIGNING_SECRET: &str = "test-signing-secret-DO-NOT-LOG-8f74223";
/// The last part of every `response_url` the harness hands out (Slack's is a bearer credential).
pub const RESPONSE_URL_TOKEN: &str = "SLACKRESPONSETOKEN";

/// One POST Slack received.
#[derive(Clone, Debug)]
pub struct Posted {
    pub path: String,
    pub authorization: Option<String>,
    pub body: Value,
}

#[derive(Clone)]
pub struct SlackServer {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    posts: Mutex<Vec<Posted>>,
    /// What the Web API answers per method (default `{"ok": true, "ts": "1.000"}`).
    answers: Mutex<HashMap<String, Value>>,
    /// Bot tokens Slack no longer takes: `{"ok": false, "error": "invalid_auth"}`.
    revoked: Mutex<HashSet<String>>,
    /// Per method: how many more calls get HTTP 429 `ratelimited`, and their `Retry-After`.
    limited: Mutex<HashMap<String, (usize, u64)>>,
}

impl SlackServer {
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let router = Router::new()
            .route("/hooks/{*rest}", post(hook))
            .route("/api/{method}", post(api))
            .with_state(shared.clone());
        Self {
            addr: serve(router).await,
            shared,
        }
    }

    /// From now on the Web API's `method` answers `answer`.
    pub fn answer(&self, method: &str, answer: Value) {
        self.shared
            .answers
            .lock()
            .unwrap()
            .insert(method.to_string(), answer);
    }

    /// From now on a Web API call with `token` is answered `invalid_auth` (a rotated token).
    pub fn revoke(&self, token: &str) {
        self.shared
            .revoked
            .lock()
            .unwrap()
            .insert(format!("Bearer {token}"));
    }

    /// The next `times` calls of `method` are answered HTTP 429 `ratelimited` with
    /// `Retry-After: <seconds>`, as Slack rate-limits a method.
    pub fn rate_limit(&self, method: &str, times: usize, seconds: u64) {
        self.shared
            .limited
            .lock()
            .unwrap()
            .insert(method.to_string(), (times, seconds));
    }

    /// What `SLACK_RESPONSE_URL_PREFIXES` admits for this server.
    pub fn hooks_prefix(&self) -> String {
        format!("http://{}/hooks/", self.addr)
    }

    pub fn response_url(&self, key: &str) -> String {
        format!(
            "http://{}/hooks/commands/T0TEST/{key}/{RESPONSE_URL_TOKEN}",
            self.addr
        )
    }

    pub fn api_base(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    pub fn posts(&self) -> Vec<Posted> {
        self.shared.posts.lock().unwrap().clone()
    }

    /// Waits for the `n`th POST (1-based) and returns all of them.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Posted> {
        let started = Instant::now();
        loop {
            let posts = self.posts();
            if posts.len() >= n || started.elapsed() > timeout {
                return posts;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn hook(
    State(shared): State<Arc<Shared>>,
    Path(rest): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> &'static str {
    record(&shared.posts, format!("/hooks/{rest}"), &headers, &body);
    "ok"
}

async fn api(
    State(shared): State<Arc<Shared>>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&shared.posts, format!("/api/{method}"), &headers, &body);
    if let Some((left, seconds)) = shared.limited.lock().unwrap().get_mut(&method) {
        if *left > 0 {
            *left -= 1;
            let refusal = Json(json!({"ok": false, "error": "ratelimited"}));
            let retry_after = [("retry-after", seconds.to_string())];
            return (StatusCode::TOO_MANY_REQUESTS, retry_after, refusal).into_response();
        }
    }
    let token = headers.get("authorization").and_then(|v| v.to_str().ok());
    if token.is_some_and(|t| shared.revoked.lock().unwrap().contains(t)) {
        return Json(json!({"ok": false, "error": "invalid_auth"})).into_response();
    }
    let canned = shared.answers.lock().unwrap().get(&method).cloned();
    Json(canned.unwrap_or_else(|| json!({"ok": true, "ts": "1.000"}))).into_response()
}

fn record(posts: &Mutex<Vec<Posted>>, path: String, headers: &HeaderMap, body: &[u8]) {
    posts.lock().unwrap().push(Posted {
        path,
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        // JSON (messages), else the raw text (a form, as usergroups.users.list gets).
        body: serde_json::from_slice(body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned())),
    });
}
