//! The `Stop` and `Extend 1h` buttons on a debug task's messages (docs/interface.md, "Buttons"):
//! Block Kit buttons whose `value` names the task as `<cluster>/<task-id>` (the cluster as written
//! in Slack: `<alias>/<cluster>` when it is a spoke's).

use serde_json::{json, Value};

pub const STOP: &str = "debug_stop";
pub const EXTEND: &str = "debug_extend";
/// What `Extend 1h` adds.
pub const EXTEND_MINUTES: u32 = 60;

/// A button's `value`: `<cluster>/<task-id>`.
pub fn value(cluster: &str, task_id: &str) -> String {
    format!("{cluster}/{task_id}")
}

/// The cluster and task a button's `value` names; `None` for anything else.
pub fn parse_value(value: &str) -> Option<(&str, &str)> {
    let (cluster, task) = value.rsplit_once('/')?;
    let task_ok = !task.is_empty()
        && task.len() <= 64
        && task.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    (crate::address::split(cluster).is_some() && task_ok).then_some((cluster, task))
}

/// The actions block of one task: ids unique per message (a list shows many tasks).
pub fn actions(cluster: &str, task_id: &str) -> Value {
    let value = value(cluster, task_id);
    let button = |action_id: &str, text: &str| {
        json!({
            "type": "button",
            "action_id": action_id,
            "text": {"type": "plain_text", "text": text},
            "value": value,
        })
    };
    let mut stop = button(STOP, "Stop");
    stop["style"] = json!("danger");
    json!({
        "type": "actions",
        // Unique within a message (a task id has at most 64 characters; Slack allows 255).
        "block_id": format!("debug-task-{task_id}"),
        "elements": [stop, button(EXTEND, "Extend 1h")],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_names_one_task_of_one_cluster() {
        let id = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            parse_value(&value("payments-dev", id)),
            Some(("payments-dev", id))
        );
        assert_eq!(
            parse_value(&value("prod/payments", id)),
            Some(("prod/payments", id))
        );
        for bad in [
            "",
            "payments-dev",
            "payments-dev/",
            "/0123",
            "pay ments/0123",
            "payments-dev/01 23",
            "A/b/c",
            "a/b/c/d",
            &format!("c/{}", "a".repeat(65)),
        ] {
            assert_eq!(parse_value(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn two_buttons_whose_values_name_the_task() {
        let block = actions("payments-dev", "abc123");
        assert_eq!(block["type"], "actions");
        assert_eq!(block["block_id"], "debug-task-abc123");
        let elements = block["elements"].as_array().unwrap();
        let ids: Vec<_> = elements.iter().map(|e| e["action_id"].clone()).collect();
        assert_eq!(ids, [json!(STOP), json!(EXTEND)]);
        assert!(elements.iter().all(|e| e["value"] == "payments-dev/abc123"));
        assert_eq!(elements[0]["text"]["text"], "Stop");
        assert_eq!(elements[1]["text"]["text"], "Extend 1h");
    }
}
