use std::fmt;

/// A presigned `ResponseURL`. Its query string is a credential: `Display` and `Debug` show the
/// scheme, host and path only, so the URL can be logged safely.
#[derive(Clone, PartialEq, Eq)]
pub struct ResponseUrl(String);

impl ResponseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The full URL, query string included: only for the HTTP request itself.
    pub fn expose(&self) -> &str {
        &self.0
    }

    fn redacted(&self) -> String {
        match self.0.split_once('?') {
            Some((base, _)) => format!("{base}?<redacted>"),
            None => self.0.clone(),
        }
    }
}

impl fmt::Display for ResponseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for ResponseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResponseUrl({})", self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_string_never_shows() {
        let url = ResponseUrl::new(
            "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/arn%3A/x?X-Amz-Signature=abc123&X-Amz-Credential=AKIA",
        );
        for shown in [url.to_string(), format!("{url:?}")] {
            assert!(!shown.contains("abc123"), "{shown}");
            assert!(!shown.contains("AKIA"), "{shown}");
            assert!(
                shown.contains("s3.amazonaws.com/arn%3A/x?<redacted>"),
                "{shown}"
            );
        }
    }
}
