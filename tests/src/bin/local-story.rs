//! The whole `Custom::EcsEnvironment` story against a local moto, told step by step:
//! Create, a redelivered Create, Update in place, Delete, and a check that nothing is left.
//!
//! Run it with `./scripts/local-run.sh` (it builds the function binary first).

use integration_tests::cfn::CfnRequest;
use integration_tests::leaks;
use integration_tests::World;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

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
    let props = json!({"ClusterName": "payments-dev", "VpcId": world.vpc.id, "Environment": "dev",
                       "AllowedSlackUsers": "U012ABCDEF", "Tags": [{"Key": "team", "Value": "payments"}]});

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

    step("CloudFormation: Delete");
    let delete = CfnRequest::delete(
        "delete",
        &world.responses.url("delete"),
        &physical_id,
        &updated,
    );
    send(world, delete, "delete").await?;
    print_calls(world);

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
