//! What a signed AWS request says of itself: its action, its service and the function that signed it.

use axum::http::HeaderMap;

/// The action of an AWS request: `X-Amz-Target` for JSON protocols, `Action=` for query ones.
pub(super) fn action_of(headers: &HeaderMap, body: &[u8]) -> String {
    if let Some(target) = headers.get("x-amz-target").and_then(|v| v.to_str().ok()) {
        return target.rsplit('.').next().unwrap_or(target).to_string();
    }
    let body = String::from_utf8_lossy(body);
    body.split('&')
        .find_map(|pair| pair.strip_prefix("Action="))
        .unwrap_or("unknown")
        .to_string()
}

/// The function that signed the request: its access key is `<function>-<n>` (see `strict`).
pub(super) fn function_of(headers: &HeaderMap) -> String {
    let key = credential_scope(headers)
        .split('/')
        .next()
        .unwrap_or_default();
    key.rsplit_once('-')
        .map_or(key, |(name, _)| name)
        .to_string()
}

fn credential_scope(headers: &HeaderMap) -> &str {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|auth| auth.split("Credential=").nth(1))
        .unwrap_or_default()
}

/// The service, from the SigV4 credential scope (`Credential=AKID/date/region/service/aws4_request`).
pub(super) fn service_of(headers: &HeaderMap) -> String {
    credential_scope(headers)
        .split('/')
        .nth(3)
        .unwrap_or("unknown")
        .to_string()
}
