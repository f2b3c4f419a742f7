//! The story's Slack part: `start` → EventBridge → `debug-launcher` → the task and its connect
//! command; `list`, an exec session, the reaper, `stop`.

use super::{like_and_forward, ok, print_calls, print_memory, step, Failure, DEADLINE, USER};
use integration_tests::fakes::bus::Bus;
use integration_tests::fakes::slack::{
    form, function_url_event, Delivery, SlackServer, SIGNING_SECRET,
};
use integration_tests::lambda::Lambda;
use integration_tests::moto::function_env;
use integration_tests::samples::sample;
use integration_tests::strict::deliver_ecs_events;
use integration_tests::worlds::reap::BOT_TOKEN;
use integration_tests::World;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Slack `start` → EventBridge → `debug-launcher` → the task and its connect command; `list`, `stop`.
pub async fn story(world: &World) -> Result<(), Failure> {
    step("Starting Slack (a local server for response_url), bus debug-requests routed to SQS, slack-command and debug-launcher");
    let slack = SlackServer::start().await;
    let bus = Bus::create(&world.aws, "debug-requests").await;
    let mut command_env = function_env(&world.proxy.endpoint());
    command_env.push(("SLACK_SIGNING_SECRET".into(), SIGNING_SECRET.into()));
    command_env.push(("EVENT_BUS_NAME".into(), bus.name.clone()));
    let mut launcher_env = function_env(&world.proxy.endpoint());
    launcher_env.push(("SLACK_RESPONSE_URL_PREFIXES".into(), slack.hooks_prefix()));
    let command = Lambda::start("slack-command", &command_env).await;
    let launcher = Lambda::start("debug-launcher", &launcher_env).await;
    // task-events with a bot token: ECS's events of every task reach it from now on.
    let mut events_env = function_env(&world.proxy.endpoint());
    events_env.push(("SLACK_BOT_TOKEN".into(), BOT_TOKEN.into()));
    events_env.push(("SLACK_API_BASE_URL".into(), slack.api_base()));
    let task_events = Lambda::start("task-events", &events_env).await;
    let ecs_events =
        deliver_ecs_events(&world.moto.endpoint(), "task-events", &task_events.runtime).await;
    world.proxy.reset_counts();

    step(&format!("Slack: /debug start payments-dev 45m db timeouts, from {USER}, signed with the app's secret"));
    let answer = slash(&command, &slack, "start payments-dev 45m db timeouts").await?;
    ok(&answer);
    print_calls(world);

    step("EventBridge: the launch request, read from the bus's SQS target");
    let events = bus.drain().await;
    let [event] = events.as_slice() else {
        return Err(Failure::from(format!(
            "expected one event on the bus, found {}",
            events.len()
        )));
    };
    ok(&format!(
        "{} from {}: {}",
        event["detail-type"], event["source"], event["detail"]
    ));

    step("debug-launcher: the event runs one debug-toolkit task");
    let started = Instant::now();
    let outcome = launcher.call(event.clone(), DEADLINE).await;
    if outcome["outcome"] != "launched" {
        return Err(Failure::from(format!("launcher: {outcome}")));
    }
    let task_arn = outcome["taskArn"].as_str().unwrap_or_default().to_string();
    ok(&format!(
        "{} in {} ms: {task_arn}, expires {}",
        outcome["outcome"],
        started.elapsed().as_millis(),
        outcome["expiresAt"]
    ));
    print_calls(world);
    let posts = slack.wait_for(1, Duration::from_secs(5)).await;
    let connect = posts
        .first()
        .and_then(|p| {
            p.body["blocks"][1]["text"]["text"]
                .as_str()
                .map(str::to_string)
        })
        .ok_or(Failure::from("the requester was not told"))?;
    ok(&format!(
        "response_url told the requester: {}",
        connect.trim_matches('`')
    ));

    step("debug-launcher: the same event delivered again");
    let again = launcher.call(event.clone(), DEADLINE).await;
    ok(&format!(
        "{} ({}), no second task",
        again["outcome"], again["taskArn"]
    ));
    print_calls(world);

    step("Slack: /debug list");
    ok(&slash(&command, &slack, "list").await?);
    print_calls(world);

    let like_task = like_and_forward::start_like(world, &command, &launcher, &slack, &bus).await?;
    like_and_forward::forward(world, &command, &slack, &like_task).await?;

    let task_id = task_arn.rsplit('/').next().unwrap_or_default();
    step("Starting idle-reaper");
    let reaper = Lambda::start("idle-reaper", &function_env(&world.proxy.endpoint())).await;
    world.proxy.reset_counts();

    step(&format!(
        "CloudTrail via EventBridge: someone runs ECS Exec on {task_id}"
    ));
    let mut exec = sample("task-events/execute-command");
    let now = integration_tests::fakes::slack::now();
    exec["detail"]["eventTime"] = json!(rfc3339(now));
    exec["detail"]["responseElements"]["taskArn"] = json!(task_arn);
    exec["detail"]["requestParameters"]["task"] = json!(task_id);
    let recorded = task_events.call(exec, DEADLINE).await;
    ok(&format!(
        "{}: last-activity {}",
        recorded["outcome"], recorded["lastActivity"]
    ));
    print_calls(world);

    for (label, minutes) in [("10 minutes later", 10), ("5 hours later", 300)] {
        step(&format!("Scheduled event {label}: idle-reaper"));
        let mut scheduled = sample("idle-reaper/scheduled");
        scheduled["time"] = json!(rfc3339(now + minutes * 60));
        let summary = reaper.call(scheduled, DEADLINE).await;
        ok(&format!("{summary}"));
        print_calls(world);
    }
    step("EventBridge: ECS's events of both debug tasks, to task-events (it alone tells channels)");
    // Per task: RUNNING; then, once stopped, RUNNING with desiredStatus STOPPED and STOPPED.
    for (event, reply) in ecs_events.wait_for(6, DEADLINE).await {
        let outcome = match reply {
            integration_tests::fakes::runtime_api::Reply::Response(v) => v["outcome"].to_string(),
            other => format!("{other:?}"),
        };
        ok(&format!(
            "{} (desired {}) {}: {outcome}",
            event["detail"]["lastStatus"],
            event["detail"]["desiredStatus"],
            event["detail"]["taskArn"]
                .as_str()
                .unwrap_or_default()
                .rsplit('/')
                .next()
                .unwrap_or_default()
        ));
    }
    step("Slack: what the channel was told (chat.postMessage with the bot token)");
    for post in slack
        .posts()
        .iter()
        .filter(|p| p.path == "/api/chat.postMessage")
    {
        ok(post.body["text"].as_str().unwrap_or_default());
    }
    print_memory(&[
        ("slack-command", &command.process),
        ("debug-launcher", &launcher.process),
        ("task-events", &task_events.process),
        ("idle-reaper", &reaper.process),
    ]);
    Ok(())
}

pub fn rfc3339(seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

pub async fn slash(command: &Lambda, slack: &SlackServer, text: &str) -> Result<String, Failure> {
    let body = form(USER, "C0DEBUG", text, &slack.response_url("story"));
    let started = Instant::now();
    let reply = command
        .call(
            function_url_event(&body, &Delivery::signed(&body)),
            DEADLINE,
        )
        .await;
    let took = started.elapsed().as_millis();
    if reply["statusCode"] != 200 {
        return Err(Failure::from(format!("slack-command answered {reply}")));
    }
    let answer: Value =
        serde_json::from_str(reply["body"].as_str().unwrap_or("{}")).unwrap_or_default();
    let lines: Vec<&str> = answer["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["text"]["text"].as_str())
        .collect();
    Ok(format!(
        "HTTP 200 in {took} ms (ephemeral): {}",
        lines.join("\n        ")
    ))
}
