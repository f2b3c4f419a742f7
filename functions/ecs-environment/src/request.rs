//! Reading a custom-resource request, leniently enough to answer even a malformed one.

use crate::cfn::{RequestIdentity, ResponseUrl};
use crate::spec::Properties;
use aws_lambda_events::event::cloudformation::CloudFormationCustomResourceRequest;
use serde_json::Value;

/// What CloudFormation asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    Create {
        props: Properties,
    },
    Update {
        physical_id: String,
        props: Properties,
        old_props: Properties,
    },
    Delete {
        physical_id: String,
        props: Properties,
    },
}

impl Request {
    /// The environment's cluster, when the request names a valid one (a metric's dimension).
    pub fn cluster_name(&self) -> Option<String> {
        let name = match self {
            Self::Create { props } | Self::Update { props, .. } => {
                props.get("ClusterName").and_then(Value::as_str)
            }
            Self::Delete { physical_id, .. } => debug_toolkit::cluster::name_of_arn(physical_id),
        };
        name.filter(|n| crate::spec::is_cluster_name(n))
            .map(str::to_string)
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::Create { .. } => "Create",
            Self::Update { .. } => "Update",
            Self::Delete { .. } => "Delete",
        }
    }
}

/// Why a request cannot be carried out (or, `Unanswerable`, not even answered).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Malformed {
    #[error("not a CloudFormation custom-resource request: ResponseURL, StackId, RequestId or LogicalResourceId is missing")]
    Unanswerable,
    #[error("malformed custom-resource request: {0}")]
    Shape(String),
    #[error("unknown RequestType")]
    UnknownType,
    #[error("{0} must be an object")]
    NotAnObject(&'static str),
    #[error("StackId {0:?} is not a CloudFormation stack ARN, or LogicalResourceId is empty")]
    NotAStack(String),
}

/// A request that can be answered: where to, and for whom. `request` is the reason it cannot be
/// carried out when it is malformed.
#[derive(Debug)]
pub struct Envelope {
    pub identity: RequestIdentity,
    pub response_url: ResponseUrl,
    pub physical_id: Option<String>,
    pub request: Result<Request, Malformed>,
}

/// `Err` when the event cannot even be answered (no `ResponseURL` or identity).
pub fn open(event: &Value) -> Result<Envelope, Malformed> {
    let field = |name: &str| event.get(name).and_then(Value::as_str).map(str::to_owned);
    let (Some(url), Some(stack_id), Some(request_id), Some(logical_resource_id)) = (
        field("ResponseURL"),
        field("StackId"),
        field("RequestId"),
        field("LogicalResourceId"),
    ) else {
        return Err(Malformed::Unanswerable);
    };
    Ok(Envelope {
        identity: RequestIdentity {
            stack_id,
            request_id,
            logical_resource_id,
        },
        response_url: ResponseUrl::new(url),
        physical_id: field("PhysicalResourceId"),
        request: typed(event),
    })
}

fn typed(event: &Value) -> Result<Request, Malformed> {
    let request: CloudFormationCustomResourceRequest<Value, Value> =
        serde_json::from_value(event.clone()).map_err(|e| Malformed::Shape(e.to_string()))?;
    Ok(match request {
        CloudFormationCustomResourceRequest::Create(r) => Request::Create {
            props: object(r.resource_properties, "ResourceProperties")?,
        },
        CloudFormationCustomResourceRequest::Update(r) => Request::Update {
            physical_id: r.physical_resource_id,
            props: object(r.resource_properties, "ResourceProperties")?,
            old_props: object(r.old_resource_properties, "OldResourceProperties")
                .unwrap_or_default(),
        },
        CloudFormationCustomResourceRequest::Delete(r) => Request::Delete {
            physical_id: r.physical_resource_id,
            // Read leniently: a Delete must never fail on its properties.
            props: object(r.resource_properties, "ResourceProperties").unwrap_or_default(),
        },
        _ => return Err(Malformed::UnknownType),
    })
}

fn object(value: Value, name: &'static str) -> Result<Properties, Malformed> {
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Properties::new()),
        _ => Err(Malformed::NotAnObject(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base(kind: &str) -> Value {
        json!({
            "RequestType": kind,
            "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:ecs-environment",
            "ResponseURL": "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/x?sig=1",
            "StackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/s/6d2c3a70-1d2b-11ef-9e2a-0a1b2c3d4e5f",
            "RequestId": "r1",
            "ResourceType": "Custom::EcsEnvironment",
            "LogicalResourceId": "Env",
            "PhysicalResourceId": "arn:aws:ecs:eu-west-1:123456789012:cluster/c",
            "ResourceProperties": {"ClusterName": "c"},
            "OldResourceProperties": {"ClusterName": "b"}
        })
    }

    #[test]
    fn reads_the_three_request_types() {
        assert!(matches!(
            open(&base("Create")).unwrap().request,
            Ok(Request::Create { .. })
        ));
        let Ok(Request::Update { old_props, .. }) = open(&base("Update")).unwrap().request else {
            panic!()
        };
        assert_eq!(old_props["ClusterName"], "b");
        let Ok(Request::Delete { physical_id, props }) = open(&base("Delete")).unwrap().request
        else {
            panic!()
        };
        assert!(physical_id.ends_with("cluster/c"));
        assert_eq!(
            props["ClusterName"], "c",
            "a Delete carries the properties it deletes"
        );
    }

    #[test]
    fn malformed_requests_can_still_be_answered() {
        let mut event = base("Explode");
        let envelope = open(&event).unwrap();
        assert!(envelope
            .request
            .unwrap_err()
            .to_string()
            .contains("malformed"));
        event["RequestType"] = json!("Create");
        event["ResourceProperties"] = json!("nope");
        assert!(open(&event)
            .unwrap()
            .request
            .unwrap_err()
            .to_string()
            .contains("ResourceProperties must be an object"));
    }

    #[test]
    fn unanswerable_events_are_refused() {
        assert!(open(&json!({"detail-type": "Scheduled Event"})).is_err());
    }
}
