//! Reading the functions' environment variables (docs/interface.md, "Configuration"), naming the
//! one that is wrong.

use crate::cluster::Limits;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("environment variable {name}={value:?} is invalid: expected {expected}")]
pub struct ConfigError {
    pub name: &'static str,
    pub value: String,
    pub expected: &'static str,
}

/// A variable's trimmed value; unset and blank are the same.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

pub fn positive_minutes(name: &'static str, default: u32) -> Result<u32, ConfigError> {
    parse_positive(name, var(name), default)
}

fn parse_positive(
    name: &'static str,
    value: Option<String>,
    default: u32,
) -> Result<u32, ConfigError> {
    match value {
        None => Ok(default),
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|m| *m > 0)
            .ok_or(ConfigError {
                name,
                value: text,
                expected: "a whole number of minutes above zero",
            }),
    }
}

pub fn flag(name: &'static str) -> Result<bool, ConfigError> {
    match var(name).map(|v| v.to_ascii_lowercase()).as_deref() {
        None | Some("false") | Some("0") | Some("no") => Ok(false),
        Some("true") | Some("1") | Some("yes") => Ok(true),
        Some(other) => Err(ConfigError {
            name,
            value: other.to_string(),
            expected: "true or false",
        }),
    }
}

/// `IDLE_TIMEOUT_MINUTES` and `MAX_LIFETIME_MINUTES`, the fallbacks for untagged clusters.
pub fn limits_from_env() -> Result<Limits, ConfigError> {
    let defaults = Limits::default();
    Ok(Limits {
        idle_timeout_minutes: positive_minutes(
            "IDLE_TIMEOUT_MINUTES",
            defaults.idle_timeout_minutes,
        )?,
        max_lifetime_minutes: positive_minutes(
            "MAX_LIFETIME_MINUTES",
            defaults.max_lifetime_minutes,
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_are_positive_whole_numbers() {
        assert_eq!(parse_positive("X", None, 30), Ok(30));
        assert_eq!(parse_positive("X", Some("45".into()), 30), Ok(45));
        for bad in ["0", "-1", "1.5", "ten", "99999999999"] {
            let error = parse_positive("X", Some(bad.into()), 30).unwrap_err();
            assert!(error.to_string().contains("X="), "{error}");
        }
    }
}
