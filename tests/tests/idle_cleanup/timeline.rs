use crate::*;
use integration_tests::worlds::reap::{CHANNEL, FAMILY};
use std::time::Duration;

struct Fleet {
    fresh: String,
    idle: String,
    recently_active: String,
    open_session: String,
    closed_session: String,
    expired: String,
    extended: String,
    /// Run by hand from the debug-toolkit family (startedBy someone else, no managed-by tag).
    by_hand: String,
    /// Claims `startedBy` debug-toolkit but lacks our managed-by tag.
    forged: String,
}

async fn exec_stream(world: &ReapWorld, name: &str, last_event: time::OffsetDateTime) {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&world.aws);
    let group = format!("/ecs/{CLUSTER}/ecs-exec");
    logs.create_log_stream()
        .log_group_name(&group)
        .log_stream_name(name)
        .send()
        .await
        .expect("CreateLogStream");
    logs.put_log_events()
        .log_group_name(&group)
        .log_stream_name(name)
        .log_events(
            aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                .timestamp(last_event.unix_timestamp() * 1000)
                .message("session transcript")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("PutLogEvents");
}

async fn fleet(world: &ReapWorld, t0: time::OffsetDateTime) -> Fleet {
    let session = |s: &str| ("debug-toolkit:last-session", s.to_string());
    let activity = |m: i64| ("debug-toolkit:last-activity", at(t0, m));
    exec_stream(
        world,
        "ecs-execute-command-closed",
        t0 + time::Duration::minutes(1),
    )
    .await;
    // Another session's stream whose name starts like the closed one's, recent: must not count.
    exec_stream(
        world,
        "ecs-execute-command-closed-other",
        t0 + time::Duration::minutes(44),
    )
    .await;
    Fleet {
        fresh: debug_task(world, t0, 0, 60, &[]).await,
        idle: debug_task(world, t0, -40, 60, &[]).await,
        recently_active: debug_task(world, t0, -40, 60, &[activity(5)]).await,
        open_session: debug_task(
            world,
            t0,
            -40,
            600,
            &[activity(-35), session("ecs-execute-command-open")],
        )
        .await,
        closed_session: debug_task(
            world,
            t0,
            -40,
            60,
            &[activity(-35), session("ecs-execute-command-closed")],
        )
        .await,
        expired: debug_task(world, t0, -20, 5, &[activity(9)]).await,
        extended: debug_task(world, t0, 0, 120, &[activity(30)]).await,
        by_hand: world
            .run_tasks(1, "alice", &[("debug-toolkit:launched-at", at(t0, -600))])
            .await
            .remove(0),
        forged: world
            .run_tasks(
                1,
                "debug-toolkit",
                &[
                    ("debug-toolkit:launched-at", at(t0, -600)),
                    ("debug-toolkit:expires-at", at(t0, -500)),
                ],
            )
            .await
            .remove(0),
    }
}

fn sorted(mut arns: Vec<&String>) -> Vec<String> {
    arns.sort();
    arns.into_iter().cloned().collect()
}

#[tokio::test]
async fn each_run_stops_exactly_the_tasks_whose_rule_fired_as_of_its_time() {
    let world = ReapWorld::start().await;
    let t0 = now();
    let f = fleet(&world, t0).await;
    let all = vec![
        f.fresh.clone(),
        f.idle.clone(),
        f.recently_active.clone(),
        f.open_session.clone(),
        f.closed_session.clone(),
        f.expired.clone(),
        f.extended.clone(),
        f.by_hand.clone(),
        f.forged.clone(),
    ];
    let _ = FAMILY;

    // +10 min: the idle one (50 min since start) and the expired one.
    let first = world.reap(&at(t0, 10)).await;
    assert_eq!(
        stopped_list(&first),
        sorted(vec![&f.idle, &f.expired]),
        "{first:#}"
    );
    assert_eq!(first["clusters"], 1);
    assert_eq!(first["scanned"], 9);
    assert_eq!(first["kept"], 7);
    assert_eq!(first["errors"], serde_json::json!([]));
    assert_eq!(first["asOf"], at(t0, 10));

    // +45 min: a dry run first, stopping nothing and naming the same tasks as the real run.
    let expected_45 = sorted(vec![&f.fresh, &f.recently_active, &f.closed_session]);
    let dry = world.dry_reap(&at(t0, 45)).await;
    assert_eq!(dry["dryRun"], true);
    assert_eq!(stopped_list(&dry), expected_45, "{dry:#}");
    let after_dry = describe(&world, &all).await;
    for arn in &expected_45 {
        assert_eq!(
            after_dry[arn].desired_status(),
            Some("RUNNING"),
            "a dry run stops nothing"
        );
    }
    let second = world.reap(&at(t0, 45)).await;
    assert_eq!(stopped_list(&second), expected_45, "{second:#}");

    // +5 h: the open session reaches the max lifetime, the extended one its expiry.
    let third = world.reap(&at(t0, 300)).await;
    assert_eq!(
        stopped_list(&third),
        sorted(vec![&f.open_session, &f.extended]),
        "{third:#}"
    );
    let fourth = world.reap(&at(t0, 6000)).await;
    assert_eq!(
        stopped_list(&fourth),
        Vec::<String>::new(),
        "only tasks that are not ours are left"
    );

    let tasks = describe(&world, &all).await;
    let reason = |arn: &String| tasks[arn].stopped_reason().unwrap_or_default().to_string();
    for (arn, rule) in [
        (&f.idle, "idle for 50m (idle timeout 30m)"),
        (&f.expired, "expired at"),
        (&f.fresh, "idle for 45m"),
        (&f.recently_active, "idle for 40m"),
        (&f.closed_session, "idle for 44m"),
        (&f.open_session, "reached the max lifetime of 4h"),
        (&f.extended, "expired at"),
    ] {
        assert_eq!(tasks[arn].desired_status(), Some("STOPPED"), "{arn}");
        assert!(
            reason(arn).starts_with("ecs-debug-toolkit idle-reaper: "),
            "{}",
            reason(arn)
        );
        assert!(
            reason(arn).contains(rule),
            "{arn}: {} should say {rule}",
            reason(arn)
        );
    }
    for arn in [&f.by_hand, &f.forged] {
        assert_eq!(
            tasks[arn].last_status(),
            Some("RUNNING"),
            "never stopped: {arn}"
        );
        assert_eq!(tasks[arn].desired_status(), Some("RUNNING"));
    }

    // ECS sent RUNNING for the 9 tasks and, for each of the 7 stopped, a RUNNING event with
    // desiredStatus STOPPED (tags already gone) and then STOPPED; the rule delivered those of the
    // 8 started by debug-toolkit (not the one run by hand) to task-events, which alone told the
    // channel: one notice per task and state, the reaper's reason quoted.
    let delivered = world.ecs_events.wait_for(22, Duration::from_secs(60)).await;
    let posts = world.slack.posts();
    let mut notices = BTreeMap::new();
    for post in &posts {
        assert_eq!(post.path, "/api/chat.postMessage");
        assert_eq!(
            post.authorization.as_deref(),
            Some(format!("Bearer {BOT_TOKEN}").as_str())
        );
        assert_eq!(post.body["channel"], CHANNEL);
        let text = post.body["text"].as_str().unwrap().to_string();
        let task = all
            .iter()
            .find(|arn| text.contains(arn.rsplit('/').next().unwrap()))
            .unwrap_or_else(|| panic!("a notice of one of our tasks: {text}"));
        let kind = if text.contains("is running") {
            "ready"
        } else {
            "stopped"
        };
        *notices.entry((task.clone(), kind)).or_insert(0) += 1;
        if kind == "stopped" {
            assert!(
                text.contains("stopped: ecs-debug-toolkit idle-reaper: "),
                "{text}"
            );
        }
    }
    assert!(
        notices.values().all(|n| *n == 1),
        "one notice each: {notices:#?}"
    );
    let stopped_told: Vec<&String> = notices
        .keys()
        .filter(|(_, kind)| *kind == "stopped")
        .map(|(arn, _)| arn)
        .collect();
    assert_eq!(stopped_told.len(), 7, "{notices:#?}");

    // A STOPPED event delivered again tells nobody twice.
    let (again, _) = delivered
        .iter()
        .find(|(event, _)| event["detail"]["lastStatus"] == "STOPPED")
        .expect("a STOPPED event")
        .clone();
    let reply = world
        .task_events
        .call(again.clone(), Duration::from_secs(30))
        .await;
    assert_eq!(reply["outcome"], "ignored", "{reply}");
    assert_eq!(world.slack.posts().len(), posts.len());

    crate::metrics::assert_stops_and_runs_counted(&world);
    assert_clean_logs(&world);
}

#[tokio::test]
async fn a_failing_cluster_is_reported_and_the_others_are_still_reaped() {
    let world = ReapWorld::start().await;
    let t0 = now();
    let expired = debug_task(&world, t0, -120, -60, &[]).await;
    // A second managed cluster whose tags are broken (no task family).
    aws_sdk_ecs::Client::new(&world.aws)
        .create_cluster()
        .cluster_name("broken-env")
        .tags(
            aws_sdk_ecs::types::Tag::builder()
                .key("debug-toolkit:managed-by")
                .value("ecs-debug-toolkit")
                .build(),
        )
        .send()
        .await
        .unwrap();
    // And throttling on the first DescribeTasks, which the SDK retries.
    world
        .proxy
        .inject("DescribeTasks", integration_tests::Fault::Throttle, Some(1));
    let summary = world.reap(&at(t0, 0)).await;
    assert_eq!(summary["clusters"], 2, "{summary:#}");
    assert_eq!(stopped_list(&summary), vec![expired.clone()]);
    let errors = summary["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{summary:#}");
    assert!(
        errors[0].as_str().unwrap().contains("broken-env"),
        "{summary:#}"
    );
    assert_eq!(world.proxy.injected().get("DescribeTasks"), Some(&1));
}
