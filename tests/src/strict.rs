//! The strict gate of the emulator (`tests/moto/strict`): a function started by the harness gets
//! an access key of its own, registered with the gate together with the environment it runs
//! with. The gate then validates each of its requests against the AWS service model, authorises
//! it against the function's IAM policy from `infra/template.yaml` with an IAM simulator, and
//! plays AWS's eventual consistency and rates. Always on; nothing to opt into.

use serde_json::json;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// In a function's environment: evaluate it against this template instead of
/// `infra/template.yaml` (and leave it out of the report). For tests of the gate itself.
pub const TEMPLATE_OVERRIDE: &str = "STRICT_TEMPLATE";

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
        "region": crate::moto::REGION,
        "template": template,
        "report": template.is_none(),
    });
    let response = reqwest::Client::new()
        .post(format!("{endpoint}/_strict/callers"))
        .json(&body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("registering {name} with the strict gate at {endpoint}: {e}"));
    assert!(
        response.status().is_success(),
        "the strict gate refused {name}: {}",
        response.text().await.unwrap_or_default()
    );
}
