//! The Function URL side: the raw body (base64 decoded when flagged), header lookup, and the
//! payload-format-2.0 response.

use aws_lambda_events::event::lambda_function_urls::LambdaFunctionUrlRequest;
use base64::Engine;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Slack's slash-command bodies are small; anything bigger is refused before it is hashed.
pub const MAX_BODY_BYTES: usize = 8 * 1024;

#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct HttpReply {
    pub status_code: u16,
    pub headers: BTreeMap<&'static str, &'static str>,
    pub body: String,
    pub is_base64_encoded: bool,
}

impl HttpReply {
    pub fn json(status_code: u16, body: &Value) -> Self {
        Self {
            status_code,
            headers: BTreeMap::from([("content-type", "application/json")]),
            body: body.to_string(),
            is_base64_encoded: false,
        }
    }

    /// An acknowledgement with no body (a click: its outcome goes through `response_url`).
    pub fn empty(status_code: u16) -> Self {
        Self::text(status_code, "")
    }

    pub fn text(status_code: u16, text: &str) -> Self {
        Self {
            status_code,
            headers: BTreeMap::from([("content-type", "text/plain; charset=utf-8")]),
            body: text.to_string(),
            is_base64_encoded: false,
        }
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("the body is larger than {MAX_BODY_BYTES} bytes")]
    TooLarge,
    #[error("the body is flagged base64 but is not")]
    NotBase64,
}

/// The request as this function reads it.
#[derive(Debug)]
pub struct IncomingRequest {
    pub request: LambdaFunctionUrlRequest,
}

impl IncomingRequest {
    pub fn parse(event: Value) -> Result<Self, serde_json::Error> {
        serde_json::from_value(event).map(|request| Self { request })
    }

    /// A header's value (Function URLs deliver header names in lower case; lookup ignores case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.request.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn method(&self) -> &str {
        self.request
            .request_context
            .http
            .method
            .as_deref()
            .unwrap_or("")
    }

    /// When the Function URL received the request (`requestContext.timeEpoch`, epoch ms).
    pub fn arrived_ms(&self) -> i64 {
        self.request.request_context.time_epoch
    }

    pub fn request_id(&self) -> &str {
        self.request
            .request_context
            .request_id
            .as_deref()
            .unwrap_or("")
    }

    /// The bytes Slack signed. Size is checked before decoding, and again after.
    pub fn raw_body(&self) -> Result<Vec<u8>, BodyError> {
        let body = self.request.body.as_deref().unwrap_or("");
        if !self.request.is_base64_encoded {
            if body.len() > MAX_BODY_BYTES {
                return Err(BodyError::TooLarge);
            }
            return Ok(body.as_bytes().to_vec());
        }
        if body.len() > MAX_BODY_BYTES.div_ceil(3) * 4 + 4 {
            return Err(BodyError::TooLarge);
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(body.trim())
            .map_err(|_| BodyError::NotBase64)?;
        if bytes.len() > MAX_BODY_BYTES {
            return Err(BodyError::TooLarge);
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(body: &str, base64: bool) -> IncomingRequest {
        IncomingRequest::parse(json!({
            "version": "2.0", "rawPath": "/", "rawQueryString": "",
            "headers": {"x-slack-signature": "v0=abc", "content-type": "application/x-www-form-urlencoded"},
            "requestContext": {"requestId": "r1", "timeEpoch": 1, "http": {"method": "POST"}},
            "body": body, "isBase64Encoded": base64
        }))
        .unwrap()
    }

    #[test]
    fn plain_and_base64_bodies() {
        assert_eq!(request("a=b", false).raw_body().unwrap(), b"a=b");
        assert_eq!(request("YT1i", true).raw_body().unwrap(), b"a=b");
        assert_eq!(request("***", true).raw_body(), Err(BodyError::NotBase64));
        let r = request("a=b", false);
        assert_eq!(r.header("X-Slack-Signature"), Some("v0=abc"));
        assert_eq!(r.method(), "POST");
    }

    #[test]
    fn size_limit_either_way() {
        let at_limit = "a".repeat(MAX_BODY_BYTES);
        assert!(request(&at_limit, false).raw_body().is_ok());
        let over = "a".repeat(MAX_BODY_BYTES + 1);
        assert_eq!(request(&over, false).raw_body(), Err(BodyError::TooLarge));
        let b64 = |n| base64::engine::general_purpose::STANDARD.encode(vec![b'a'; n]);
        assert!(request(&b64(MAX_BODY_BYTES), true).raw_body().is_ok());
        assert_eq!(
            request(&b64(MAX_BODY_BYTES + 1), true).raw_body(),
            Err(BodyError::TooLarge)
        );
        assert_eq!(
            request(&b64(1 << 20), true).raw_body(),
            Err(BodyError::TooLarge)
        );
    }
}
