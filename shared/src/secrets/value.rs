//! What a secret's stored string means (docs/interface.md, "Configuration"): the secret itself,
//! or a JSON object holding it under the function's key (`signingSecret`, `botToken`); a value
//! still equal to a placeholder the stack created means "not configured".

use super::{Secret, SecretError};

/// The values the stack (and `docs/deploying.md`) put in a secret before the real one is set.
pub const PLACEHOLDERS: [&str; 2] = [
    "replace-me-with-the-slack-signing-secret",
    "replace-me-with-the-slack-bot-token",
];

/// The secret in `stored` (a `SecretString`), read for `key` when it is a JSON object.
pub fn read(arn: &str, stored: &str, key: &'static str) -> Result<Secret, SecretError> {
    let text = stored.trim();
    let value = if text.starts_with('{') {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(object) => object
                .get(key)
                .and_then(|v| v.as_str())
                .map(str::trim)
                .ok_or_else(|| SecretError::NoKey {
                    arn: arn.to_string(),
                    key,
                })?
                .to_string(),
            // Not JSON after all: a secret may start with a brace.
            Err(_) => text.to_string(),
        }
    } else {
        text.to_string()
    };
    if value.is_empty() {
        return Err(SecretError::Empty(arn.to_string()));
    }
    if PLACEHOLDERS.contains(&value.as_str()) {
        return Err(SecretError::Placeholder(arn.to_string()));
    }
    Ok(Secret::new(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:secretsmanager:eu-west-1:1:secret:slack-AbCdEf";

    #[test]
    fn what_a_stored_value_means() {
        let ok = |v: &str| Ok(Secret::new(v));
        for (stored, expected) in [
            (
                "8f14e45fceea167a5a36dedd4bea2543",
                ok("8f14e45fceea167a5a36dedd4bea2543"),
            ),
            ("  8f14e45f\n", ok("8f14e45f")),
            (r#"{"signingSecret": "8f14e45f"}"#, ok("8f14e45f")),
            (
                r#"{"signingSecret": "8f14e45f", "botToken": "xoxb-1"}"#,
                ok("8f14e45f"),
            ),
            ("{not json", ok("{not json")),
            ("", Err(SecretError::Empty(ARN.into()))),
            (
                r#"{"signingSecret": " "}"#,
                Err(SecretError::Empty(ARN.into())),
            ),
            (
                r#"{"botToken": "xoxb-1"}"#,
                Err(SecretError::NoKey {
                    arn: ARN.into(),
                    key: "signingSecret",
                }),
            ),
            (
                r#"{"signingSecret": 42}"#,
                Err(SecretError::NoKey {
                    arn: ARN.into(),
                    key: "signingSecret",
                }),
            ),
            (
                "replace-me-with-the-slack-signing-secret",
                Err(SecretError::Placeholder(ARN.into())),
            ),
            (
                r#"{"signingSecret": "replace-me-with-the-slack-bot-token"}"#,
                Err(SecretError::Placeholder(ARN.into())),
            ),
        ] {
            assert_eq!(read(ARN, stored, "signingSecret"), expected, "{stored:?}");
        }
    }

    #[test]
    fn the_placeholder_error_names_the_secret_and_the_fix() {
        let error = read(ARN, PLACEHOLDERS[0], "signingSecret").unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains(ARN) && text.contains("put-secret-value"),
            "{text}"
        );
    }
}
