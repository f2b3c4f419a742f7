//! The `Debug Task Requested` event that `slack-command` puts and `debug-launcher` runs.

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const SOURCE: &str = "ecs-debug-toolkit";
pub const DETAIL_TYPE: &str = "Debug Task Requested";
/// The ttl when a request names none.
pub const DEFAULT_TTL_MINUTES: u32 = 60;

/// The event's `detail`. Only `cluster` and `requestedBy` are required.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchRequest {
    pub cluster: String,
    pub requested_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_url: Option<String>,
    /// From a hub: the requester's `response_url` sealed for the spoke (the spoke hands it back
    /// in its `Debug Task Notice`, unread; `crate::slack::sealed_url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_response_url: Option<String>,
    /// From a hub: its seal of `channelId` for the spoke (`crate::slack::sealed`), which the
    /// task and its notices carry, so that the hub posts only in channels its requests came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_seal: Option<String>,
    /// From a hub: the cluster's user groups the hub read the requester in (a spoke holds no bot
    /// token to read them itself).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requester_groups: Vec<String>,
    /// A number (or, from hand-written events, a numeric string); judged by [`Self::ttl_minutes`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_minutes: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Place the task like this ECS service of the cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub like_service: Option<String>,
}

/// An ECS service name: 1 to 255 letters, digits, hyphens and underscores.
pub fn is_service_name(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A `ttlMinutes` that is not a whole number of minutes above zero.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("ttlMinutes must be a whole number of minutes above zero, not {0}")]
pub struct BadTtl(String);

impl LaunchRequest {
    /// The requested ttl: absent means the default; anything but a positive whole number is
    /// refused.
    pub fn ttl_minutes(&self) -> Result<u32, BadTtl> {
        let refuse = |v: &Value| BadTtl(v.to_string());
        match &self.ttl_minutes {
            None | Some(Value::Null) => Ok(DEFAULT_TTL_MINUTES),
            Some(v @ Value::Number(n)) => n
                .as_u64()
                .filter(|m| *m > 0)
                .map(|m| m.min(u64::from(u32::MAX)) as u32)
                .ok_or_else(|| refuse(v)),
            Some(v @ Value::String(s)) => s
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|m| *m > 0)
                .ok_or_else(|| refuse(v)),
            Some(v) => Err(refuse(v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ttl_forms() {
        let with = |v: Value| LaunchRequest {
            ttl_minutes: Some(v),
            ..LaunchRequest::default()
        };
        assert_eq!(LaunchRequest::default().ttl_minutes(), Ok(60));
        assert_eq!(with(json!(null)).ttl_minutes(), Ok(60));
        assert_eq!(with(json!(90)).ttl_minutes(), Ok(90));
        assert_eq!(with(json!("90")).ttl_minutes(), Ok(90));
        for bad in [
            json!(0),
            json!(-5),
            json!(1.5),
            json!("x"),
            json!([1]),
            json!(true),
        ] {
            assert!(with(bad.clone()).ttl_minutes().is_err(), "{bad}");
        }
    }

    #[test]
    fn documented_shape() {
        let request: LaunchRequest = serde_json::from_value(json!({
            "cluster": "payments-dev", "requestedBy": "U012ABCDEF", "channelId": "C0123",
            "responseUrl": "https://hooks.slack.com/commands/1", "ttlMinutes": 60,
            "reason": "db timeouts", "requestId": "r-1"
        }))
        .unwrap();
        assert_eq!(request.cluster, "payments-dev");
        assert_eq!(request.requested_by, "U012ABCDEF");
        assert_eq!(request.channel_id.as_deref(), Some("C0123"));
        assert_eq!(request.request_id.as_deref(), Some("r-1"));
        let minimal: LaunchRequest =
            serde_json::from_value(json!({"cluster": "c", "requestedBy": "U1"})).unwrap();
        assert_eq!(minimal.response_url, None);
    }
}
