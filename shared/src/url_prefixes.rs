//! Which URLs a function may send to, as a list of URL prefixes (`SLACK_RESPONSE_URL_PREFIXES`,
//! `CFN_RESPONSE_URL_PREFIXES`): the one matching rule for every allow-list of callback URLs.

use url::Url;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlPrefixes {
    prefixes: Vec<Url>,
}

impl UrlPrefixes {
    /// From a comma-separated list; unparsable entries and entries with a query are dropped (and
    /// so allow nothing).
    pub fn parse(list: &str) -> Self {
        Self {
            prefixes: list
                .split(',')
                .filter_map(|p| Url::parse(p.trim()).ok())
                .filter(|u| u.has_host() && u.query().is_none())
                .collect(),
        }
    }

    /// Same scheme, host and port as a prefix, and a path under the prefix's path. Comparing
    /// parsed URLs (not strings) keeps out `https://hooks.slack.com.evil.example/`,
    /// `https://hooks.slack.com@evil.example/` and friends; user info is never allowed.
    pub fn allows(&self, candidate: &str) -> Option<Url> {
        let url = Url::parse(candidate).ok()?;
        if !url.username().is_empty() || url.password().is_some() {
            return None;
        }
        self.prefixes
            .iter()
            .any(|prefix| {
                url.scheme() == prefix.scheme()
                    && url.host() == prefix.host()
                    && url.port_or_known_default() == prefix.port_or_known_default()
                    && url.path().starts_with(prefix.path())
            })
            .then_some(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_scheme_and_path_must_all_match() {
        let prefixes = UrlPrefixes::parse("https://a.example/x/, http://127.0.0.1:9000/r/");
        assert!(prefixes.allows("https://a.example/x/y?sig=1").is_some());
        assert!(prefixes.allows("http://127.0.0.1:9000/r/k?s=1").is_some());
        for refused in [
            "https://a.example/y",
            "http://a.example/x/y",
            "https://a.example.evil.example/x/y",
            "https://a.example@evil.example/x/y",
            "https://u:p@a.example/x/y",
            "http://127.0.0.1:9001/r/k",
            "not a url",
        ] {
            assert!(prefixes.allows(refused).is_none(), "{refused}");
        }
    }

    #[test]
    fn entries_with_a_query_or_without_a_host_allow_nothing() {
        let prefixes = UrlPrefixes::parse("https://a.example/?x=1, file:///etc/, nonsense");
        assert!(prefixes.allows("https://a.example/?x=1").is_none());
        assert!(prefixes.allows("file:///etc/passwd").is_none());
    }
}
