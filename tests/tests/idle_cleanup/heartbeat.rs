//! The session heartbeat (docs/interface.md) decides idleness without any CloudTrail trail: a beat
//! in the last three minutes keeps a task however idle it looks otherwise, the last beat counts as
//! activity, and the reaper reads it once per cluster.

use crate::*;

/// One heartbeat line in the task's stream of the debug-toolkit log group, at `at`.
async fn beat(world: &ReapWorld, task: &str, at: time::OffsetDateTime) {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&world.aws);
    let group = format!("/ecs/{CLUSTER}/debug-toolkit");
    let stream = format!("debug/debug-toolkit/{}", task.rsplit('/').next().unwrap());
    logs.create_log_stream()
        .log_group_name(&group)
        .log_stream_name(&stream)
        .send()
        .await
        .expect("CreateLogStream");
    logs.put_log_events()
        .log_group_name(&group)
        .log_stream_name(&stream)
        .log_events(
            aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                .timestamp(at.unix_timestamp() * 1000)
                .message("debug-toolkit: session open")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("PutLogEvents");
}

#[tokio::test]
async fn a_recent_heartbeat_keeps_a_task_and_the_last_beat_counts_as_activity() {
    let world = ReapWorld::start().await;
    let t0 = now();
    let minutes = |m: i64| t0 + time::Duration::minutes(m);
    // All four launched 40 minutes ago: idle by their start alone (timeout 30 minutes).
    let open = debug_task(&world, t0, -40, 60, &[]).await;
    let beat_recently = debug_task(&world, t0, -40, 60, &[]).await;
    let beat_long_ago = debug_task(&world, t0, -40, 60, &[]).await;
    let silent = debug_task(&world, t0, -40, 60, &[]).await;
    beat(&world, &open, minutes(-2)).await;
    beat(&world, &beat_recently, minutes(-10)).await;
    beat(&world, &beat_long_ago, minutes(-35)).await;

    world.proxy.reset_counts();
    let summary = world.reap(&at(t0, 0)).await;
    let mut stopped: Vec<String> = summary["stopped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    stopped.sort();
    let mut expected = vec![beat_long_ago.clone(), silent.clone()];
    expected.sort();
    assert_eq!(stopped, expected, "{summary:#}");
    let tasks = describe(&world, &[beat_long_ago, silent]).await;
    assert!(
        tasks
            .values()
            .all(|t| t.stopped_reason().is_some_and(|r| r.contains("idle for"))),
        "{tasks:#?}"
    );
    // One heartbeat read for the cluster; no exec stream read (no session was recorded).
    let calls = world.proxy.calls_of("idle-reaper");
    assert_eq!(calls.get("FilterLogEvents"), Some(&1), "{calls:?}");
    assert_eq!(calls.get("DescribeLogStreams"), None, "{calls:?}");
}
