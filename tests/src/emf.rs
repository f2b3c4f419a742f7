//! CloudWatch's Embedded Metric Format, checked as its specification states it ("Specification:
//! Embedded metric format", CloudWatch User Guide): what a function logged is read back as EMF
//! records, and each record is held to the rules CloudWatch applies before it makes metrics.

use serde_json::Value;

/// The units CloudWatch accepts (`MetricDatum.Unit`).
const UNITS: [&str; 27] = [
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
];

/// Every EMF record among the log lines (a JSON object with `_aws`), each checked.
pub fn records(logs: &str) -> Vec<Value> {
    logs.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|v| v.get("_aws").is_some())
        .inspect(|record| {
            if let Err(why) = check(record) {
                panic!("not a valid EMF record ({why}): {record}")
            }
        })
        .collect()
}

/// The records that carry metric `name`, as (dimensions, value) with dimensions as `k=v` pairs.
pub fn values(records: &[Value], name: &str) -> Vec<(Vec<String>, Value)> {
    records
        .iter()
        .filter(|r| r.get(name).is_some())
        .map(|r| {
            let sets = &r["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0];
            let dimensions = sets
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|d| format!("{d}={}", r[d].as_str().unwrap_or_default()))
                .collect();
            (dimensions, r[name].clone())
        })
        .collect()
}

/// The specification's rules for one record.
pub fn check(record: &Value) -> Result<(), String> {
    let root = record.as_object().ok_or("the root is not an object")?;
    let aws = root["_aws"].as_object().ok_or("_aws is not an object")?;
    aws.get("Timestamp")
        .and_then(Value::as_u64)
        .ok_or("_aws.Timestamp is not a non-negative integer (ms since the epoch)")?;
    let directives = aws
        .get("CloudWatchMetrics")
        .and_then(Value::as_array)
        .ok_or("_aws.CloudWatchMetrics is not an array")?;
    for directive in directives {
        let namespace = directive["Namespace"]
            .as_str()
            .ok_or("Namespace is not a string")?;
        if namespace.trim().is_empty() || namespace.len() > 255 {
            return Err(format!("Namespace {namespace:?} is not 1-255 characters"));
        }
        let sets = directive["Dimensions"]
            .as_array()
            .ok_or("Dimensions is not an array")?;
        for set in sets {
            let set = set.as_array().ok_or("a dimension set is not an array")?;
            if set.len() > 30 {
                return Err("a dimension set has more than 30 dimensions".into());
            }
            for name in set {
                let name = name.as_str().ok_or("a dimension name is not a string")?;
                let value = root
                    .get(name)
                    .and_then(Value::as_str)
                    .ok_or(format!("dimension {name} has no string member at the root"))?;
                if name.is_empty() || name.len() > 255 || value.is_empty() || value.len() > 1024 {
                    return Err(format!("dimension {name}={value:?} is out of bounds"));
                }
            }
        }
        let metrics = directive["Metrics"]
            .as_array()
            .ok_or("Metrics is not an array")?;
        if metrics.is_empty() || metrics.len() > 100 {
            return Err("Metrics must hold 1 to 100 definitions".into());
        }
        for metric in metrics {
            let name = metric["Name"].as_str().ok_or("a metric has no Name")?;
            if name.is_empty() || name.len() > 1024 {
                return Err(format!("metric name {name:?} is out of bounds"));
            }
            if let Some(unit) = metric.get("Unit") {
                let unit = unit.as_str().ok_or("Unit is not a string")?;
                if !UNITS.contains(&unit) {
                    return Err(format!("Unit {unit:?} is not one CloudWatch accepts"));
                }
            }
            match root.get(name) {
                Some(Value::Number(_)) => {}
                Some(Value::Array(values))
                    if !values.is_empty()
                        && values.len() <= 100
                        && values.iter().all(Value::is_number) => {}
                other => {
                    return Err(format!(
                        "metric {name} has no number (or array of 1-100 numbers) at the root: {other:?}"
                    ))
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_specifications_rules_are_enforced() {
        let good = json!({"_aws": {"Timestamp": 1_700_000_000_000u64, "CloudWatchMetrics": [
            {"Namespace": "ecs-debug-toolkit", "Dimensions": [["Cluster"]],
             "Metrics": [{"Name": "DebugTasksLaunched"}, {"Name": "ReaperDurationMs", "Unit": "Milliseconds"}]}]},
            "Cluster": "payments-dev", "DebugTasksLaunched": 1, "ReaperDurationMs": [12.5, 3.0]});
        assert_eq!(check(&good), Ok(()));
        let broken = |path: &str, value: Value| {
            let mut record = good.clone();
            *record.pointer_mut(path).unwrap() = value;
            check(&record).unwrap_err()
        };
        assert!(broken("/Cluster", json!(3)).contains("dimension Cluster"));
        assert!(broken("/DebugTasksLaunched", json!("1")).contains("metric DebugTasksLaunched"));
        assert!(broken("/_aws/Timestamp", json!("now")).contains("Timestamp"));
        assert!(broken("/_aws/CloudWatchMetrics/0/Metrics/1/Unit", json!("ms")).contains("Unit"));
        assert!(broken("/_aws/CloudWatchMetrics/0/Namespace", json!(" ")).contains("Namespace"));
        assert!(broken("/ReaperDurationMs", json!([])).contains("ReaperDurationMs"));
    }
}
