use aws_lambda_events::event::cloudformation::{
    CloudFormationCustomResourceResponse, CloudFormationCustomResourceResponseStatus,
};
use std::collections::{BTreeMap, HashMap};

/// CloudFormation rejects response bodies of 4096 bytes or more.
pub const MAX_BODY_BYTES: usize = 4095;

const ELLIPSIS: &str = "…";

/// The fields every response copies from its request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestIdentity {
    pub stack_id: String,
    pub request_id: String,
    pub logical_resource_id: String,
}

/// What the function decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success {
        physical_resource_id: String,
        data: BTreeMap<String, String>,
    },
    Failed {
        physical_resource_id: String,
        reason: String,
    },
}

impl Outcome {
    pub fn failed(physical_resource_id: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Failed {
            physical_resource_id: physical_resource_id.into(),
            reason: reason.into(),
        }
    }

    pub fn is_success(&self) -> bool {
        matches!(self, Self::Success { .. })
    }

    pub fn physical_resource_id(&self) -> &str {
        match self {
            Self::Success {
                physical_resource_id,
                ..
            }
            | Self::Failed {
                physical_resource_id,
                ..
            } => physical_resource_id,
        }
    }
}

/// A rendered response body, guaranteed to be under CloudFormation's limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseBody(Vec<u8>);

impl ResponseBody {
    /// Renders the outcome. A `Reason` that would not fit is truncated (ending in `…`); a SUCCESS
    /// whose `Data` alone does not fit becomes a FAILED that says so, since CloudFormation would
    /// reject it anyway.
    pub fn render(identity: &RequestIdentity, outcome: &Outcome) -> Self {
        match outcome {
            Outcome::Success {
                physical_resource_id,
                data,
            } => {
                let body = to_json(identity, physical_resource_id, None, data);
                if body.len() <= MAX_BODY_BYTES {
                    return Self(body);
                }
                let reason = format!(
                    "the response Data is {} bytes, over CloudFormation's 4096-byte response limit",
                    body.len()
                );
                Self::render(identity, &Outcome::failed(physical_resource_id, reason))
            }
            Outcome::Failed {
                physical_resource_id,
                reason,
            } => Self(failed_body(identity, physical_resource_id, reason)),
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

fn failed_body(identity: &RequestIdentity, physical_id: &str, reason: &str) -> Vec<u8> {
    let empty = BTreeMap::new();
    let body = to_json(identity, physical_id, Some(reason), &empty);
    if body.len() <= MAX_BODY_BYTES {
        return body;
    }
    // JSON escaping can make a reason longer than its text, so shrink until the body fits.
    let mut keep = reason
        .len()
        .saturating_sub(body.len() - MAX_BODY_BYTES + ELLIPSIS.len());
    loop {
        while !reason.is_char_boundary(keep) {
            keep -= 1;
        }
        let shortened = format!("{}{ELLIPSIS}", &reason[..keep]);
        let body = to_json(identity, physical_id, Some(&shortened), &empty);
        if body.len() <= MAX_BODY_BYTES || keep == 0 {
            return body;
        }
        keep = keep.saturating_sub((body.len() - MAX_BODY_BYTES).max(1));
    }
}

fn to_json(
    identity: &RequestIdentity,
    physical_id: &str,
    reason: Option<&str>,
    data: &BTreeMap<String, String>,
) -> Vec<u8> {
    let mut response = CloudFormationCustomResourceResponse::default();
    response.status = match reason {
        None => CloudFormationCustomResourceResponseStatus::Success,
        Some(_) => CloudFormationCustomResourceResponseStatus::Failed,
    };
    response.reason = reason.map(str::to_owned);
    response.physical_resource_id = physical_id.to_owned();
    response.stack_id = identity.stack_id.clone();
    response.request_id = identity.request_id.clone();
    response.logical_resource_id = identity.logical_resource_id.clone();
    response.no_echo = false;
    response.data = data
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect::<HashMap<_, _>>();
    let mut json =
        serde_json::to_value(&response).expect("a response of strings always serialises");
    // The event type writes an absent reason as `"Reason": null`; a SUCCESS carries none at all.
    if let Some(fields) = json.as_object_mut() {
        fields.retain(|_, value| !value.is_null());
    }
    serde_json::to_vec(&json).expect("a JSON value always serialises")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn identity() -> RequestIdentity {
        RequestIdentity {
            stack_id: "arn:aws:cloudformation:eu-west-1:123456789012:stack/s/6d2c3a70-1d2b-11ef-9e2a-0a1b2c3d4e5f".into(),
            request_id: "req-1".into(),
            logical_resource_id: "Env".into(),
        }
    }

    fn parse(body: &ResponseBody) -> Value {
        serde_json::from_slice(body.as_bytes()).unwrap()
    }

    /// The body of a SUCCESS for `arn:c` with this `Data`.
    fn success(data: &[(&str, String)]) -> Value {
        let data = data
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        let outcome = Outcome::Success {
            physical_resource_id: "arn:c".into(),
            data,
        };
        parse(&ResponseBody::render(&identity(), &outcome))
    }

    #[test]
    fn success_carries_identity_and_data() {
        let json = success(&[("ClusterName", "c".to_string())]);
        assert_eq!(json["Status"], "SUCCESS");
        assert_eq!(json["PhysicalResourceId"], "arn:c");
        assert_eq!(json["StackId"], identity().stack_id);
        assert_eq!(json["RequestId"], "req-1");
        assert_eq!(json["LogicalResourceId"], "Env");
        assert_eq!(json["Data"]["ClusterName"], "c");
        assert!(json.get("Reason").is_none(), "{json}");
        assert!(
            json.as_object().unwrap().values().all(|v| !v.is_null()),
            "{json}"
        );
    }

    #[test]
    fn long_reasons_are_truncated_below_the_limit() {
        for reason in [
            "x".repeat(10_000),
            "\"\\\n".repeat(3_000),
            "é€😀".repeat(2_000),
        ] {
            let body = ResponseBody::render(&identity(), &Outcome::failed("p", reason.clone()));
            assert!(
                body.as_bytes().len() <= MAX_BODY_BYTES,
                "{}",
                body.as_bytes().len()
            );
            let json = parse(&body);
            assert_eq!(json["Status"], "FAILED");
            let shown = json["Reason"].as_str().unwrap();
            assert!(shown.ends_with(ELLIPSIS));
            assert!(reason.starts_with(shown.trim_end_matches(ELLIPSIS)));
        }
    }

    #[test]
    fn short_reasons_are_kept_whole() {
        let body = ResponseBody::render(
            &identity(),
            &Outcome::failed("p", "ClusterName is required"),
        );
        assert_eq!(parse(&body)["Reason"], "ClusterName is required");
    }

    #[test]
    fn oversized_data_turns_into_a_failure_that_says_so() {
        let json = success(&[("Big", "v".repeat(5_000))]);
        assert_eq!(json["Status"], "FAILED");
        assert!(json["Reason"].as_str().unwrap().contains("4096-byte"));
        assert_eq!(json["PhysicalResourceId"], "arn:c");
    }
}
