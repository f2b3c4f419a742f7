//! The strict gate of the emulator (`tests/moto/strict`): a function started by the harness gets
//! an access key of its own, registered with the gate together with the environment it runs
//! with. The gate then validates each of its requests against the AWS service model, authorises
//! it against the function's IAM policy from `infra/template.yaml` with an IAM simulator, and
//! plays AWS's eventual consistency and rates, and it delivers the ECS events AWS would send.
//! Always on; nothing to opt into.

use crate::fakes::runtime_api::{Reply, RuntimeApi};
use crate::http::serve;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// In a function's environment: evaluate it against this template instead of
/// `infra/template.yaml` (and leave it out of the report). For tests of the gate itself.
pub const TEMPLATE_OVERRIDE: &str = "STRICT_TEMPLATE";

/// In a function's environment: the account it runs in (default [`crate::moto::ACCOUNT`]); its
/// calls land in that account of moto and are judged there.
pub const ACCOUNT_VAR: &str = "STRICT_ACCOUNT";
/// In a function's environment: `spoke` when it is deployed by `infra/spoke.yaml` (its policies
/// are read from there), else `toolkit`.
pub const STACK_VAR: &str = "STRICT_STACK";

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh access key id for an instance of function `name`.
pub fn access_key(name: &str) -> String {
    format!("{name}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Tells the gate behind `endpoint` that `access_key` is function `name` started with `env`.
pub async fn register(
    endpoint: &str,
    access_key: &str,
    name: &str,
    env: &BTreeMap<String, String>,
) {
    let template = env.get(TEMPLATE_OVERRIDE);
    let body = json!({
        "access_key": access_key,
        "function": name,
        "env": env,
        "region": env.get("AWS_REGION").map(String::as_str).unwrap_or(crate::moto::REGION),
        "account": env.get(ACCOUNT_VAR).map(String::as_str).unwrap_or(crate::moto::ACCOUNT),
        "stack": env.get(STACK_VAR).map(String::as_str).unwrap_or("toolkit"),
        "template": template,
        "report": template.is_none(),
    });
    tell_gate(endpoint, "callers", &body, name).await;
}

/// Posts `body` to the gate's `/_strict/<path>`; panics naming `what` when the gate refuses it.
async fn tell_gate(endpoint: &str, path: &str, body: &Value, what: &str) {
    let response = reqwest::Client::new()
        .post(format!("{endpoint}/_strict/{path}"))
        .json(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("registering {what} with the strict gate at {endpoint}: {e}"));
    assert!(
        response.status().is_success(),
        "the strict gate refused {what}: {}",
        response.text().await.unwrap_or_default()
    );
}

/// Tells the gate that a stack of `template` (default `infra/template.yaml`) is deployed in
/// `account` and `region` with these parameters: its bus policies are then what AWS would
/// evaluate for a delivery from another account (a hub's `NoticesFromSpokes`).
pub async fn register_buses(endpoint: &str, account: &str, region: &str, parameters: &Value) {
    let body = json!({"account": account, "region": region, "parameters": parameters});
    let what = format!("the buses of {account}/{region}");
    tell_gate(endpoint, "buses", &body, &what).await;
}

/// Tells the gate that a spoke stack (`infra/spoke.yaml`, or `template` for a test of the gate)
/// is deployed in `account` and `region` with these parameters: its hub role's trust and
/// policies and its bus policy are then what AWS would evaluate there.
pub async fn register_spoke(
    endpoint: &str,
    account: &str,
    region: &str,
    parameters: &Value,
    template: Option<&str>,
) {
    let body = json!({
        "account": account,
        "region": region,
        "parameters": parameters,
        "template": template,
    });
    let what = format!("the spoke {account}/{region}");
    tell_gate(endpoint, "spokes", &body, &what).await;
}

/// The ECS Task State Change events the gate delivered to one function, with its replies.
#[derive(Clone, Default)]
pub struct Deliveries(Arc<Mutex<Vec<(Value, Reply)>>>);

impl Deliveries {
    pub fn record(&self, event: Value, reply: Reply) {
        self.0.lock().unwrap().push((event, reply));
    }

    /// Every event delivered so far and how the function answered it, oldest first.
    pub fn all(&self) -> Vec<(Value, Reply)> {
        self.0.lock().unwrap().clone()
    }

    /// Waits until `count` events were delivered and answered (or panics after `timeout`).
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<(Value, Reply)> {
        let started = Instant::now();
        loop {
            let delivered = self.all();
            if delivered.len() >= count {
                return delivered;
            }
            assert!(
                started.elapsed() < timeout,
                "{count} ECS events expected, {} delivered: {delivered:#?}",
                delivered.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Has the gate of the emulator at `endpoint` deliver the ECS events that `function`'s rules in
/// the template match to the function under `runtime`, as EventBridge invokes it.
pub async fn deliver_ecs_events(
    endpoint: &str,
    function: &str,
    runtime: &RuntimeApi,
) -> Deliveries {
    deliver_ecs_events_of(
        endpoint,
        function,
        runtime,
        crate::moto::ACCOUNT,
        crate::moto::REGION,
    )
    .await
}

/// [`deliver_ecs_events`] for the tasks of one account and region.
pub async fn deliver_ecs_events_of(
    endpoint: &str,
    function: &str,
    runtime: &RuntimeApi,
    account: &str,
    region: &str,
) -> Deliveries {
    let deliveries = Deliveries::default();
    let state = (runtime.clone(), deliveries.clone());
    let router = Router::new().route("/", post(invoke)).with_state(state);
    let addr = serve(router).await;
    let response = reqwest::Client::new()
        .post(format!("{endpoint}/_strict/event-targets"))
        .json(&json!({
            "function": function,
            "url": format!("http://{addr}/"),
            "account": account,
            "region": region,
        }))
        .send()
        .await
        .expect("registering an event target with the strict gate");
    assert!(response.status().is_success(), "{}", response.status());
    deliveries
}

async fn invoke(
    State((runtime, deliveries)): State<(RuntimeApi, Deliveries)>,
    Json(event): Json<Value>,
) -> &'static str {
    // The template gives task-events a 30 s timeout: the invocation gets that deadline.
    let reply = runtime.invoke(event.clone(), Duration::from_secs(30)).await;
    deliveries.0.lock().unwrap().push((event, reply));
    "{}"
}

/// Has the gate evaluate what runs inside a debug task of `cluster` (ECS Exec's session channels
/// and logs, the heartbeat's log writes, `kms:Decrypt` with a key) against the roles that
/// ecs-environment made for it; returns each evaluation (`role`, `action`, `resource`, `result`).
/// `report`: whether they go in the run's report (where a denial fails the run).
pub async fn inside_task(
    moto_endpoint: &str,
    cluster: &str,
    roles: (&str, &str),
    kms_key: Option<&str>,
    report: bool,
) -> Vec<Value> {
    let (task_role, execution_role) = roles;
    let response = reqwest::Client::new()
        .post(format!("{moto_endpoint}/_strict/inside-task"))
        .json(&json!({
            "cluster": cluster,
            "region": crate::moto::REGION,
            "task_role": task_role,
            "execution_role": execution_role,
            "kms_key": kms_key,
            "report": report,
        }))
        .send()
        .await
        .expect("the strict gate's inside-task evaluation");
    assert!(response.status().is_success(), "{}", response.status());
    let body: Value = response.json().await.expect("JSON");
    body["results"].as_array().cloned().unwrap_or_default()
}
