//! The timeline's metrics, as EMF records CloudWatch's specification admits: each STOPPED event
//! counted by its reason, the reaper's scans and a duration per run.

use integration_tests::emf;
use integration_tests::worlds::reap::ReapWorld;
use std::collections::BTreeMap;

/// After the timeline: 4 idle and 3 expired stops, plus one for the STOPPED event delivered again
/// (whose reason is `again_reason`); 9 tasks scanned by the first of the reaper's 4 runs.
pub fn assert_stops_and_runs_counted(world: &ReapWorld, again_reason: &str) {
    let cluster = format!("Cluster={}", world.data("ClusterName"));
    let stops = emf::values(
        &emf::records(&world.task_events.logs()),
        "DebugTasksStopped",
    );
    let mut by_reason = BTreeMap::new();
    for (dimensions, value) in &stops {
        assert_eq!(dimensions[0], cluster);
        *by_reason.entry(dimensions[1].clone()).or_insert(0) += value.as_u64().unwrap();
    }
    let (idle, expired) = if again_reason.contains("idle-reaper: idle for") {
        (5, 3)
    } else {
        (4, 4)
    };
    assert_eq!(
        by_reason,
        BTreeMap::from([
            ("Reason=expired".to_string(), expired),
            ("Reason=idle".to_string(), idle)
        ])
    );
    let reaper = emf::records(&world.reaper.logs());
    let scanned = emf::values(&reaper, "ReaperTasksScanned");
    assert_eq!(
        scanned[0],
        (vec![cluster], serde_json::json!(9)),
        "{scanned:?}"
    );
    assert_eq!(
        emf::values(&reaper, "ReaperDurationMs").len(),
        4,
        "one per run"
    );
}
