//! A launch request checked before any AWS call: well-formed ids, a ttl, a fresh event.

use debug_toolkit::cluster::is_valid_name;
use debug_toolkit::launch::{is_service_name, LaunchRequest, DETAIL_TYPE, SOURCE};
use debug_toolkit::slack_ids::{is_plain_id, is_user_group_id};
use debug_toolkit::timestamp::EpochSeconds;
use serde_json::Value;

/// Requests older than this are not launched (the requester has long moved on; a replay from a
/// dead-letter queue must not start a task hours later).
pub const MAX_AGE_SECONDS: i64 = 15 * 60;
/// Allowed clock skew for events stamped in the future.
pub const MAX_SKEW_SECONDS: i64 = 5 * 60;

#[derive(Clone, Debug, PartialEq)]
pub struct ValidRequest {
    pub cluster: String,
    pub requested_by: String,
    /// Who is told how it ended, and where.
    pub reply: ReplyTo,
    /// From a hub: the cluster's user groups the hub read the requester in.
    pub requester_groups: Vec<String>,
    pub ttl_minutes: u32,
    pub reason: String,
    /// The request's identity: `requestId`, else the EventBridge event id.
    pub request_id: String,
    /// When it was requested (the event's `time`): the task's launched-at, stable on redelivery.
    pub requested_at: EpochSeconds,
    /// Place the task like this service (docs/interface.md, `debug-launcher`).
    pub like_service: Option<String>,
}

/// Where the requester is told: the channel, their `response_url` (one account) or the one a hub
/// sealed for this spoke.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplyTo {
    pub channel: Option<String>,
    /// From a hub: its seal of the channel, recorded on the task and handed back in notices.
    pub channel_seal: Option<String>,
    pub response_url: Option<String>,
    pub sealed_response_url: Option<String>,
}

impl ReplyTo {
    /// The channel and `response_url`s of a detail, read even from one too broken to parse, so
    /// that the requester can be told why nothing happened (a malformed channel is dropped).
    pub fn of(detail: &Value) -> Self {
        let text = |key: &str| {
            detail[key]
                .as_str()
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        Self {
            channel: text("channelId").filter(|c| is_plain_id(c)),
            channel_seal: text("channelSeal").filter(|s| is_channel_seal(s)),
            response_url: text("responseUrl"),
            sealed_response_url: text("sealedResponseUrl").filter(|s| is_sealed_shape(s)),
        }
    }
}

/// A channel's seal as a hub writes it: 64 hex digits (it goes into a tag).
fn is_channel_seal(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A sealed `response_url` as a hub writes it: hex, of a bounded length.
fn is_sealed_shape(text: &str) -> bool {
    text.len() <= 4096 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("not a launch request (source {event_source:?}, detail-type {detail_type:?})")]
    NotALaunch {
        event_source: String,
        detail_type: String,
    },
    #[error("the launch request is malformed: {0}")]
    Malformed(String),
    #[error("the launch request is {0} minutes old; ask again with `start`")]
    Stale(i64),
}

pub fn validate(
    source: &str,
    detail_type: &str,
    event_id: Option<&str>,
    event_time: Option<EpochSeconds>,
    detail: &Value,
    now: EpochSeconds,
) -> Result<ValidRequest, RequestError> {
    if source != SOURCE || detail_type != DETAIL_TYPE {
        return Err(RequestError::NotALaunch {
            event_source: source.chars().take(64).collect(),
            detail_type: detail_type.chars().take(64).collect(),
        });
    }
    let request: LaunchRequest = serde_json::from_value(detail.clone())
        .map_err(|e| RequestError::Malformed(e.to_string()))?;
    let malformed = |what: &str| RequestError::Malformed(what.to_string());
    if !is_valid_name(&request.cluster) {
        return Err(malformed("`cluster` must be an ECS cluster name"));
    }
    if !is_plain_id(&request.requested_by) {
        return Err(malformed("`requestedBy` must be a Slack user id"));
    }
    let channel = request.channel_id.clone().filter(|c| !c.is_empty());
    if channel.as_deref().is_some_and(|c| !is_plain_id(c)) {
        return Err(malformed("`channelId` must be a Slack channel id"));
    }
    if request
        .sealed_response_url
        .as_deref()
        .is_some_and(|s| !is_sealed_shape(s))
    {
        return Err(malformed("`sealedResponseUrl` must be hex"));
    }
    if request
        .channel_seal
        .as_deref()
        .is_some_and(|s| !is_channel_seal(s))
    {
        return Err(malformed("`channelSeal` must be 64 hex digits"));
    }
    if !request.requester_groups.iter().all(|g| is_user_group_id(g)) {
        return Err(malformed("`requesterGroups` must be Slack user group ids"));
    }
    let ttl_minutes = request
        .ttl_minutes()
        .map_err(|e| RequestError::Malformed(e.to_string()))?;
    let like_service = request.like_service.clone().filter(|s| !s.is_empty());
    if like_service.as_deref().is_some_and(|s| !is_service_name(s)) {
        return Err(malformed("`likeService` must be an ECS service name"));
    }
    let request_id = request
        .request_id
        .clone()
        .filter(|r| !r.is_empty())
        .or_else(|| event_id.map(str::to_string))
        .ok_or_else(|| malformed("it has neither `requestId` nor an event id"))?;
    let requested_at = event_time.unwrap_or(now);
    let age = now - requested_at;
    if age > MAX_AGE_SECONDS {
        return Err(RequestError::Stale(age / 60));
    }
    if age < -MAX_SKEW_SECONDS {
        return Err(malformed("its `time` is in the future"));
    }
    Ok(ValidRequest {
        cluster: request.cluster,
        requested_by: request.requested_by,
        reply: ReplyTo {
            channel_seal: request.channel_seal.filter(|_| channel.is_some()),
            channel,
            response_url: request.response_url.filter(|u| !u.is_empty()),
            sealed_response_url: request.sealed_response_url.filter(|u| !u.is_empty()),
        },
        requester_groups: request.requester_groups,
        ttl_minutes,
        reason: request.reason.unwrap_or_default(),
        request_id,
        requested_at,
        like_service,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: EpochSeconds = 1_795_000_000;

    fn check(detail: Value, time: Option<EpochSeconds>) -> Result<ValidRequest, RequestError> {
        validate(SOURCE, DETAIL_TYPE, Some("event-1"), time, &detail, NOW)
    }

    #[test]
    fn a_full_request() {
        let valid = check(
            json!({"cluster": "payments-dev", "requestedBy": "U012ABCDEF", "channelId": "C0123",
                   "responseUrl": "https://hooks.slack.com/commands/1", "ttlMinutes": 90,
                   "reason": "db timeouts", "requestId": "r-1"}),
            Some(NOW - 5),
        )
        .unwrap();
        assert_eq!(valid.ttl_minutes, 90);
        assert_eq!(valid.request_id, "r-1");
        assert_eq!(valid.requested_at, NOW - 5);
    }

    #[test]
    fn defaults_for_the_optional_fields() {
        let valid = check(json!({"cluster": "c", "requestedBy": "U1"}), None).unwrap();
        assert_eq!(valid.ttl_minutes, 60);
        assert_eq!(valid.request_id, "event-1");
        assert_eq!(valid.reply, ReplyTo::default());
        assert_eq!(valid.requested_at, NOW);
    }

    #[test]
    fn refusals() {
        for (detail, time) in [
            (json!({"requestedBy": "U1"}), None),
            (json!({"cluster": "c"}), None),
            (json!({"cluster": "a b", "requestedBy": "U1"}), None),
            (
                json!({"cluster": "c", "requestedBy": "U1,debug-toolkit:managed-by"}),
                None,
            ),
            (
                json!({"cluster": "c", "requestedBy": "U1", "channelId": "<!channel>"}),
                None,
            ),
            (
                json!({"cluster": "c", "requestedBy": "U1", "ttlMinutes": -1}),
                None,
            ),
            (json!({"cluster": "c", "requestedBy": 7}), None),
            (
                json!({"cluster": "c", "requestedBy": "U1", "sealedResponseUrl": "https://hooks.slack.com/x"}),
                None,
            ),
            (
                json!({"cluster": "c", "requestedBy": "U1", "requesterGroups": ["U1"]}),
                None,
            ),
            (json!("not an object"), None),
            (
                json!({"cluster": "c", "requestedBy": "U1"}),
                Some(NOW + 3600),
            ),
        ] {
            assert!(
                matches!(check(detail.clone(), time), Err(RequestError::Malformed(_))),
                "{detail}"
            );
        }
        assert_eq!(
            check(
                json!({"cluster": "c", "requestedBy": "U1"}),
                Some(NOW - 3600)
            ),
            Err(RequestError::Stale(60))
        );
        assert!(matches!(
            validate("aws.ecs", DETAIL_TYPE, None, None, &json!({}), NOW),
            Err(RequestError::NotALaunch { .. })
        ));
    }
}
