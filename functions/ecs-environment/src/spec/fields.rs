//! Reading CloudFormation property values. CloudFormation sends every scalar as a string and lists
//! either as JSON lists or (from some templates) as one comma-separated string; direct invocations
//! may send plain JSON numbers and booleans. All of these are accepted.

use super::PropertyError;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub type Properties = Map<String, Value>;

/// A scalar as text; an empty string counts as "not given".
pub fn text(props: &Properties, name: &'static str) -> Result<Option<String>, PropertyError> {
    match props.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => scalar(name, value).map(|s| Some(s).filter(|s| !s.is_empty())),
    }
}

pub fn required_text(props: &Properties, name: &'static str) -> Result<String, PropertyError> {
    text(props, name)?.ok_or_else(|| PropertyError::new(name, "is required"))
}

fn scalar(name: &'static str, value: &Value) -> Result<String, PropertyError> {
    match value {
        Value::String(s) => Ok(s.trim().to_string()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(PropertyError::new(
            name,
            "must be a single value (a string)",
        )),
    }
}

/// A list: a JSON list of scalars or one comma-separated string. Blank entries are dropped.
pub fn list(props: &Properties, name: &'static str) -> Result<Option<Vec<String>>, PropertyError> {
    let items = match props.get(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(values)) => values
            .iter()
            .map(|v| scalar(name, v))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| PropertyError::new(name, "must be a list of strings"))?,
        Some(value) => scalar(name, value)?
            .split(',')
            .map(|s| s.trim().to_string())
            .collect(),
    };
    let items: Vec<String> = items.into_iter().filter(|s| !s.is_empty()).collect();
    Ok(Some(items).filter(|items| !items.is_empty()))
}

/// A whole number within `range`.
pub fn number(
    props: &Properties,
    name: &'static str,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64, PropertyError> {
    let Some(raw) = text(props, name)? else {
        return Ok(default);
    };
    let value: i64 = raw
        .parse()
        .map_err(|_| PropertyError::new(name, format!("must be a whole number, got {raw:?}")))?;
    if !range.contains(&value) {
        return Err(PropertyError::new(
            name,
            format!(
                "must be between {} and {}, got {value}",
                range.start(),
                range.end()
            ),
        ));
    }
    Ok(value)
}

/// `Tags`: a list of `{Key, Value}`, a map, or either one as a JSON string.
pub fn tags(
    props: &Properties,
    name: &'static str,
) -> Result<BTreeMap<String, String>, PropertyError> {
    let parsed;
    let value = match props.get(name) {
        None | Some(Value::Null) => return Ok(BTreeMap::new()),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(BTreeMap::new()),
        Some(Value::String(s)) => {
            parsed = serde_json::from_str::<Value>(s).map_err(|_| {
                PropertyError::new(name, "must be a list of {Key, Value} or a map of strings")
            })?;
            &parsed
        }
        Some(value) => value,
    };
    let mut tags = BTreeMap::new();
    let mut insert = |key: String, value: String| {
        if tags.insert(key.clone(), value).is_some() {
            return Err(PropertyError::new(
                name,
                format!("key {key:?} is given twice"),
            ));
        }
        Ok(())
    };
    match value {
        Value::Array(items) => {
            for item in items {
                let key = item.get("Key").and_then(Value::as_str);
                let value = item.get("Value").map(|v| scalar(name, v)).transpose()?;
                match (key, value) {
                    (Some(key), Some(value)) => insert(key.to_string(), value)?,
                    _ => {
                        return Err(PropertyError::new(
                            name,
                            "each tag must have a Key and a Value",
                        ))
                    }
                }
            }
        }
        Value::Object(map) => {
            for (key, value) in map {
                insert(key.clone(), scalar(name, value)?)?;
            }
        }
        _ => {
            return Err(PropertyError::new(
                name,
                "must be a list of {Key, Value} or a map of strings",
            ))
        }
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn props(value: Value) -> Properties {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn lists_arrive_as_lists_or_comma_separated_strings() {
        let p = props(json!({"A": ["x", " y "], "B": "x, y,,", "C": "", "D": [443, "80"]}));
        assert_eq!(list(&p, "A").unwrap().unwrap(), ["x", "y"]);
        assert_eq!(list(&p, "B").unwrap().unwrap(), ["x", "y"]);
        assert_eq!(list(&p, "C").unwrap(), None);
        assert_eq!(list(&p, "D").unwrap().unwrap(), ["443", "80"]);
        assert_eq!(list(&p, "Missing").unwrap(), None);
    }

    #[test]
    fn numbers_arrive_as_strings_or_numbers() {
        let p = props(json!({"A": "30", "B": 7, "C": "thirty", "D": "0"}));
        assert_eq!(number(&p, "A", 1, 1..=100).unwrap(), 30);
        assert_eq!(number(&p, "B", 1, 1..=100).unwrap(), 7);
        assert_eq!(number(&p, "Missing", 5, 1..=100).unwrap(), 5);
        assert!(number(&p, "C", 1, 1..=100)
            .unwrap_err()
            .to_string()
            .contains("whole number"));
        assert!(number(&p, "D", 1, 1..=100)
            .unwrap_err()
            .to_string()
            .contains("between 1 and 100"));
    }

    #[test]
    fn tags_as_list_map_or_json_string() {
        let expected = BTreeMap::from([("team".to_string(), "payments".to_string())]);
        for value in [
            json!([{"Key": "team", "Value": "payments"}]),
            json!({"team": "payments"}),
            json!("[{\"Key\": \"team\", \"Value\": \"payments\"}]"),
        ] {
            assert_eq!(
                tags(&props(json!({ "Tags": value })), "Tags").unwrap(),
                expected
            );
        }
    }

    #[test]
    fn malformed_tags_are_refused() {
        for value in [
            json!([{"Key": "a"}]),
            json!([{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]),
            json!(42),
            json!("not json"),
            json!({"a": {"nested": true}}),
        ] {
            assert!(
                tags(&props(json!({ "Tags": value })), "Tags").is_err(),
                "{value}"
            );
        }
    }
}
