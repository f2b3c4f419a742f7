//! `MAX_DEBUG_TASKS_PER_USER` (`MaxDebugTasksPerUser`): a requester with that many debug tasks
//! running on a cluster is refused another there, told why and how to free one (`list`, `stop`),
//! and nothing runs; other requesters are not held back, a stopped task frees its place, and a
//! redelivered event of a running task is still answered as such.

use crate::*;
use integration_tests::emf;
use integration_tests::worlds::launch::ALLOWED_CHANNEL;
use serde_json::json;

fn launch_event(world: &LaunchWorld, user: &str, request_id: &str) -> Value {
    let mut event = launch_request(&world.slack.response_url(request_id));
    event["detail"]["requestId"] = json!(request_id);
    event["detail"]["requestedBy"] = json!(user);
    event["detail"]["channelId"] = json!(ALLOWED_CHANNEL);
    event
}

async fn outcome(world: &LaunchWorld, user: &str, request_id: &str) -> Value {
    world.launch(launch_event(world, user, request_id)).await
}

#[tokio::test]
async fn a_requester_at_the_cap_is_refused_and_told_how_to_free_a_place() {
    let world = LaunchWorld::start_with(&[], &[("MAX_DEBUG_TASKS_PER_USER", "2")]).await;
    let first = outcome(&world, ALLOWED_USER, "cap-1").await;
    assert_eq!(first["outcome"], "launched", "{first:#}");
    assert_eq!(
        outcome(&world, ALLOWED_USER, "cap-2").await["outcome"],
        "launched"
    );

    world.proxy.reset_counts();
    let third = outcome(&world, ALLOWED_USER, "cap-3").await;
    assert_eq!(third["outcome"], "refused", "{third:#}");
    let reason = third["reason"].as_str().unwrap();
    for words in [
        "you already have 2 debug task(s) running on `payments-dev`",
        "MaxDebugTasksPerUser is 2",
        "`list`",
        "`stop <task-id>`",
    ] {
        assert!(reason.contains(words), "{words}: {reason}");
    }
    assert_eq!(world.proxy.calls().get("RunTask"), None, "nothing runs");
    let posts = world.slack.wait_for(3, SLACK_WAIT).await;
    let told = posts
        .iter()
        .find(|p| p.path.contains("/cap-3/"))
        .expect("the requester is told");
    assert!(
        told.body.to_string().contains("MaxDebugTasksPerUser"),
        "{told:?}"
    );
    let failures = emf::values(&emf::records(&world.launcher.logs()), "LaunchFailures");
    assert_eq!(failures.len(), 1, "{failures:?}");

    // The same event again (a redelivery of a running task's request) is not a new task.
    let again = outcome(&world, ALLOWED_USER, "cap-1").await;
    assert_eq!(again["outcome"], "already-running", "{again:#}");
    // The cap is per requester: someone else in the allowed channel still starts one.
    let other = outcome(&world, "U0OTHER", "cap-other").await;
    assert_eq!(other["outcome"], "launched", "{other:#}");

    // A stopped task frees its place.
    ecs(&world)
        .stop_task()
        .cluster(CLUSTER)
        .task(first["taskArn"].as_str().unwrap())
        .reason("done")
        .send()
        .await
        .expect("StopTask");
    // (ListTasks may still list it a while, as AWS does: the launcher counts tasks not stopping.)
    let fourth = outcome(&world, ALLOWED_USER, "cap-4").await;
    assert_eq!(fourth["outcome"], "launched", "{fourth:#}");
}
