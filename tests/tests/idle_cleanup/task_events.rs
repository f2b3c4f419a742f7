use crate::*;
use integration_tests::emf;
use integration_tests::worlds::reap::CHANNEL;
use serde_json::{json, Value};
use std::time::Duration;

fn sample(name: &str) -> Value {
    let file = match name {
        "exec" => "execute-command",
        "running" => "task-running",
        "stopped" => "task-stopped",
        other => panic!("{other}"),
    };
    integration_tests::samples::sample(&format!("task-events/{file}"))
}

fn exec_event(world: &ReapWorld, task: &str, session: &str, time: &str) -> Value {
    let mut event = sample("exec");
    let id = task.rsplit('/').next().unwrap();
    event["time"] = json!(time);
    event["detail"]["eventTime"] = json!(time);
    event["detail"]["requestParameters"]["cluster"] = json!(CLUSTER);
    event["detail"]["requestParameters"]["task"] = json!(id);
    event["detail"]["responseElements"]["clusterArn"] = json!(world.data("ClusterArn"));
    event["detail"]["responseElements"]["taskArn"] = json!(task);
    event["detail"]["responseElements"]["session"]["sessionId"] = json!(session);
    event
}

fn state_event(world: &ReapWorld, task: &str, status: &str, started_by: &str) -> Value {
    let mut event = sample(if status == "RUNNING" {
        "running"
    } else {
        "stopped"
    });
    event["detail"]["taskArn"] = json!(task);
    event["detail"]["clusterArn"] = json!(world.data("ClusterArn"));
    event["detail"]["startedBy"] = json!(started_by);
    event["resources"] = json!([task]);
    event
}

async fn call(world: &ReapWorld, event: Value) -> Value {
    world.task_events.call(event, Duration::from_secs(30)).await
}

#[tokio::test]
async fn exec_sessions_are_recorded_and_channels_told_for_debug_tasks_only() {
    let world = ReapWorld::start().await;
    let t0 = now();
    let debug = world
        .run_tasks(
            1,
            "debug-toolkit",
            &[
                ("debug-toolkit:managed-by", "ecs-debug-toolkit".to_string()),
                ("debug-toolkit:channel", CHANNEL.to_string()),
                ("debug-toolkit:launched-at", at(t0, 0)),
            ],
        )
        .await
        .remove(0);
    let service = world
        .run_tasks(
            1,
            "ecs-svc/123",
            &[("debug-toolkit:channel", CHANNEL.to_string())],
        )
        .await
        .remove(0);
    let service_tags_before =
        tags(&describe(&world, std::slice::from_ref(&service)).await[&service]);

    // CloudTrail ExecuteCommand: the debug task is tagged, the service's task is not.
    let recorded = call(
        &world,
        exec_event(&world, &debug, "ecs-execute-command-abc123", &at(t0, 3)),
    )
    .await;
    assert_eq!(recorded["outcome"], "recorded", "{recorded:#}");
    let opened = emf::values(
        &emf::records(&world.task_events.logs()),
        "ExecSessionsOpened",
    );
    assert_eq!(
        opened,
        vec![(
            vec![format!("Cluster={}", world.data("ClusterName"))],
            json!(1)
        )]
    );
    let ignored = call(
        &world,
        exec_event(&world, &service, "ecs-execute-command-def456", &at(t0, 3)),
    )
    .await;
    assert_eq!(ignored["outcome"], "ignored");
    let now_tags = describe(&world, &[debug.clone(), service.clone()]).await;
    let debug_tags = tags(&now_tags[&debug]);
    assert_eq!(debug_tags["debug-toolkit:last-activity"], at(t0, 3));
    assert_eq!(
        debug_tags["debug-toolkit:last-session"],
        "ecs-execute-command-abc123"
    );
    assert_eq!(
        tags(&now_tags[&service]),
        service_tags_before,
        "the service's task is untouched"
    );
    // An older session delivered late does not move last-activity back.
    call(
        &world,
        exec_event(&world, &debug, "ecs-execute-command-old", &at(t0, 1)),
    )
    .await;
    let debug_tags = tags(&describe(&world, std::slice::from_ref(&debug)).await[&debug]);
    assert_eq!(
        debug_tags["debug-toolkit:last-session"],
        "ecs-execute-command-abc123"
    );

    // The same record delivered again: nothing recorded or told twice.
    let again = call(
        &world,
        exec_event(&world, &debug, "ecs-execute-command-abc123", &at(t0, 3)),
    )
    .await;
    assert_eq!(again["outcome"], "ignored", "{again:#}");

    // A failed ExecuteCommand (CloudTrail records those too, with errorCode) records nothing.
    let mut denied = exec_event(&world, &debug, "ecs-execute-command-denied", &at(t0, 9));
    denied["detail"]["errorCode"] = json!("AccessDenied");
    denied["detail"]["errorMessage"] =
        json!("User is not authorized to perform ecs:ExecuteCommand");
    denied["detail"]["responseElements"] = Value::Null;
    assert_eq!(call(&world, denied).await["outcome"], "ignored");
    let debug_tags = tags(&describe(&world, std::slice::from_ref(&debug)).await[&debug]);
    assert_eq!(debug_tags["debug-toolkit:last-activity"], at(t0, 3));

    // RUNNING: ECS's own event (the only one the rule delivers: the other task was not started by
    // debug-toolkit) told the channel the connect command; the same state again tells nobody.
    let delivered = world.ecs_events.wait_for(1, Duration::from_secs(30)).await;
    assert_eq!(delivered.len(), 1, "{delivered:#?}");
    match &delivered[0].1 {
        integration_tests::fakes::runtime_api::Reply::Response(running) => {
            assert_eq!(running["outcome"], "posted", "{running:#}")
        }
        other => panic!("{other:?}"),
    }
    let again = call(
        &world,
        state_event(&world, &debug, "RUNNING", "debug-toolkit"),
    )
    .await;
    assert_eq!(again["outcome"], "ignored");
    let not_ours = call(
        &world,
        state_event(&world, &service, "RUNNING", "ecs-svc/123"),
    )
    .await;
    assert_eq!(not_ours["outcome"], "ignored");
    // A stop reason is AWS's text (an application's exit message may be in it): it pings nobody.
    let mut stop = state_event(&world, &debug, "STOPPED", "debug-toolkit");
    stop["detail"]["stoppedReason"] = json!("Essential container exited: @here <!channel> & co");
    let stopped = call(&world, stop).await;
    assert_eq!(stopped["outcome"], "posted", "{stopped:#}");

    // The channel heard, once each: who opened a shell (the recorded session only, not the
    // older one delivered late), the ready notice with the connect command, the stop.
    let posts = world.slack.posts();
    let texts: Vec<String> = posts.iter().map(|p| p.body.to_string()).collect();
    assert_eq!(posts.len(), 3, "{texts:#?}");
    assert!(posts.iter().all(|p| p.body["channel"] == CHANNEL));
    let id = debug.rsplit('/').next().unwrap();
    let connect = format!("aws ecs execute-command --region eu-west-1 --cluster {CLUSTER} --task {id} --container debug-toolkit --interactive --command /bin/sh");
    let who =
        "`arn:aws:sts::123456789012:assumed-role/Developer/alice` opened a shell on debug task";
    let ready = "is running and ECS Exec is ready. Connect with:";
    let escaped = "Essential container exited: @here &lt;!channel&gt; &amp; co";
    for wanted in [who, connect.as_str(), ready, escaped] {
        assert_eq!(
            texts.iter().filter(|t| t.contains(wanted)).count(),
            1,
            "{wanted}: {texts:#?}"
        );
    }
    for post in &posts {
        for block in post.body["blocks"].as_array().expect("blocks") {
            if block["type"] == "section" {
                assert_eq!(block["text"]["verbatim"], true, "{block}");
            }
        }
    }
    assert_eq!(
        tags(&describe(&world, std::slice::from_ref(&service)).await[&service]),
        service_tags_before
    );

    // Events that are not ours: ignored without an AWS call.
    world.proxy.reset_counts();
    let mut foreign = sample("running");
    foreign["source"] = json!("my.app");
    assert_eq!(call(&world, foreign).await["outcome"], "ignored");
    assert_eq!(
        call(&world, json!({"hello": "world"})).await["outcome"],
        "ignored"
    );
    assert_eq!(world.proxy.total_calls(), 0);
    assert_clean_logs(&world);
}

#[tokio::test]
async fn an_exec_session_that_cannot_be_recorded_fails_for_a_retry_and_a_retry_records_it() {
    use integration_tests::fakes::fault_proxy::Fault;
    use integration_tests::fakes::runtime_api::Reply;
    let world = ReapWorld::start().await;
    let t0 = now();
    let debug = debug_task(&world, t0, 0, 60, &[]).await;
    let event = exec_event(&world, &debug, "ecs-execute-command-retry", &at(t0, 5));
    // TagResource keeps failing (5xx after the SDK's retries), then a dropped connection.
    world.proxy.inject("TagResource", Fault::ServerError, None);
    let reply = world
        .task_events
        .invoke(event.clone(), Duration::from_secs(30))
        .await;
    assert!(
        matches!(reply, Reply::Error(_)),
        "the invocation fails so Lambda retries it (then the dead-letter queue): {reply:?}"
    );
    world.proxy.clear();
    world.proxy.inject("DescribeTasks", Fault::Drop, Some(1));
    let recorded = call(&world, event).await;
    assert_eq!(recorded["outcome"], "recorded", "{recorded:#}");
    let debug_tags = tags(&describe(&world, std::slice::from_ref(&debug)).await[&debug]);
    assert_eq!(debug_tags["debug-toolkit:last-activity"], at(t0, 5));
    assert_eq!(
        debug_tags["debug-toolkit:last-session"],
        "ecs-execute-command-retry"
    );
}

#[tokio::test]
async fn a_notice_is_claimed_before_it_is_posted_so_a_retry_never_posts_twice() {
    use integration_tests::fakes::fault_proxy::Fault;
    use integration_tests::fakes::runtime_api::Reply;
    let world = ReapWorld::start().await;
    let t0 = now();
    // Debug tasks of this world carry the channel tag; ECS's RUNNING event tells it once.
    let debug = debug_task(&world, t0, 0, 60, &[]).await;
    world.ecs_events.wait_for(1, Duration::from_secs(30)).await;
    let told = world.slack.posts().len();

    // The claim of the stopped notice (a log stream: a stopped task has no tags) fails: nothing
    // is posted, the invocation fails for a retry.
    let stopped = state_event(&world, &debug, "STOPPED", "debug-toolkit");
    world
        .proxy
        .inject("CreateLogStream", Fault::ServerError, None);
    let reply = world
        .task_events
        .invoke(stopped.clone(), Duration::from_secs(30))
        .await;
    assert!(matches!(reply, Reply::Error(_)), "{reply:?}");
    assert_eq!(world.slack.posts().len(), told, "no post without a claim");
    world.proxy.clear();

    // Lambda's retry claims and posts; a redelivery after that posts nothing.
    assert_eq!(call(&world, stopped.clone()).await["outcome"], "posted");
    assert_eq!(call(&world, stopped).await["outcome"], "ignored");
    assert_eq!(world.slack.posts().len(), told + 1);
    // And a RUNNING event arriving after the stop is not a ready notice after the fact.
    let late = call(
        &world,
        state_event(&world, &debug, "RUNNING", "debug-toolkit"),
    )
    .await;
    assert_eq!(late["outcome"], "ignored", "{late:#}");
    assert_eq!(world.slack.posts().len(), told + 1);
}
