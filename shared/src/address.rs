//! How a cluster is written in Slack (docs/interface.md, "Many accounts"). One Slack app may serve
//! many accounts and regions: each is a spoke with an alias, and its clusters are written
//! `<alias>/<cluster>`. Without spokes a cluster is written by its name alone.

/// The environment variable that gives a spoke's functions their alias (`SpokeAlias`), so the
/// clusters their messages and buttons name are ones the hub can find.
pub const SPOKE_ALIAS_VAR: &str = "SPOKE_ALIAS";

/// An alias: 1 to 32 lower-case letters, digits and `-`.
pub fn is_valid_alias(alias: &str) -> bool {
    (1..=32).contains(&alias.len())
        && alias
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `<alias>/<cluster>`, or the cluster alone without an alias.
pub fn qualified(alias: Option<&str>, cluster: &str) -> String {
    match alias {
        Some(alias) => format!("{alias}/{cluster}"),
        None => cluster.to_string(),
    }
}

/// A written cluster split into its alias (if any) and its name; `None` when either part is not
/// well formed.
pub fn split(written: &str) -> Option<(Option<&str>, &str)> {
    let (alias, name) = match written.split_once('/') {
        Some((alias, name)) => (Some(alias), name),
        None => (None, written),
    };
    let alias_ok = alias.is_none_or(is_valid_alias);
    (alias_ok && crate::cluster::is_valid_name(name)).then_some((alias, name))
}

/// The spoke's alias from [`SPOKE_ALIAS_VAR`]; `None` when unset or empty (one account).
pub fn alias_from_env() -> Result<Option<String>, crate::config::ConfigError> {
    match crate::config::var(SPOKE_ALIAS_VAR) {
        None => Ok(None),
        Some(alias) if is_valid_alias(&alias) => Ok(Some(alias)),
        Some(alias) => Err(crate::config::ConfigError {
            name: SPOKE_ALIAS_VAR,
            value: alias,
            expected: "lower-case letters, digits and -, at most 32",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_clusters() {
        for (written, expected) in [
            ("payments-dev", Some((None, "payments-dev"))),
            ("prod/payments", Some((Some("prod"), "payments"))),
            ("eu-1/Payments_Dev", Some((Some("eu-1"), "Payments_Dev"))),
            ("Prod/payments", None),
            ("/payments", None),
            ("prod/", None),
            ("prod/pay/ments", None),
            ("prod/pay ments", None),
            ("", None),
        ] {
            assert_eq!(split(written), expected, "{written}");
        }
    }

    #[test]
    fn qualified_names_split_back() {
        assert_eq!(qualified(Some("prod"), "payments"), "prod/payments");
        assert_eq!(qualified(None, "payments"), "payments");
        assert_eq!(
            split(&qualified(Some("prod"), "payments")),
            Some((Some("prod"), "payments"))
        );
    }

    #[test]
    fn aliases() {
        assert!(is_valid_alias("prod-eu-1"));
        assert!(!is_valid_alias(""));
        assert!(!is_valid_alias("Prod"));
        assert!(!is_valid_alias("prod_eu"));
        assert!(!is_valid_alias(&"a".repeat(33)));
    }
}
