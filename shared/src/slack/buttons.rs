//! The `Stop` and `Extend 1h` buttons on a debug task's messages (docs/interface.md, "Buttons"):
//! Block Kit buttons whose `value` names the task as `<cluster>/<task-id>` (the cluster as written
//! in Slack: `<alias>/<cluster>` when it is a spoke's).

use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};

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

/// Where a task's buttons are, told by their block's `block_id`: what a click's answer may replace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// A message about this one task (launch reply, ready notice, an earlier click's answer):
    /// a click's outcome replaces it whole, rebuilt with all it said.
    Message,
    /// One row of a `list` (ephemeral: Slack does not send it back, so it cannot be rebuilt):
    /// a click's outcome is answered beside it and the other rows stay.
    Row,
}

/// Start of the `block_id`s we give: `dt.<m|r>.<iteration>.<task-id>`.
const BLOCK_ID_PREFIX: &str = "dt.";

impl Place {
    fn letter(self) -> char {
        match self {
            Self::Message => 'm',
            Self::Row => 'r',
        }
    }

    /// From a clicked block's `block_id`; anything we did not write (an older message's
    /// `debug-task-<id>` among them) counts as a row, whose answer goes beside and loses nothing.
    pub fn of_block_id(block_id: &str) -> Self {
        match block_id
            .strip_prefix(BLOCK_ID_PREFIX)
            .and_then(|r| r.split('.').next())
        {
            Some("m") => Self::Message,
            _ => Self::Row,
        }
    }
}

/// A new value each call: Slack asks for new `block_id`s in each iteration of a message.
fn iteration() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default();
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{:x}{:x}", nanos & 0xffff_ffff_ffff, count & 0xffff)
}

/// The actions block of one task: its `block_id` says where the buttons are, is new in each
/// message built, and is unique within one (a list shows many tasks).
pub fn actions(cluster: &str, task_id: &str, place: Place) -> Value {
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
        // At most 3 + 2 + 17 + 1 + 64 characters (Slack allows 255).
        "block_id": format!("{BLOCK_ID_PREFIX}{}.{}.{task_id}", place.letter(), iteration()),
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
        let block = actions("payments-dev", "abc123", Place::Message);
        assert_eq!(block["type"], "actions");
        let block_id = block["block_id"].as_str().unwrap();
        assert!(
            block_id.starts_with("dt.m.") && block_id.ends_with(".abc123"),
            "{block_id}"
        );
        let elements = block["elements"].as_array().unwrap();
        let ids: Vec<_> = elements.iter().map(|e| e["action_id"].clone()).collect();
        assert_eq!(ids, [json!(STOP), json!(EXTEND)]);
        assert!(elements.iter().all(|e| e["value"] == "payments-dev/abc123"));
        assert_eq!(elements[0]["text"]["text"], "Stop");
        assert_eq!(elements[1]["text"]["text"], "Extend 1h");
    }

    #[test]
    fn block_ids_are_new_each_time_and_tell_where_the_buttons_are() {
        let id = "0123456789abcdef0123456789abcdef";
        let ids: Vec<String> = (0..50)
            .map(|_| {
                actions("prod/payments", id, Place::Row)["block_id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "{ids:?}");
        assert!(ids.iter().all(|b| b.len() <= 255));
        let message = actions("c", id, Place::Message)["block_id"]
            .as_str()
            .unwrap()
            .to_string();
        let older = format!("debug-task-{id}");
        for (block_id, place) in [
            (message.as_str(), Place::Message),
            (ids[0].as_str(), Place::Row),
            (older.as_str(), Place::Row),
            ("", Place::Row),
            ("dt.x.1.abc", Place::Row),
        ] {
            assert_eq!(Place::of_block_id(block_id), place, "{block_id}");
        }
    }
}
