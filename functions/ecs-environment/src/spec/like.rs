//! `LikeServices`: the ECS services of the cluster whose network position `start --like` may copy
//! (their subnets and security groups; never a public IP). Not given: none. `*`: any. Recorded in
//! the cluster's `debug-toolkit:like-services` tag, which slack-command and debug-launcher read
//! (`debug_toolkit::like_services`).

use super::fields::{list, Properties};
use super::PropertyError;
use debug_toolkit::like_services::ANY;
use debug_toolkit::tags;

pub const PROPERTY: &str = "LikeServices";

/// ECS's rule for service names: 1 to 255 letters, digits, hyphens and underscores.
fn is_service_name(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The listed services (without repeats), `["*"]`, or none.
pub(super) fn like_services(props: &Properties) -> Result<Vec<String>, PropertyError> {
    let mut names: Vec<String> = Vec::new();
    for name in list(props, PROPERTY)?.unwrap_or_default() {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    if names.iter().any(|n| n == ANY) {
        if names.len() > 1 {
            return Err(PropertyError::new(
                PROPERTY,
                "`*` (any service) stands alone: list service names or give `*`",
            ));
        }
        return Ok(names);
    }
    if let Some(bad) = names.iter().find(|n| !is_service_name(n)) {
        return Err(PropertyError::new(
            PROPERTY,
            format!(
                "each must be an ECS service name (letters, digits, - and _) or `*`, got {bad:?}"
            ),
        ));
    }
    if names.join(" ").len() > tags::MAX_TAG_VALUE_LEN {
        return Err(PropertyError::new(
            PROPERTY,
            "too many services: space-separated they must fit in 256 characters (the debug-toolkit:like-services tag)",
        ));
    }
    Ok(names)
}

/// With `LikeServices` the cluster carries one tag more of ours: the user's `Tags` must leave room.
pub(super) fn fits_beside(like: &[String], user_tags: usize) -> Result<(), PropertyError> {
    let most = super::MAX_USER_TAGS - 1;
    if like.is_empty() || user_tags <= most {
        return Ok(());
    }
    Err(PropertyError::new(
        PROPERTY,
        format!("needs a tag of its own on the cluster: with it, at most {most} Tags (AWS allows 50 a resource), got {user_tags}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn parse(value: Value) -> Result<Vec<String>, PropertyError> {
        let props = json!({ PROPERTY: value });
        like_services(props.as_object().unwrap())
    }

    #[test]
    fn names_star_or_none() {
        let ok: &[(Value, &[&str])] = &[
            (Value::Null, &[]),
            (json!(""), &[]),
            (json!("payments-api"), &["payments-api"]),
            (
                json!("payments-api, worker_1"),
                &["payments-api", "worker_1"],
            ),
            (json!(["a", "b", "a"]), &["a", "b"]),
            (json!("*"), &["*"]),
            (json!(["*", "*"]), &["*"]),
        ];
        for (value, expected) in ok {
            assert_eq!(parse(value.clone()).unwrap(), *expected, "{value}");
        }
        let refused: &[(Value, &str)] = &[
            (json!("*, payments-api"), "stands alone"),
            (json!("payments api"), "ECS service name"),
            (json!("payments-*"), "ECS service name"),
            (json!(["svc/a"]), "ECS service name"),
            (json!(["x".repeat(256)]), "ECS service name"),
            (
                json!((0..40).map(|i| format!("service-{i}")).collect::<Vec<_>>()),
                "256 characters",
            ),
            (json!({"a": 1}), "single value"),
        ];
        assert_eq!(fits_beside(&[], 37), Ok(()));
        assert_eq!(fits_beside(&["a".into()], 36), Ok(()));
        assert!(fits_beside(&["a".into()], 37)
            .unwrap_err()
            .message
            .contains("at most 36 Tags"));
        for (value, why) in refused {
            let error = parse(value.clone()).unwrap_err();
            assert_eq!(error.property, PROPERTY);
            assert!(error.message.contains(why), "{value}: {error}");
        }
    }
}
