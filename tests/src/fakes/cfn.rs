//! CloudFormation played in tests: real-shaped custom-resource requests, and a local server as
//! the presigned `ResponseURL` that records every PUT.

use crate::http::serve;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::put;
use axum::Router;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const STACK_ID: &str =
    "arn:aws:cloudformation:eu-west-1:123456789012:stack/payments/6d2c3a70-1d2b-11ef-9e2a-0a1b2c3d4e5f";
pub const LOGICAL_ID: &str = "DebugEnvironment";
/// The part of every test ResponseURL that plays the presigned signature: it must never be logged.
pub const SIGNATURE_MARKER: &str = "SECRETSIGNATURE";

/// One PUT received.
#[derive(Clone, Debug)]
pub struct Received {
    pub key: String,
    pub content_type: Option<String>,
    pub body: Value,
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    fail_next: AtomicUsize,
}

#[derive(Clone)]
pub struct ResponseServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl ResponseServer {
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let router = Router::new()
            .route("/responses/{key}", put(record))
            .with_state(shared.clone());
        Self {
            addr: serve(router).await,
            shared,
        }
    }

    /// A presigned-looking URL for one request.
    pub fn url(&self, key: &str) -> String {
        format!(
            "http://{}/responses/{key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature={SIGNATURE_MARKER}{key}",
            self.addr
        )
    }

    /// The URL prefix every `url` starts with (the function's `CFN_RESPONSE_URL_PREFIXES`).
    pub fn prefix(&self) -> String {
        format!("http://{}/responses/", self.addr)
    }

    /// The next `n` PUTs are answered 500 (then they are accepted again).
    pub fn fail_next(&self, n: usize) {
        self.shared.fail_next.store(n, Ordering::SeqCst);
    }

    pub fn received(&self, key: &str) -> Vec<Received> {
        self.shared
            .received
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.key == key)
            .cloned()
            .collect()
    }

    /// Waits until one response for `key` has arrived and returns it.
    pub async fn wait(&self, key: &str, timeout: Duration) -> Received {
        let started = Instant::now();
        loop {
            if let Some(first) = self.received(key).into_iter().next() {
                return first;
            }
            assert!(
                started.elapsed() < timeout,
                "no response for {key} within {timeout:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn record(
    State(shared): State<Arc<Shared>>,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let failing = shared.fail_next.load(Ordering::SeqCst);
    if failing > 0 {
        shared.fail_next.store(failing - 1, Ordering::SeqCst);
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let content_type = headers
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("?").to_string());
    shared.received.lock().unwrap().push(Received {
        key,
        content_type,
        body,
    });
    StatusCode::OK
}

/// A custom-resource request as CloudFormation sends it to a Lambda function.
pub struct CfnRequest;

impl CfnRequest {
    fn base(kind: &str, request_id: &str, response_url: &str, props: &Value) -> Value {
        let mut props = props.clone();
        props["ServiceToken"] =
            json!("arn:aws:lambda:eu-west-1:123456789012:function:ecs-environment");
        json!({
            "RequestType": kind,
            "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:ecs-environment",
            "ResponseURL": response_url,
            "StackId": STACK_ID,
            "RequestId": request_id,
            "LogicalResourceId": LOGICAL_ID,
            "ResourceType": "Custom::EcsEnvironment",
            "ResourceProperties": props
        })
    }

    pub fn create(request_id: &str, response_url: &str, props: &Value) -> Value {
        Self::base("Create", request_id, response_url, props)
    }

    pub fn update(
        request_id: &str,
        response_url: &str,
        physical_id: &str,
        props: &Value,
        old: &Value,
    ) -> Value {
        let mut event = Self::base("Update", request_id, response_url, props);
        event["PhysicalResourceId"] = json!(physical_id);
        let mut old = old.clone();
        old["ServiceToken"] = event["ServiceToken"].clone();
        event["OldResourceProperties"] = old;
        event
    }

    pub fn delete(request_id: &str, response_url: &str, physical_id: &str, props: &Value) -> Value {
        let mut event = Self::base("Delete", request_id, response_url, props);
        event["PhysicalResourceId"] = json!(physical_id);
        event
    }
}

/// What CloudFormation shows of a stack resource (`DescribeStackResource`), as the strict gate is
/// told it (`/_strict/stack-resources`): the function verifies every request against it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    pub status: &'static str,
    pub physical_id: Option<String>,
}

impl Shown {
    pub fn new(status: &'static str, physical_id: Option<&str>) -> Self {
        Self {
            status,
            physical_id: physical_id.map(str::to_string),
        }
    }

    /// While CloudFormation waits for the answer to `request` in its plain sequences (a Create,
    /// an Update, a Delete of the current resource); None for what it never sends.
    pub fn while_waiting(request: &Value) -> Option<Self> {
        let id = request["PhysicalResourceId"].as_str();
        match request["RequestType"].as_str()? {
            "Create" => Some(Self::new("CREATE_IN_PROGRESS", None)),
            "Update" => Some(Self::new("UPDATE_IN_PROGRESS", id)),
            "Delete" => Some(Self::new("DELETE_IN_PROGRESS", id)),
            _ => None,
        }
    }

    /// Once CloudFormation has `answer` to `request` (sent while it showed `while_waiting`).
    pub fn once_answered(request: &Value, answer: &Value) -> Option<Self> {
        let success = answer["Status"] == "SUCCESS";
        let answered = answer["PhysicalResourceId"].as_str();
        let asked = request["PhysicalResourceId"].as_str();
        match (request["RequestType"].as_str()?, success) {
            ("Create", true) => Some(Self::new("CREATE_COMPLETE", answered)),
            ("Create", false) => Some(Self::new("CREATE_FAILED", answered)),
            ("Update", true) => Some(Self::new("UPDATE_COMPLETE", answered)),
            ("Update", false) => Some(Self::new("UPDATE_FAILED", asked)),
            ("Delete", true) => Some(Self::new("DELETE_COMPLETE", asked)),
            ("Delete", false) => Some(Self::new("DELETE_FAILED", asked)),
            _ => None,
        }
    }
}

/// Tells the strict gate at `gate` that CloudFormation shows `request`'s stack resource as
/// `shown`. A request whose `StackId` is no stack ARN (a test of malformed input) has no stack.
pub async fn show(gate: &str, request: &Value, shown: &Shown) {
    let Some(stack_id) = request["StackId"]
        .as_str()
        .filter(|id| id.starts_with("arn:"))
    else {
        return;
    };
    let body = json!({
        "stack_id": stack_id,
        "logical_id": request["LogicalResourceId"],
        "status": shown.status,
        "physical_id": shown.physical_id,
        "resource_type": request["ResourceType"],
    });
    register_stack(gate, &body).await;
}

/// Tells the strict gate that stack `stack_id` has been deleted.
pub async fn stack_gone(gate: &str, stack_id: &str) {
    register_stack(gate, &json!({"stack_id": stack_id, "gone": true})).await;
}

async fn register_stack(gate: &str, body: &Value) {
    let response = reqwest::Client::new()
        .post(format!("{gate}/_strict/stack-resources"))
        .json(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("telling the strict gate at {gate} about a stack: {e}"));
    assert!(
        response.status().is_success(),
        "the strict gate refused {body}: {}",
        response.text().await.unwrap_or_default()
    );
}
