//! Which `response_url`s may be contacted (`SLACK_RESPONSE_URL_PREFIXES`), and how they are shown
//! in logs (a `response_url` is a bearer credential: its path is never logged).

use crate::url_prefixes::UrlPrefixes;
use url::Url;

pub const DEFAULT_PREFIXES: &str = "https://hooks.slack.com/";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseUrlPolicy {
    prefixes: UrlPrefixes,
}

impl ResponseUrlPolicy {
    /// From the comma-separated variable; unparsable entries are dropped (and so allow nothing).
    pub fn parse(value: Option<&str>) -> Self {
        let value = value
            .filter(|v| !v.trim().is_empty())
            .unwrap_or(DEFAULT_PREFIXES);
        Self {
            prefixes: UrlPrefixes::parse(value),
        }
    }

    pub fn from_env() -> Self {
        Self::parse(std::env::var("SLACK_RESPONSE_URL_PREFIXES").ok().as_deref())
    }

    /// See [`UrlPrefixes::allows`].
    pub fn allows(&self, candidate: &str) -> Option<Url> {
        self.prefixes.allows(candidate)
    }
}

/// `https://hooks.slack.com/commands/T1/2/secret` → `https://hooks.slack.com/…`.
pub fn redact(candidate: &str) -> String {
    match Url::parse(candidate) {
        Ok(url) => format!("{}://{}/…", url.scheme(), url.host_str().unwrap_or("?")),
        Err(_) => "<not a URL>".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_admits_only_slack_hooks() {
        let policy = ResponseUrlPolicy::parse(None);
        for allowed in [
            "https://hooks.slack.com/commands/T012/345/abc",
            "https://hooks.slack.com:443/commands/T012/345/abc",
            "https://HOOKS.slack.com/commands/x",
        ] {
            assert!(policy.allows(allowed).is_some(), "{allowed}");
        }
        for refused in [
            "http://hooks.slack.com/commands/T012/345/abc",
            "https://hooks.slack.com.evil.example/commands/x",
            "https://hooks.slack.com@evil.example/commands/x",
            "https://user:pw@hooks.slack.com/commands/x",
            "https://evil.example/https://hooks.slack.com/",
            "https://hooks.slack.com:8443/commands/x",
            "http://169.254.169.254/latest/meta-data/",
            "file:///etc/passwd",
            "hooks.slack.com/commands/x",
            "",
            "not a url",
        ] {
            assert!(policy.allows(refused).is_none(), "{refused}");
        }
    }

    #[test]
    fn configured_prefixes_with_paths() {
        let policy = ResponseUrlPolicy::parse(Some(
            "http://127.0.0.1:9000/slack/, https://hooks.slack.com/",
        ));
        assert!(policy
            .allows("http://127.0.0.1:9000/slack/commands/1")
            .is_some());
        assert!(policy.allows("http://127.0.0.1:9000/other").is_none());
        assert!(policy.allows("http://127.0.0.1:9001/slack/x").is_none());
        assert!(policy.allows("https://hooks.slack.com/x").is_some());
    }

    #[test]
    fn redaction_keeps_only_the_host() {
        assert_eq!(
            redact("https://hooks.slack.com/commands/T012/345/abcSECRET"),
            "https://hooks.slack.com/…"
        );
        assert_eq!(redact("%%%"), "<not a URL>");
    }
}
