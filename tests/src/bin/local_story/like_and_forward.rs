//! The story's `start --like` and `forward` on Slack: a debug task placed like the application's
//! service, and the port-forwarding command through it.

use integration_tests::fakes::bus::Bus;
use integration_tests::lambda::Lambda;
use integration_tests::World;
use serde_json::Value;
use std::time::Duration;

use super::slack::slash;
use super::{ok, print_calls, step, Failure};
use integration_tests::fakes::slack::SlackServer;

pub const SERVICE: &str = "payments-dev-app";

/// `start --like` the app's service through the launcher; returns the new task's ARN.
pub async fn start_like(
    world: &World,
    command: &Lambda,
    launcher: &Lambda,
    slack: &SlackServer,
    bus: &Bus,
) -> Result<String, Failure> {
    step(&format!(
        "Slack: /debug start payments-dev --like {SERVICE} 20m the app cannot reach the db"
    ));
    let text = format!("start payments-dev --like {SERVICE} 20m the app cannot reach the db");
    ok(&slash(command, slack, &text).await?);
    let events = bus.drain().await;
    let [event] = events.as_slice() else {
        return Err(Failure::from(format!(
            "expected one event, found {}",
            events.len()
        )));
    };
    world.proxy.reset_counts();
    let outcome = launcher.call(event.clone(), Duration::from_secs(60)).await;
    if outcome["outcome"] != "launched" {
        return Err(Failure::from(format!("launcher: {outcome}")));
    }
    let run: Vec<Value> = world.proxy.requests("RunTask");
    let network = &run.last().ok_or(Failure::from("no RunTask"))?["networkConfiguration"]
        ["awsvpcConfiguration"];
    ok(&format!(
        "debug-launcher: {} in the service's subnets {} with its security groups plus the environment's {}",
        outcome["taskArn"].as_str().unwrap_or_default(),
        network["subnets"],
        network["securityGroups"]
    ));
    print_calls(world);
    Ok(outcome["taskArn"].as_str().unwrap_or_default().to_string())
}

/// `forward` through debug task `task_arn` to a private database.
pub async fn forward(
    world: &World,
    command: &Lambda,
    slack: &SlackServer,
    task_arn: &str,
) -> Result<(), Failure> {
    let task_id = task_arn.rsplit('/').next().unwrap_or_default();
    step(&format!(
        "Slack: /debug forward {task_id} payments-db.internal:5432 15432"
    ));
    world.proxy.reset_counts();
    let answer = slash(
        command,
        slack,
        &format!("forward {task_id} payments-db.internal:5432 15432"),
    )
    .await?;
    ok(&answer);
    print_calls(world);
    Ok(())
}
