//! EventBridge events from anywhere: task-events' reader (CloudTrail `ExecuteCommand`, task state
//! changes) and the launcher's request validation never panic, whatever the JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const NOW: i64 = 1_790_000_000;

fuzz_target!(|data: &[u8]| {
    let Ok(event) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let _ = task_events::events::read(event.clone(), NOW);
    let text = |name: &str| event[name].as_str().unwrap_or_default().to_string();
    let (source, detail_type) = (text("source"), text("detail-type"));
    let id = event["id"].as_str();
    let time = event["time"].as_i64();
    if let Ok(valid) =
        debug_launcher::request::validate(&source, &detail_type, id, time, &event["detail"], NOW)
    {
        assert!(debug_toolkit::cluster::is_valid_name(&valid.cluster));
        assert!(valid.ttl_minutes >= 1);
    }
    let _ = debug_launcher::request::response_url_of(&event["detail"]);
});
