//! Secrets from the environment or from Secrets Manager (feature `secrets`), never printed. A
//! Secrets Manager secret is read once per cold start and again, at most every ten seconds, when
//! the value in hand is refused or not set yet ([`cell`]); what a stored value means (the secret
//! itself, a JSON object holding it, or the stack's placeholder) is [`value`]'s decision.

mod cell;
pub mod value;

pub use cell::{SecretCell, MIN_REREAD};

use crate::aws::AwsError;
use std::fmt;
use std::sync::Arc;

/// A secret value. Its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    pub fn new(value: impl Into<Arc<str>>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Where a secret comes from, per the `<NAME>` / `<NAME>_ARN` variable pair (docs/interface.md,
/// "Configuration").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretSource {
    Plain(Secret),
    SecretsManager { arn: String },
    Missing { variables: String },
}

impl SecretSource {
    /// The plain variable wins when both are set; empty values count as unset.
    pub fn from_env(plain: &str, arn: &str) -> Self {
        Self::from_values(
            std::env::var(plain).ok(),
            std::env::var(arn).ok(),
            &format!("{plain} or {arn}"),
        )
    }

    pub fn from_values(plain: Option<String>, arn: Option<String>, variables: &str) -> Self {
        let present = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
        match (present(plain), present(arn)) {
            (Some(value), _) => Self::Plain(Secret::new(value)),
            (None, Some(arn)) => Self::SecretsManager {
                arn: arn.trim().to_string(),
            },
            (None, None) => Self::Missing {
                variables: variables.to_string(),
            },
        }
    }

    pub fn is_configured(&self) -> bool {
        !matches!(self, Self::Missing { .. })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("no secret configured: set {0}")]
    Missing(String),
    #[error("the secret {arn} could not be read: {source}")]
    Unreadable { arn: String, source: AwsError },
    #[error("the secret {0} has no string value")]
    Empty(String),
    #[error("the secret {0} still holds the placeholder the stack created: it is not configured (put the real value with aws secretsmanager put-secret-value)")]
    Placeholder(String),
    #[error("the secret {arn} is a JSON object without a string {key:?}")]
    NoKey { arn: String, key: &'static str },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_shown() {
        let secret = Secret::new("xoxb-very-secret");
        assert!(!format!("{secret:?}").contains("xoxb"));
        let source = SecretSource::Plain(secret);
        assert!(!format!("{source:?}").contains("xoxb"));
    }

    #[test]
    fn plain_wins_and_blank_is_unset() {
        let s = |p: Option<&str>, a: Option<&str>| {
            SecretSource::from_values(p.map(Into::into), a.map(Into::into), "A or B")
        };
        assert_eq!(
            s(Some("x"), Some("arn")),
            SecretSource::Plain(Secret::new("x"))
        );
        assert_eq!(
            s(Some(" "), Some("arn")),
            SecretSource::SecretsManager { arn: "arn".into() }
        );
        assert!(!s(None, Some("")).is_configured());
    }
}
