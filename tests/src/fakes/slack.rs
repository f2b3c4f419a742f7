//! Slack played in tests: signed slash-command requests shaped as Function URL events, and a
//! local server standing in for `response_url`s and the Web API, recording every POST.

use crate::http::serve;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

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

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Slack's v0 signature, computed independently of the function's code.
pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("v0:{timestamp}:").as_bytes());
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// A slash-command form body as Slack sends it.
pub fn form(user: &str, channel: &str, text: &str, response_url: &str) -> String {
    form_with(user, channel, text, response_url, &[])
}

/// The same, with some fields given other values (`team_id`, `command`, `enterprise_id`…).
pub fn form_with(
    user: &str,
    channel: &str,
    text: &str,
    response_url: &str,
    overrides: &[(&str, &str)],
) -> String {
    let trigger = format!("{}.{}.abcdef", now(), rand_suffix());
    let mut pairs = vec![
        ("token", "deprecated-verification-token"),
        ("team_id", "T0TEST"),
        ("team_domain", "example"),
        ("channel_id", channel),
        ("channel_name", "debugging"),
        ("user_id", user),
        ("user_name", "someone"),
        ("command", "/debug"),
        ("text", text),
        ("response_url", response_url),
        ("trigger_id", &trigger),
        ("api_app_id", "A0TEST"),
    ];
    for (name, value) in overrides {
        match pairs.iter_mut().find(|(k, _)| k == name) {
            Some(pair) => pair.1 = value,
            None => pairs.push((name, value)),
        }
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A button click as Slack posts it to the Interactivity Request URL: a form whose one field
/// `payload` is the `block_actions` JSON.
pub fn click(
    user: &str,
    channel: &str,
    action_id: &str,
    value: &str,
    response_url: &str,
) -> String {
    click_body(&click_payload(
        user,
        channel,
        action_id,
        value,
        response_url,
    ))
}

/// The `block_actions` payload of a click in an ephemeral message of workspace `T0TEST` (change
/// its fields to shape another: `container`, `team`, `user.team_id`, the action's `block_id`).
pub fn click_payload(
    user: &str,
    channel: &str,
    action_id: &str,
    value: &str,
    response_url: &str,
) -> Value {
    json!({
        "type": "block_actions",
        "user": {"id": user, "username": "someone", "name": "someone", "team_id": "T0TEST"},
        "api_app_id": "A0TEST",
        "token": "deprecated-verification-token",
        "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": channel, "is_ephemeral": true},
        "trigger_id": format!("{}.{}.abcdef", now(), rand_suffix()),
        "team": {"id": "T0TEST", "domain": "example"},
        "channel": {"id": channel, "name": "debugging"},
        "response_url": response_url,
        "actions": [{
            "action_id": action_id,
            "block_id": "debug-task",
            "text": {"type": "plain_text", "text": "button", "emoji": true},
            "value": value,
            "type": "button",
            "action_ts": format!("{}.{:06}", now(), rand_suffix() % 1_000_000),
        }],
    })
}

/// The form Slack posts for a `block_actions` payload.
pub fn click_body(payload: &Value) -> String {
    format!("payload={}", encode(&payload.to_string()))
}

fn rand_suffix() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// How the test builds the Function URL event around a body.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub timestamp: Option<String>,
    pub signature: Option<String>,
    pub base64: bool,
}

impl Delivery {
    /// Signed now with the test secret, body in plain text.
    pub fn signed(body: &str) -> Self {
        let timestamp = now().to_string();
        Self {
            signature: Some(sign(SIGNING_SECRET, &timestamp, body.as_bytes())),
            timestamp: Some(timestamp),
            base64: false,
        }
    }
}

/// The Function URL (payload format 2.0) event Lambda would deliver for Slack's POST.
pub fn function_url_event(body: &str, delivery: &Delivery) -> Value {
    let mut event: Value = crate::samples::sample("slack-command/start");
    let headers = event["headers"].as_object_mut().expect("headers");
    headers.remove("x-slack-request-timestamp");
    headers.remove("x-slack-signature");
    if let Some(ts) = &delivery.timestamp {
        headers.insert("x-slack-request-timestamp".into(), json!(ts));
    }
    if let Some(sig) = &delivery.signature {
        headers.insert("x-slack-signature".into(), json!(sig));
    }
    headers.insert("content-length".into(), json!(body.len().to_string()));
    event["body"] = if delivery.base64 {
        json!(base64::engine::general_purpose::STANDARD.encode(body))
    } else {
        json!(body)
    };
    event["isBase64Encoded"] = json!(delivery.base64);
    // Milliseconds, as a Function URL sends them: slack-command's budget starts there.
    let arrived = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_millis();
    event["requestContext"]["timeEpoch"] = json!(arrived as i64);
    event
}
