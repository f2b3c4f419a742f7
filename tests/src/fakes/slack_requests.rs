//! Requests as Slack sends them: signed slash-command forms, `block_actions` clicks, and the
//! Function URL event that carries them.

use super::slack::SIGNING_SECRET;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::time::{SystemTime, UNIX_EPOCH};

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
