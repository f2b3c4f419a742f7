//! A ready claim that races a stop: task-events read the task RUNNING, then StopTask (from Slack,
//! the reaper or anyone) came before its TagResource. AWS refuses that claim (AccessDenied while
//! the task stops and its tags are gone, InvalidParameterException "The specified task is
//! stopped" once it is STOPPED: the strict gate answers both, `tests/moto/strict/stopping.py`);
//! either way the event is dropped and the invocation succeeds (no retry, no dead-letter).

use crate::*;
use integration_tests::fakes::fault_proxy::Fault;
use integration_tests::fakes::runtime_api::Reply;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_ready_claim_refused_because_the_task_stopped_meanwhile_is_dropped_without_failing() {
    let world = ReapWorld::start().await;
    let t0 = now();
    world.proxy.reset_counts();
    // The claim is held back 2 s: the task is stopped, then STOPPED, before it arrives.
    world
        .proxy
        .inject("TagResource", Fault::Delay(Duration::from_secs(2)), Some(1));
    let debug = debug_task(&world, t0, 0, 60, &[]).await;
    let started = Instant::now();
    while !world.proxy.calls().contains_key("TagResource") {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "task-events never claimed the ready notice"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    aws_sdk_ecs::Client::new(&world.aws)
        .stop_task()
        .cluster(CLUSTER)
        .task(&debug)
        .reason("Stopped from Slack by U0ALLOWED")
        .send()
        .await
        .expect("StopTask");

    // RUNNING (the claim refused), the stop, STOPPED: each answered, none failed.
    let delivered = world.ecs_events.wait_for(3, Duration::from_secs(60)).await;
    for (event, reply) in &delivered {
        let Reply::Response(answer) = reply else {
            panic!("the race failed the invocation (Lambda would retry it, then dead-letter it): {event:#}\n{reply:?}");
        };
        let status = &event["detail"]["lastStatus"];
        let desired = &event["detail"]["desiredStatus"];
        if status == "RUNNING" && desired == "RUNNING" {
            assert_eq!(answer["outcome"], "ignored", "{answer:#}");
        }
    }
    let logs = world.task_events.logs();
    assert!(
        logs.contains("the task was stopped while being claimed")
            && logs.contains("InvalidParameterException"),
        "the claim met the STOPPED task's refusal: {logs}"
    );
    // The channel hears of the stop, and of nothing else.
    let posts = world.slack.wait_for(1, Duration::from_secs(10)).await;
    let texts: Vec<&str> = posts
        .iter()
        .filter_map(|p| p.body["text"].as_str())
        .collect();
    assert_eq!(texts.len(), 1, "{texts:#?}");
    assert!(
        texts[0].contains("stopped: Stopped from Slack by U0ALLOWED"),
        "{texts:#?}"
    );
    assert_clean_logs(&world);
}
