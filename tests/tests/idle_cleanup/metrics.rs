//! The timeline's metrics, as EMF records CloudWatch's specification admits: each stopped task
//! counted once by its reason, the reaper's scans and a duration per run.

use integration_tests::emf;
use integration_tests::worlds::reap::ReapWorld;
use std::collections::BTreeMap;

/// After the timeline: 4 idle and 3 expired stops, each counted once (the STOPPED event delivered
/// again is not counted again: the stop is counted after its notice's claim); 9 tasks scanned by
/// the first of the reaper's 4 runs.
pub fn assert_stops_and_runs_counted(world: &ReapWorld) {
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
    assert_eq!(
        by_reason,
        BTreeMap::from([
            ("Reason=expired".to_string(), 3),
            ("Reason=idle".to_string(), 4)
        ]),
        "{stops:?}"
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
