//! A proxy in front of moto that injects AWS-shaped faults (throttling, 5xx, delays, dropped
//! connections) into chosen actions, counts the calls it forwards by action and keeps their
//! timeline.

mod signed;
mod wire;

use crate::http::serve;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use signed::{action_of, function_of, service_of};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wire::{fault_response, relay, send_upstream};

#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// The service's throttling error (400 ThrottlingException / Throttling, 503 RequestLimitExceeded for EC2).
    Throttle,
    /// HTTP 500 InternalFailure.
    ServerError,
    /// Forward after this delay.
    Delay(Duration),
    /// Answer with this status and JSON body instead of the service (for answers moto never gives,
    /// such as RunTask's capacity `failures`).
    Respond(u16, &'static str),
    /// Close the connection without an answer (the request never reaches moto).
    Drop,
    /// Forward to moto, then close the connection without passing its answer on: the call took
    /// effect but the caller cannot know.
    DropAfter,
}

/// One forwarded call: its action and when it started and ended, relative to the proxy's start.
#[derive(Clone, Debug)]
pub struct Span {
    pub action: String,
    pub start: Duration,
    pub end: Duration,
}

#[derive(Clone, Debug)]
struct Rule {
    action: String,
    fault: Fault,
    /// How many more calls it applies to (`None`: all).
    remaining: Option<usize>,
}

struct Shared {
    target: String,
    rules: Mutex<Vec<Rule>>,
    calls: Mutex<BTreeMap<String, usize>>,
    /// Calls by (function, action): the harness gives each function its own access key.
    calls_by_function: Mutex<BTreeMap<(String, String), usize>>,
    injected: Mutex<BTreeMap<String, usize>>,
    bodies: Mutex<Vec<(String, Bytes)>>,
    timeline: Mutex<Vec<Span>>,
    /// When the proxy started: the origin of every span.
    epoch: Instant,
}

#[derive(Clone)]
pub struct FaultProxy {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl FaultProxy {
    pub async fn start(target: &str) -> Self {
        let shared = Arc::new(Shared {
            target: target.to_string(),
            rules: Mutex::default(),
            calls: Mutex::default(),
            calls_by_function: Mutex::default(),
            injected: Mutex::default(),
            bodies: Mutex::default(),
            timeline: Mutex::default(),
            epoch: Instant::now(),
        });
        let http = reqwest::Client::new();
        let router = Router::new()
            .fallback(forward)
            .with_state((shared.clone(), http));
        Self {
            addr: serve(router).await,
            shared,
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Applies `fault` to the next `times` calls of `action` (`None`: every call; `"*"`: any action).
    pub fn inject(&self, action: &str, fault: Fault, times: Option<usize>) {
        self.shared.rules.lock().unwrap().push(Rule {
            action: action.into(),
            fault,
            remaining: times,
        });
    }

    pub fn clear(&self) {
        self.shared.rules.lock().unwrap().clear();
    }

    /// Calls that reached the proxy, by action (faulted ones included).
    pub fn calls(&self) -> BTreeMap<String, usize> {
        self.shared.calls.lock().unwrap().clone()
    }

    /// Calls that function `name` made, by action.
    pub fn calls_of(&self, name: &str) -> BTreeMap<String, usize> {
        let calls = self.shared.calls_by_function.lock().unwrap();
        calls
            .iter()
            .filter(|((function, _), _)| function == name)
            .map(|((_, action), count)| (action.clone(), *count))
            .collect()
    }

    /// Faults injected, by action.
    pub fn injected(&self) -> BTreeMap<String, usize> {
        self.shared.injected.lock().unwrap().clone()
    }

    /// The JSON bodies of the requests made for `action` (JSON protocols only), oldest first.
    pub fn requests(&self, action: &str) -> Vec<serde_json::Value> {
        self.shared
            .bodies
            .lock()
            .unwrap()
            .iter()
            .filter(|(a, _)| a == action)
            .filter_map(|(_, body)| serde_json::from_slice(body).ok())
            .collect()
    }

    /// Calls of every action, summed.
    pub fn total_calls(&self) -> usize {
        self.calls().values().sum()
    }

    /// Every call since the last reset, with its start and end, in order of completion.
    pub fn timeline(&self) -> Vec<Span> {
        self.shared.timeline.lock().unwrap().clone()
    }

    pub fn reset_counts(&self) {
        self.shared.timeline.lock().unwrap().clear();
        self.shared.calls.lock().unwrap().clear();
        self.shared.calls_by_function.lock().unwrap().clear();
        self.shared.injected.lock().unwrap().clear();
        self.shared.bodies.lock().unwrap().clear();
    }
}

async fn forward(
    State((shared, http)): State<(Arc<Shared>, reqwest::Client)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if uri.path().starts_with("/_strict/") {
        // The harness talking to the emulator's strict gate, not a call of the function.
        return relay(send_upstream(&shared, &http, method, &uri, &headers, body).await).await;
    }
    let start = shared.epoch.elapsed();
    let action = action_of(&headers, &body);
    let response = answer(&shared, &http, &action, method, uri, headers, body).await;
    shared.timeline.lock().unwrap().push(Span {
        action,
        start,
        end: shared.epoch.elapsed(),
    });
    response
}

/// Closes the connection without an HTTP answer: hyper drops a connection whose handler unwinds.
/// (`resume_unwind` skips the panic hook, so nothing is printed.)
fn drop_connection() -> ! {
    std::panic::resume_unwind(Box::new("fault proxy: connection dropped"))
}

async fn answer(
    shared: &Shared,
    http: &reqwest::Client,
    action: &str,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let action = action.to_string();
    *shared
        .calls
        .lock()
        .unwrap()
        .entry(action.clone())
        .or_default() += 1;
    *shared
        .calls_by_function
        .lock()
        .unwrap()
        .entry((function_of(&headers), action.clone()))
        .or_default() += 1;
    shared
        .bodies
        .lock()
        .unwrap()
        .push((action.clone(), body.clone()));
    let fault = {
        let mut rules = shared.rules.lock().unwrap();
        let hit = rules
            .iter_mut()
            .find(|r| (r.action == action || r.action == "*") && r.remaining != Some(0));
        hit.map(|rule| {
            if let Some(n) = rule.remaining.as_mut() {
                *n -= 1;
            }
            rule.fault.clone()
        })
    };
    match &fault {
        Some(Fault::Delay(delay)) => tokio::time::sleep(*delay).await,
        Some(Fault::Drop) => {
            *shared.injected.lock().unwrap().entry(action).or_default() += 1;
            drop_connection()
        }
        Some(Fault::DropAfter) => {
            *shared.injected.lock().unwrap().entry(action).or_default() += 1;
        }
        Some(Fault::Respond(status, body)) => {
            *shared.injected.lock().unwrap().entry(action).or_default() += 1;
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::OK);
            return (
                status,
                [("content-type", "application/x-amz-json-1.1")],
                *body,
            )
                .into_response();
        }
        Some(other) => {
            *shared.injected.lock().unwrap().entry(action).or_default() += 1;
            return fault_response(
                other,
                headers.contains_key("x-amz-target"),
                &service_of(&headers),
            );
        }
        None => {}
    }
    let upstream = send_upstream(shared, http, method, &uri, &headers, body).await;
    if fault == Some(Fault::DropAfter) {
        if let Ok(upstream) = upstream {
            let _ = upstream.bytes().await;
        }
        drop_connection()
    }
    relay(upstream).await
}
