use crate::*;
use integration_tests::fakes::fault_proxy::Fault;
use integration_tests::fakes::slack::SlackServer;
use serde_json::json;

fn launch_event(request_id: &str, response_url: &str) -> Value {
    let mut event = launch_request(response_url);
    event["detail"]["requestId"] = json!(request_id);
    event
}

/// A launch request through the launcher that must start its task.
async fn launched(world: &LaunchWorld, request_id: &str, response_key: &str) -> Value {
    let url = world.slack.response_url(response_key);
    let outcome = world.launch(launch_event(request_id, &url)).await;
    let logs = world.launcher.logs();
    assert_eq!(outcome["outcome"], "launched", "{outcome:#}\n{logs}");
    outcome
}

#[tokio::test]
async fn a_redelivered_launch_event_still_makes_one_task() {
    let world = LaunchWorld::start().await;
    let event = launch_event("req-redelivered", &world.slack.response_url("again"));
    let first = world.launch(event.clone()).await;
    assert_eq!(first["outcome"], "launched", "{first:#}");
    assert!(
        first["expiresAt"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{first:#}"
    );
    world.proxy.reset_counts();
    let second = world.launch(event.clone()).await;
    assert_eq!(second["outcome"], "already-running", "{second:#}");
    assert_eq!(second["taskArn"], first["taskArn"]);
    assert_eq!(
        world.proxy.calls().get("RunTask"),
        None,
        "no second RunTask"
    );
    assert_eq!(tasks(&world).await.len(), 1);
    let posts = world.slack.wait_for(2, SLACK_WAIT).await;
    assert_eq!(posts.len(), 2, "both deliveries tell the requester");
    assert!(posts[1]
        .body
        .to_string()
        .contains("already running for this request"));
}

#[tokio::test]
async fn a_response_url_outside_the_allow_list_is_never_contacted() {
    // Five tasks of one requester: MAX_DEBUG_TASKS_PER_USER=0 lifts the cap (3 by default).
    let world = LaunchWorld::start_with(&[], &[("MAX_DEBUG_TASKS_PER_USER", "0")]).await;
    let elsewhere = SlackServer::start().await;
    for (key, url) in [
        ("other-port", elsewhere.response_url("x")),
        (
            "slack-default",
            "https://hooks.slack.com/commands/T0/1/x".to_string(),
        ),
        (
            "metadata",
            "http://169.254.169.254/latest/meta-data/iam/".to_string(),
        ),
        (
            "look-alike",
            format!("http://{}.evil.example/hooks/x", world.slack.addr.ip()),
        ),
        ("not-a-url", "::::".to_string()),
    ] {
        let outcome = world.launch(launch_event(key, &url)).await;
        assert_eq!(outcome["outcome"], "launched", "{key}: {outcome:#}");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(elsewhere.posts().is_empty(), "{:?}", elsewhere.posts());
    assert!(world.slack.posts().is_empty(), "{:?}", world.slack.posts());
    assert_eq!(tasks(&world).await.len(), 5);
    let logs = world.launcher.logs();
    assert!(logs.contains("response_url refused"), "{logs}");
}

#[tokio::test]
async fn capacity_failures_and_throttling_are_retried_then_the_task_starts() {
    let world = LaunchWorld::start().await;
    world.proxy.inject(
        "RunTask",
        Fault::Respond(
            200,
            r#"{"tasks":[],"failures":[{"reason":"Capacity is unavailable at this time. Please try again later or in a different availability zone"}]}"#,
        ),
        Some(1),
    );
    world.proxy.inject("RunTask", Fault::Throttle, Some(2));
    launched(&world, "req-capacity", "cap").await;
    assert_eq!(world.proxy.injected().get("RunTask"), Some(&3));
    assert_eq!(tasks(&world).await.len(), 1);
    let tokens: Vec<Value> = world
        .proxy
        .requests("RunTask")
        .iter()
        .map(|r| r["clientToken"].clone())
        .collect();
    assert!(
        tokens.windows(2).all(|w| w[0] == w[1]),
        "one token for every attempt: {tokens:?}"
    );
}

#[tokio::test]
async fn refusals_and_lasting_failures_are_reported_to_the_requester() {
    let world = LaunchWorld::start().await;
    // Someone with PutEvents on the bus names a user the cluster does not allow.
    let mut forged = launch_event("req-forged", &world.slack.response_url("forged"));
    forged["detail"]["requestedBy"] = json!("U0INTRUDER");
    forged["detail"]["channelId"] = json!("C0NOTLISTED");
    let outcome = world.launch(forged).await;
    assert_eq!(outcome["outcome"], "refused", "{outcome:#}");
    assert_eq!(world.proxy.calls().get("RunTask"), None);

    let mut unknown = launch_event("req-unknown", &world.slack.response_url("unknown"));
    unknown["detail"]["cluster"] = json!("no-such-cluster");
    assert_eq!(world.launch(unknown).await["outcome"], "refused");

    let mut malformed = launch_event("req-bad", &world.slack.response_url("bad"));
    malformed["detail"]["ttlMinutes"] = json!(-5);
    assert_eq!(world.launch(malformed).await["outcome"], "refused");

    let mut stale = launch_event("req-stale", &world.slack.response_url("stale"));
    stale["time"] = json!("2020-01-01T00:00:00Z");
    assert_eq!(world.launch(stale).await["outcome"], "refused");

    // Not our event at all: ignored, nobody told.
    let mut other = launch_event("req-other", &world.slack.response_url("other"));
    other["source"] = json!("someone.else");
    assert_eq!(world.launch(other).await["outcome"], "ignored");

    let posts = world.slack.wait_for(4, SLACK_WAIT).await;
    let said: Vec<String> = posts
        .iter()
        .map(|p| p.body["text"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(said.len(), 4, "{said:#?}");
    assert!(said[0].contains("not allowed"), "{said:?}");
    assert!(
        said[1].contains("there is no cluster named `no-such-cluster`"),
        "{said:?}"
    );
    assert!(said[2].contains("ttlMinutes"), "{said:?}");
    assert!(said[3].contains("minutes old"), "{said:?}");
    assert!(tasks(&world).await.is_empty());
}

#[tokio::test]
async fn a_lasting_run_task_failure_is_told_and_the_invocation_fails_for_a_retry() {
    let world = LaunchWorld::start().await;
    world.proxy.inject("RunTask", Fault::ServerError, None);
    let reply = world
        .launcher
        .invoke(
            launch_event("req-down", &world.slack.response_url("down")),
            Duration::from_secs(20),
        )
        .await;
    assert!(
        matches!(
            reply,
            integration_tests::fakes::runtime_api::Reply::Error(_)
        ),
        "Lambda should retry the event (and then send it to the DLQ): {reply:?}"
    );
    let posts = world.slack.wait_for(1, SLACK_WAIT).await;
    assert_eq!(posts.len(), 1);
    assert!(posts[0].body["text"]
        .as_str()
        .unwrap()
        .contains("No debug task was started"));
    assert!(tasks(&world).await.is_empty());
}

#[tokio::test]
async fn run_task_calls_lost_on_the_way_or_on_the_way_back_still_make_one_task() {
    let world = LaunchWorld::start().await;
    // The first RunTask never reaches ECS (connection dropped); the second starts the task but
    // its answer is lost. The SDK does not retry RunTask by itself: the launcher looks for the
    // task by its request tag before trying again, so no third RunTask and no second task.
    world.proxy.inject("RunTask", Fault::Drop, Some(1));
    world.proxy.inject("RunTask", Fault::DropAfter, Some(1));
    let outcome = launched(&world, "req-lost", "lost").await;
    assert_eq!(world.proxy.calls().get("RunTask"), Some(&2));
    let running = tasks(&world).await;
    assert_eq!(running.len(), 1, "one task for one request");
    assert_eq!(outcome["taskArn"], running[0].task_arn().unwrap());
    let posts = world.slack.wait_for(1, SLACK_WAIT).await;
    assert!(posts[0]
        .body
        .to_string()
        .contains("aws ecs execute-command"));
}

#[tokio::test]
async fn a_put_events_answer_lost_is_retried_and_the_duplicate_event_launches_nothing_more() {
    let world = LaunchWorld::start().await;
    // PutEvents reaches EventBridge but the answer is lost; the SDK retries it, so the bus may
    // carry the request twice. Both deliveries name the same request: one task.
    world.proxy.inject("PutEvents", Fault::DropAfter, Some(1));
    let answer = world
        .slash(ALLOWED_USER, "C0X", "start payments-dev 30m dropped")
        .await;
    assert_eq!(answer.status, 200);
    assert!(
        answer.text.contains("Starting a debug task"),
        "{}",
        answer.text
    );
    let events = world.bus.drain().await;
    assert_eq!(events.len(), 2, "moto routed both puts: {events:?}");
    assert_eq!(events[0]["detail"], events[1]["detail"]);
    let first = world.launch(events[0].clone()).await;
    let second = world.launch(events[1].clone()).await;
    assert_eq!(first["outcome"], "launched", "{first:#}");
    assert_eq!(second["outcome"], "already-running", "{second:#}");
    assert_eq!(first["taskArn"], second["taskArn"]);
    assert_eq!(tasks(&world).await.len(), 1);
}
