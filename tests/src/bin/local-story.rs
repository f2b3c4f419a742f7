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
#[path = "local_story/slack.rs"]
mod slack;

use integration_tests::app_service;
use integration_tests::fakes::cfn::CfnRequest;
use integration_tests::function::mib;
use integration_tests::leaks;
use integration_tests::{FunctionProcess, World};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const USER: &str = "U012ABCDEF";

/// Why the story stopped: shown to the reader, and the run fails.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Failure(String);

impl From<String> for Failure {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&str> for Failure {
    fn from(text: &str) -> Self {
        Self(text.to_string())
    }
}

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

async fn story(world: &World) -> Result<(), Failure> {
    ok(&format!(
        "moto on {}, VPC {} with private subnets {}",
        world.moto.endpoint(),
        world.vpc.id,
        world.vpc.private_subnets.join(", ")
    ));
    let load_balancer = world.vpc.load_balancer_group(&world.aws).await;
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
    // `start --like` below copies the application's network position: the environment lists it.
    updated["LikeServices"] = json!(["payments-dev-app"]);
    step("CloudFormation: Update in place (retention 90 days, a new image, egress to 5432 in the VPC, LikeServices payments-dev-app)");
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

    slack::story(world).await?;

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
        .map_err(|e| Failure::from(format!("DeleteSecurityGroup {load_balancer}: {e}")))?;

    step(
        "Leak check over clusters, tasks, task definitions, roles, log groups and security groups",
    );
    let left = leaks::inventory(&world.aws).await;
    if !left.is_empty() {
        return Err(Failure::from(format!("left behind: {left:?}")));
    }
    ok("nothing left");
    Ok(())
}

/// Each function's peak resident memory over what it did in the story (`VmHWM`).
fn print_memory(functions: &[(&str, &FunctionProcess)]) {
    let list: Vec<String> = functions
        .iter()
        .map(|(name, process)| format!("{name} {}", mib(process.peak_rss_kib())))
        .collect();
    println!("      peak RSS: {}", list.join(", "));
}

async fn send(world: &World, event: Value, key: &str) -> Result<Value, Failure> {
    let started = Instant::now();
    let response = world.cloudformation(event, key, DEADLINE).await;
    let elapsed = started.elapsed().as_millis();
    if response["Status"] != "SUCCESS" {
        return Err(Failure::from(format!(
            "{} in {elapsed} ms: {}",
            response["Status"], response["Reason"]
        )));
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
