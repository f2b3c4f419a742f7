//! A Lambda Runtime API emulator: the function binary polls it for events exactly as it polls
//! Lambda, and posts its responses and errors back.

use crate::http::serve;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{oneshot, watch, Notify};

const PREFIX: &str = "/2018-06-01/runtime";

/// How an invocation ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    Response(Value),
    Error(Value),
}

struct Pending {
    id: String,
    event: Value,
    deadline_ms: u64,
}

#[derive(Default)]
struct Shared {
    queue: Mutex<VecDeque<Pending>>,
    arrived: Notify,
    waiting: Mutex<HashMap<String, oneshot::Sender<Reply>>>,
    counter: AtomicU64,
    /// When the function first asked for an invocation: the end of its init.
    first_poll: watch::Sender<Option<Instant>>,
    /// The invoked function's ARN each invocation carries (set when the function is known).
    function_arn: Mutex<Option<String>>,
}

#[derive(Clone)]
pub struct RuntimeApi {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl RuntimeApi {
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let router = Router::new()
            .route(&format!("{PREFIX}/invocation/next"), get(next))
            .route(
                &format!("{PREFIX}/invocation/{{id}}/response"),
                post(response),
            )
            .route(&format!("{PREFIX}/invocation/{{id}}/error"), post(error))
            .route(&format!("{PREFIX}/init/error"), post(init_error))
            .with_state(shared.clone());
        Self {
            addr: serve(router).await,
            shared,
        }
    }

    /// The ARN invocations carry as the invoked function's (by default `under-test` in the
    /// default account and Region): the function reads its own account and Region from it.
    pub fn set_function_arn(&self, arn: String) {
        *self.shared.function_arn.lock().unwrap() = Some(arn);
    }

    /// When the function first polled `/next` (the end of its cold start), waiting up to `timeout`.
    pub async fn first_poll(&self, timeout: Duration) -> Option<Instant> {
        let mut polled = self.shared.first_poll.subscribe();
        let wait = async {
            polled
                .wait_for(|at| at.is_some())
                .await
                .ok()
                .and_then(|at| *at)
        };
        tokio::time::timeout(timeout, wait).await.ok().flatten()
    }

    /// Invokes the function with `event` and a deadline `timeout` from now, and waits for its
    /// reply (at most `timeout` plus a grace period).
    pub async fn invoke(&self, event: Value, timeout: Duration) -> Reply {
        let id = format!("req-{}", self.shared.counter.fetch_add(1, Ordering::SeqCst));
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        let (tx, rx) = oneshot::channel();
        self.shared.waiting.lock().unwrap().insert(id.clone(), tx);
        self.shared.queue.lock().unwrap().push_back(Pending {
            id: id.clone(),
            event,
            deadline_ms: now_ms + timeout.as_millis() as u64,
        });
        self.shared.arrived.notify_one();
        match tokio::time::timeout(timeout + Duration::from_secs(15), rx).await {
            Ok(Ok(reply)) => reply,
            _ => panic!("the function never answered invocation {id}"),
        }
    }
}

async fn next(State(shared): State<Arc<Shared>>) -> Response {
    let now = Instant::now();
    shared.first_poll.send_if_modified(|at| {
        let first = at.is_none();
        if first {
            *at = Some(now);
        }
        first
    });
    loop {
        let notified = shared.arrived.notified();
        if let Some(pending) = shared.queue.lock().unwrap().pop_front() {
            let mut headers = HeaderMap::new();
            let header = |v: String| HeaderValue::from_str(&v).unwrap();
            headers.insert("lambda-runtime-aws-request-id", header(pending.id));
            headers.insert(
                "lambda-runtime-deadline-ms",
                header(pending.deadline_ms.to_string()),
            );
            headers.insert(
                "lambda-runtime-invoked-function-arn",
                header(
                    shared
                        .function_arn
                        .lock()
                        .unwrap()
                        .clone()
                        .unwrap_or_else(|| {
                            format!(
                                "arn:aws:lambda:{}:{}:function:under-test",
                                crate::moto::REGION,
                                crate::moto::ACCOUNT
                            )
                        }),
                ),
            );
            headers.insert(
                "lambda-runtime-trace-id",
                header("Root=1-00000000-000000000000000000000000".into()),
            );
            return (StatusCode::OK, headers, pending.event.to_string()).into_response();
        }
        notified.await;
    }
}

fn settle(shared: &Shared, id: &str, reply: Reply) -> StatusCode {
    match shared.waiting.lock().unwrap().remove(id) {
        Some(tx) => {
            let _ = tx.send(reply);
            StatusCode::ACCEPTED
        }
        None => StatusCode::BAD_REQUEST,
    }
}

fn json_or_text(body: &Bytes) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
}

async fn response(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    settle(&shared, &id, Reply::Response(json_or_text(&body)))
}

async fn error(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    settle(&shared, &id, Reply::Error(json_or_text(&body)))
}

/// A function that cannot start says so here; the tests see it in the function's own logs too.
async fn init_error(body: Bytes) -> StatusCode {
    eprintln!("function init error: {}", json_or_text(&body));
    StatusCode::ACCEPTED
}
