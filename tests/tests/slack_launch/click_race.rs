//! A click and a colleague's Stop (or a second click) at once: the click read the task running,
//! but by the time its StopTask arrives the task is stopped and its tags (which slack-command's
//! policy requires) are gone. The clicker is told "already stopped", not AWS's refusal.

use crate::buttons::{block_ids, buttons, posted_to};
use crate::click_helpers::*;
use crate::*;
use integration_tests::fakes::fault_proxy::Fault;
use std::time::Duration;

#[tokio::test]
async fn a_stop_that_loses_the_race_says_already_stopped() {
    let world = LaunchWorld::start_with(&[("SLACK_TEAM_IDS", TEAMS)], &[]).await;
    let debug = start_debug_task(&world, "start payments-dev 45m").await;
    let value = format!("{CLUSTER}/{}", task_id(&debug));
    let reply = posted_to(&world, "cmd")
        .last()
        .expect("launch reply")
        .body
        .clone();
    let block = block_ids(&reply)[0].clone();
    world.proxy.reset_counts();
    // The click's StopTask waits at the proxy while the colleague's goes straight to ECS.
    world.proxy.inject(
        "StopTask",
        Fault::Delay(Duration::from_millis(700)),
        Some(1),
    );
    let click = click_in(&world, (STOP, &value, &block), "race", |_| {});
    let colleague = async {
        while !world.proxy.calls().contains_key("StopTask") {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        ecs(&world)
            .stop_task()
            .cluster(CLUSTER)
            .task(&debug)
            .reason(REAPER_REASON)
            .send()
            .await
            .expect("the colleague's StopTask");
    };
    let (answer, ()) = tokio::join!(click, colleague);
    world.proxy.clear();
    assert_eq!(answer.status, 200, "{answer:?}");
    let said = only(&world, "race");
    assert!(text(&said).contains("is already stopped"), "{said}");
    assert!(text(&said).contains("idle for 30m"), "{said}");
    assert!(!text(&said).contains("refused"), "{said}");
    assert!(buttons(&said).is_empty(), "{said}");
}
