//! The proxy's wire: AWS-shaped error answers for injected faults, and passing a request on to
//! the emulator and its answer back.

use super::{Fault, Shared};
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

pub(super) fn fault_response(fault: &Fault, json_protocol: bool, service: &str) -> Response {
    let (status, code, message) = match (fault, service) {
        (Fault::Throttle, "ec2") => (
            StatusCode::SERVICE_UNAVAILABLE,
            "RequestLimitExceeded",
            "Request limit exceeded.",
        ),
        (Fault::Throttle, "iam") => (StatusCode::BAD_REQUEST, "Throttling", "Rate exceeded"),
        (Fault::Throttle, _) => (
            StatusCode::BAD_REQUEST,
            "ThrottlingException",
            "Rate exceeded",
        ),
        _ => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalFailure",
            "injected server error",
        ),
    };
    if json_protocol {
        let body = format!(r#"{{"__type":"{code}","message":"{message}"}}"#);
        return (
            status,
            [
                ("content-type", "application/x-amz-json-1.1"),
                ("x-amzn-errortype", code),
            ],
            body,
        )
            .into_response();
    }
    let body = if service == "ec2" {
        format!("<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>injected</RequestID></Response>")
    } else {
        format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>injected</RequestId></ErrorResponse>")
    };
    (status, [("content-type", "text/xml")], body).into_response()
}

pub(super) async fn send_upstream(
    shared: &Shared,
    http: &reqwest::Client,
    method: Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Bytes,
) -> reqwest::Result<reqwest::Response> {
    let url = format!(
        "{}{}",
        shared.target,
        uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    );
    let mut request = http.request(method, url).body(body);
    for (name, value) in headers.iter() {
        if name != "host" && name != "content-length" {
            request = request.header(name, value);
        }
    }
    request.send().await
}

/// Passes the emulator's answer on, as it came.
pub(super) async fn relay(upstream: reqwest::Result<reqwest::Response>) -> Response {
    match upstream {
        Ok(upstream) => {
            let status = upstream.status();
            let headers = upstream.headers().clone();
            let body = upstream.bytes().await.unwrap_or_default();
            let mut response = (status, body).into_response();
            for (name, value) in headers.iter() {
                if name != "content-length" && name != "transfer-encoding" {
                    response.headers_mut().insert(name, value.clone());
                }
            }
            response
        }
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}
