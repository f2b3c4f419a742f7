//! `RetainExecLogs`: whether a Delete keeps the environment's ECS Exec session logs
//! (`/ecs/C/ecs-exec`), for teams whose audit outlives the environment (docs/interface.md).

use super::fields::{text, Properties};
use super::PropertyError;

pub const PROPERTY: &str = "RetainExecLogs";

/// What a Delete does with the exec log group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecLogsOnDelete {
    Remove,
    Retain,
}

/// The property as Create and Update validate it: `true` or `false` (any case), default `false`.
pub fn parse(props: &Properties) -> Result<ExecLogsOnDelete, PropertyError> {
    let raw = text(props, PROPERTY)?.unwrap_or_else(|| "false".into());
    match raw.to_ascii_lowercase().as_str() {
        "true" => Ok(ExecLogsOnDelete::Retain),
        "false" => Ok(ExecLogsOnDelete::Remove),
        _ => Err(PropertyError::new(
            PROPERTY,
            format!("must be true or false, got {raw:?}"),
        )),
    }
}

/// The property as a Delete reads it. A Delete never fails on its properties, and a value it
/// cannot read keeps the logs: keeping is what loses nothing (the log group's retention still
/// applies; deleting it by hand is one call).
pub fn on_delete(props: &Properties) -> ExecLogsOnDelete {
    parse(props).unwrap_or_else(|error| {
        tracing::warn!(%error, "RetainExecLogs unreadable on Delete: the exec log group is kept");
        ExecLogsOnDelete::Retain
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn props(value: serde_json::Value) -> Properties {
        json!({ PROPERTY: value }).as_object().unwrap().clone()
    }

    #[test]
    fn what_create_accepts_and_what_delete_makes_of_it() {
        use ExecLogsOnDelete::{Remove, Retain};
        for (value, parsed, on_delete_) in [
            (json!(null), Ok(Remove), Remove),
            (json!(""), Ok(Remove), Remove),
            (json!("false"), Ok(Remove), Remove),
            (json!("FALSE"), Ok(Remove), Remove),
            (json!(false), Ok(Remove), Remove),
            (json!("true"), Ok(Retain), Retain),
            (json!("True"), Ok(Retain), Retain),
            (json!(true), Ok(Retain), Retain),
            (json!("yes"), Err(()), Retain),
            (json!(["true"]), Err(()), Retain),
        ] {
            let p = props(value.clone());
            assert_eq!(parse(&p).map_err(|_| ()), parsed, "{value}");
            assert_eq!(on_delete(&p), on_delete_, "{value}");
        }
        let error = parse(&props(json!("yes"))).unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"RetainExecLogs: must be true or false, got "yes""#
        );
        assert_eq!(on_delete(&Properties::new()), Remove);
    }
}
