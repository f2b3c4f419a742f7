use crate::*;
use integration_tests::fakes::slack::{form_with, Delivery};
use integration_tests::worlds::launch::{ALLOWED_CHANNEL, MAX_LIFETIME_MINUTES};

#[tokio::test]
async fn signed_start_puts_one_event_and_the_launcher_runs_the_documented_task() {
    let world = LaunchWorld::start().await;
    world.proxy.reset_counts();

    let answer = world
        .slash(
            ALLOWED_USER,
            "C0ELSEWHERE",
            "start payments-dev 45m db timeouts",
        )
        .await;
    assert_eq!(answer.status, 200);
    assert!(
        answer.took < Duration::from_secs(3),
        "answered in {:?}",
        answer.took
    );
    assert_eq!(answer.body["response_type"], "ephemeral");
    assert!(
        answer
            .text
            .contains("Starting a debug task on `payments-dev` for 45m"),
        "{answer:?}"
    );
    let calls = world.proxy.calls();
    assert_eq!(calls.get("DescribeClusters"), Some(&1), "{calls:?}");
    assert_eq!(calls.get("PutEvents"), Some(&1), "{calls:?}");
    assert_eq!(
        calls.values().sum::<usize>(),
        2,
        "start costs two AWS calls: {calls:?}"
    );

    let events = world.bus.drain().await;
    assert_eq!(events.len(), 1, "exactly one launch request: {events:#?}");
    let event = &events[0];
    assert_eq!(event["source"], "ecs-debug-toolkit");
    assert_eq!(event["detail-type"], "Debug Task Requested");
    let detail = &event["detail"];
    assert_eq!(detail["cluster"], CLUSTER);
    assert_eq!(detail["requestedBy"], ALLOWED_USER);
    assert_eq!(detail["channelId"], "C0ELSEWHERE");
    assert_eq!(detail["responseUrl"], world.slack.response_url("cmd"));
    assert_eq!(detail["ttlMinutes"], 45);
    assert_eq!(detail["reason"], "db timeouts");
    assert!(detail["requestId"].as_str().is_some_and(|r| !r.is_empty()));

    world.proxy.reset_counts();
    let outcome = world.launch(event.clone()).await;
    assert_eq!(outcome["outcome"], "launched", "{outcome:#}");
    let arn = outcome["taskArn"].as_str().unwrap();

    // What ECS was asked for: the request itself, as the proxy saw it.
    let run_requests = world.proxy.requests("RunTask");
    assert_eq!(run_requests.len(), 1);
    let run = &run_requests[0];
    assert_eq!(run["cluster"], world.data("ClusterArn"));
    assert_eq!(run["taskDefinition"], "payments-dev-debug-toolkit");
    assert_eq!(run["launchType"], "FARGATE");
    assert!(run.get("capacityProviderStrategy").is_none(), "never Spot");
    assert_eq!(run["count"], 1);
    assert_eq!(run["enableExecuteCommand"], true);
    assert_eq!(run["startedBy"], "debug-toolkit");
    assert_eq!(run["clientToken"].as_str().map(str::len), Some(64));
    let vpc = &run["networkConfiguration"]["awsvpcConfiguration"];
    assert_eq!(vpc["assignPublicIp"], "DISABLED");
    let mut subnets: Vec<String> = serde_json::from_value(vpc["subnets"].clone()).unwrap();
    subnets.sort();
    assert_eq!(subnets, world.vpc.private_subnets);
    assert_eq!(
        vpc["securityGroups"],
        serde_json::json!([world.data("SecurityGroupId")])
    );
    // The channel is also recorded where StopTask (which deletes tags) leaves it.
    assert_eq!(
        run["overrides"],
        serde_json::json!({"containerOverrides": [{"name": "debug-toolkit", "environment": [
            {"name": integration_tests::user_tasks::CHANNEL_VARIABLE, "value": "C0ELSEWHERE"}
        ]}]})
    );

    // What runs: one task with every documented tag.
    let all = tasks(&world).await;
    assert_eq!(all.len(), 1);
    let task = &all[0];
    assert_eq!(task.task_arn(), Some(arn));
    assert_eq!(task.last_status(), Some("RUNNING"));
    assert_eq!(task.started_by(), Some("debug-toolkit"));
    assert_eq!(task.launch_type().map(|l| l.as_str()), Some("FARGATE"));
    assert!(task
        .task_definition_arn()
        .is_some_and(|td| td.contains(":task-definition/payments-dev-debug-toolkit:")));
    let tags = tags(task);
    assert_eq!(tags["Environment"], "dev");
    assert_eq!(tags["debug-toolkit:managed-by"], "ecs-debug-toolkit");
    assert_eq!(tags["debug-toolkit:requested-by"], ALLOWED_USER);
    assert_eq!(tags["debug-toolkit:channel"], "C0ELSEWHERE");
    assert_eq!(tags["debug-toolkit:reason"], "db timeouts");
    let launched = parse_time(&tags["debug-toolkit:launched-at"]);
    let expires = parse_time(&tags["debug-toolkit:expires-at"]);
    assert_eq!(expires - launched, 45 * 60, "ttl 45m");
    assert!((launched - integration_tests::fakes::slack::now()).abs() < 60);

    // The requester is told the task id and the exact connect command.
    let posts = world.slack.wait_for(1, SLACK_WAIT).await;
    assert_eq!(posts.len(), 1, "{posts:#?}");
    assert_eq!(
        posts[0].path,
        "/hooks/commands/T0TEST/cmd/SLACKRESPONSETOKEN"
    );
    let id = task_id(arn);
    let command = format!(
        "aws ecs execute-command --region eu-west-1 --cluster payments-dev --task {id} --container debug-toolkit --interactive --command /bin/bash"
    );
    let posted = posts[0].body.to_string();
    assert!(posted.contains(&command), "{posted}");
    assert_eq!(posts[0].body["response_type"], "ephemeral");
    let _ = (ALLOWED_CHANNEL, MAX_LIFETIME_MINUTES);
    assert_no_secrets_logged(&world);
}

#[tokio::test]
async fn a_ttl_above_the_max_lifetime_is_capped_and_said() {
    let world = LaunchWorld::start().await;
    let answer = world
        .slash(ALLOWED_USER, "C0X", "start payments-dev 5h")
        .await;
    assert!(answer.text.contains("for 2h (capped from 5h"), "{answer:?}");
    let events = world.bus.drain().await;
    assert_eq!(events[0]["detail"]["ttlMinutes"], MAX_LIFETIME_MINUTES);
    let arn = world.launch(events[0].clone()).await["taskArn"]
        .as_str()
        .unwrap()
        .to_string();
    let tags = tags(&task(&world, &arn).await);
    let span = parse_time(&tags["debug-toolkit:expires-at"])
        - parse_time(&tags["debug-toolkit:launched-at"]);
    assert_eq!(span, i64::from(MAX_LIFETIME_MINUTES) * 60);
}

#[tokio::test]
async fn an_allowed_channel_admits_any_user_and_base64_bodies_verify() {
    let world = LaunchWorld::start().await;
    let body = integration_tests::fakes::slack::form(
        "U0SOMEONE",
        ALLOWED_CHANNEL,
        "start payments-dev",
        &world.slack.response_url("b64"),
    );
    let mut delivery = integration_tests::fakes::slack::Delivery::signed(&body);
    delivery.base64 = true;
    let answer = world.deliver(&body, &delivery).await;
    assert_eq!(answer.status, 200);
    assert!(answer.text.contains("Starting a debug task"), "{answer:?}");
    assert_eq!(world.bus.drain().await.len(), 1);
}

pub fn parse_time(text: &str) -> i64 {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(text, &Rfc3339)
        .unwrap_or_else(|e| panic!("{text} is RFC 3339: {e}"))
        .unix_timestamp()
}

#[tokio::test]
async fn a_replayed_start_makes_one_task_its_trigger_id_being_the_request_id() {
    // An attacker who captured a signed request may send it again within Slack's 300 s window:
    // the same body and signature. Its `trigger_id` is the launch's `requestId`, so both launch
    // requests are one task.
    let world = LaunchWorld::start().await;
    let trigger = "1700000000123.42.replayed";
    let body = form_with(
        ALLOWED_USER,
        "C0ELSEWHERE",
        "start payments-dev 30m replay",
        &world.slack.response_url("cmd"),
        &[("trigger_id", trigger)],
    );
    let delivery = Delivery::signed(&body);
    for _ in 0..2 {
        assert_eq!(world.deliver(&body, &delivery).await.status, 200);
    }
    let events = world.bus.drain().await;
    assert_eq!(events.len(), 2, "{events:#?}");
    assert!(
        events.iter().all(|e| e["detail"]["requestId"] == trigger),
        "the requestId is the trigger_id: {events:#?}"
    );
    let first = world.launch(events[0].clone()).await;
    let second = world.launch(events[1].clone()).await;
    assert_eq!(first["outcome"], "launched", "{first:#}");
    assert_eq!(second["outcome"], "already-running", "{second:#}");
    assert_eq!(second["taskArn"], first["taskArn"]);
}
