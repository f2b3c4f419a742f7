//! The whole story against a local moto, told step by step: CloudFormation creates the
//! environment (and redelivers the Create), updates it in place; a signed Slack `start` puts a
//! launch request on the bus, `debug-launcher` runs the task and posts the connect command;
//! `list` from Slack; an ECS Exec session recorded by `task-events`; `idle-reaper` keeps the task
//! ten minutes later and stops it five hours later; CloudFormation deletes the stack, and nothing
//! is left.
//!
//! Run it with `./scripts/local-run.sh` (it builds the function binaries first).

#[path = "local_story/like_and_forward.rs"]
mod like_and_forward;

use integration_tests::app_service;
use integration_tests::bus::Bus;
use integration_tests::cfn::CfnRequest;
use integration_tests::function::mib;
use integration_tests::lambda::Lambda;
use integration_tests::leaks;
use integration_tests::moto::function_env;
use integration_tests::reap_world::BOT_TOKEN;
use integration_tests::slack::{form, function_url_event, Delivery, SlackServer, SIGNING_SECRET};
use integration_tests::strict::deliver_ecs_events;
use integration_tests::{FunctionProcess, World};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const USER: &str = "U012ABCDEF";

const DEADLINE: Duration = Duration::from_secs(120);

#[tokio::main]
async fn main() {
    let started = Instant::now();
    step("Starting moto, a proxy that counts AWS calls, a ResponseURL server, and the ecs-environment binary under a Lambda Runtime API emulator");
    let world = World::start("ecs-environment", &[]).await;
    let result = story(&world).await;
    drop(world);
    match result {
        Ok(()) => println!(
            "\nDone in {:.1} s; moto, the proxy and the function are stopped.",
            started.elapsed().as_secs_f64()
        ),
        Err(failure) => {
            println!("  ✘ {failure}");
            std::process::exit(1);
        }
    }
}

async fn story(world: &World) -> Result<(), String> {
    ok(&format!(
        "moto on {}, VPC {} with private subnets {}",
        world.moto.endpoint(),
        world.vpc.id,
        world.vpc.private_subnets.join(", ")
    ));
    let load_balancer = load_balancer_group(world).await;
    let props = json!({"ClusterName": "payments-dev", "VpcId": world.vpc.id, "Environment": "dev",
                       "AllowedSlackUsers": "U012ABCDEF", "Tags": [{"Key": "team", "Value": "payments"}],
                       "AppS3BucketArns": "arn:aws:s3:::payments-uploads",
                       "AppIngressPorts": app_service::PORT.to_string(),
                       "AppIngressSourceSecurityGroupIds": load_balancer});

    step("CloudFormation: Create Custom::EcsEnvironment payments-dev");
    let created = send(
        world,
        CfnRequest::create("create", &world.responses.url("create"), &props),
        "create",
    )
    .await?;
    let physical_id = created["PhysicalResourceId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    for (key, value) in created["Data"].as_object().into_iter().flatten() {
        println!("      {key:<30} {}", value.as_str().unwrap_or_default());
    }
    print_calls(world);

    step("CloudFormation: the same Create delivered again (idempotent)");
    let again = CfnRequest::create("create", &world.responses.url("create-again"), &props);
    send(world, again, "create-again").await?;
    print_calls(world);

    let mut updated = props.clone();
    updated["LogRetentionDays"] = json!("90");
    updated["DebugToolkitImage"] = json!("nicolaka/netshoot:v0.13");
    updated["ExtraEgressPorts"] = json!(["5432"]);
    step("CloudFormation: Update in place (retention 90 days, a new image, egress to 5432 in the VPC)");
    let update = CfnRequest::update(
        "update",
        &world.responses.url("update"),
        &physical_id,
        &updated,
        &props,
    );
    send(world, update, "update").await?;
    print_calls(world);

    step("The application: its task definition and ECS service from the environment's Data (as infra/example-environment.yaml)");
    ok(&app_service::deploy(&world.aws, &created, integration_tests::moto::REGION).await);
    print_calls(world);

    slack_story(world).await?;

    step("CloudFormation deletes the application first (it depends on the environment), then the environment");
    app_service::remove(&world.aws, &created).await;
    step("CloudFormation: Delete");
    let delete = CfnRequest::delete(
        "delete",
        &world.responses.url("delete"),
        &physical_id,
        &updated,
    );
    send(world, delete, "delete").await?;
    print_calls(world);
    print_memory(&[("ecs-environment", &world.function)]);

    // The load balancer's group goes with the load balancer (its rule on ours is gone by now).
    aws_sdk_ec2::Client::new(&world.aws)
        .delete_security_group()
        .group_id(&load_balancer)
        .send()
        .await
        .map_err(|e| format!("DeleteSecurityGroup {load_balancer}: {e}"))?;

    step(
        "Leak check over clusters, tasks, task definitions, roles, log groups and security groups",
    );
    let left = leaks::inventory(&world.aws).await;
    if !left.is_empty() {
        return Err(format!("left behind: {left:?}"));
    }
    ok("nothing left");
    Ok(())
}

/// Slack `start` → EventBridge → `debug-launcher` → the task and its connect command; `list`, `stop`.
async fn slack_story(world: &World) -> Result<(), String> {
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
        return Err(format!(
            "expected one event on the bus, found {}",
            events.len()
        ));
    };
    ok(&format!(
        "{} from {}: {}",
        event["detail-type"], event["source"], event["detail"]
    ));

    step("debug-launcher: the event runs one debug-toolkit task");
    let started = Instant::now();
    let outcome = launcher.call(event.clone(), DEADLINE).await;
    if outcome["outcome"] != "launched" {
        return Err(format!("launcher: {outcome}"));
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
        .ok_or("the requester was not told")?;
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
    let mut exec: Value = serde_json::from_str(include_str!(
        "../../../events/task-events/execute-command.json"
    ))
    .map_err(|e| e.to_string())?;
    let now = integration_tests::slack::now();
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
        let mut scheduled: Value =
            serde_json::from_str(include_str!("../../../events/idle-reaper/scheduled.json"))
                .map_err(|e| e.to_string())?;
        scheduled["time"] = json!(rfc3339(now + minutes * 60));
        let summary = reaper.call(scheduled, DEADLINE).await;
        ok(&format!("{summary}"));
        print_calls(world);
    }
    step("EventBridge: ECS's events of both debug tasks, to task-events (it alone tells channels)");
    for (event, reply) in ecs_events.wait_for(4, DEADLINE).await {
        let outcome = match reply {
            integration_tests::runtime_api::Reply::Response(v) => v["outcome"].to_string(),
            other => format!("{other:?}"),
        };
        ok(&format!(
            "{} {}: {outcome}",
            event["detail"]["lastStatus"],
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

/// The application load balancer's security group (the app's ingress source).
async fn load_balancer_group(world: &World) -> String {
    let ec2 = aws_sdk_ec2::Client::new(&world.aws);
    world
        .vpc
        .security_group(&ec2, "payments-alb", "the application's load balancer")
        .await
}

/// Each function's peak resident memory over what it did in the story (`VmHWM`).
fn print_memory(functions: &[(&str, &FunctionProcess)]) {
    let list: Vec<String> = functions
        .iter()
        .map(|(name, process)| format!("{name} {}", mib(process.peak_rss_kib())))
        .collect();
    println!("      peak RSS: {}", list.join(", "));
}

fn rfc3339(seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

async fn slash(command: &Lambda, slack: &SlackServer, text: &str) -> Result<String, String> {
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
        return Err(format!("slack-command answered {reply}"));
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

async fn send(world: &World, event: Value, key: &str) -> Result<Value, String> {
    let started = Instant::now();
    let response = world.cloudformation(event, key, DEADLINE).await;
    let elapsed = started.elapsed().as_millis();
    if response["Status"] != "SUCCESS" {
        return Err(format!(
            "{} in {elapsed} ms: {}",
            response["Status"], response["Reason"]
        ));
    }
    ok(&format!(
        "SUCCESS in {elapsed} ms, physical id {}",
        response["PhysicalResourceId"].as_str().unwrap_or("?")
    ));
    Ok(response)
}

fn print_calls(world: &World) {
    let calls = world.proxy.calls();
    let total: usize = calls.values().sum();
    let list: Vec<String> = calls
        .iter()
        .map(|(action, n)| format!("{action}×{n}"))
        .collect();
    println!("      {total} AWS calls: {}", list.join(" "));
    world.proxy.reset_counts();
}

fn step(text: &str) {
    println!("\n▶ {text}");
}

fn ok(text: &str) {
    println!("  ✔ {text}");
}
