//! `slack-command` and `debug-launcher` end to end: signed Slack requests through the real
//! binaries, launch events through EventBridge (routed to SQS in moto), tasks in moto, and Slack's
//! `response_url` played by a local server.

mod buttons;
mod cap;
mod click_helpers;
mod click_race;
mod clicks;
mod commands;
mod doctor;
mod forward;
mod hub_and_spokes;
mod hub_buttons;
mod hub_helpers;
mod hub_notices;
mod hub_refusals;
mod hub_role;
mod launcher;
mod like;
mod refusals;
mod secrets;
mod start_to_task;
mod user_groups;
mod verification;

use aws_sdk_ecs::types::{DesiredStatus, Task, TaskField};
use integration_tests::fakes::slack::SIGNING_SECRET;
use integration_tests::user_tasks::{register_task_definition, run_tasks, Run};
use integration_tests::worlds::launch::{LaunchWorld, ALLOWED_USER, CLUSTER};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

pub fn ecs(world: &LaunchWorld) -> aws_sdk_ecs::Client {
    aws_sdk_ecs::Client::new(&world.aws)
}

/// Every task of the cluster (running or stopped) with its tags, as moto describes it.
pub async fn tasks(world: &LaunchWorld) -> Vec<Task> {
    let client = ecs(world);
    let mut arns = Vec::new();
    // ListTasks lists one desired status at a time (RUNNING when not asked), as on AWS.
    for status in [DesiredStatus::Running, DesiredStatus::Stopped] {
        let listed = client
            .list_tasks()
            .cluster(CLUSTER)
            .desired_status(status)
            .send()
            .await
            .expect("ListTasks");
        arns.extend_from_slice(listed.task_arns());
    }
    // A task stopped a moment ago is in both lists (ListTasks may return recently stopped tasks).
    arns.sort();
    arns.dedup();
    if arns.is_empty() {
        return Vec::new();
    }
    let cluster_arn = world.data("ClusterArn");
    client
        .describe_tasks()
        .cluster(CLUSTER)
        .set_tasks(Some(arns))
        .include(TaskField::Tags)
        .send()
        .await
        .expect("DescribeTasks")
        .tasks()
        .iter()
        .filter(|t| t.cluster_arn() == Some(cluster_arn.as_str()))
        .cloned()
        .collect()
}

pub async fn task(world: &LaunchWorld, arn: &str) -> Task {
    tasks(world)
        .await
        .into_iter()
        .find(|t| t.task_arn() == Some(arn))
        .unwrap_or_else(|| panic!("task {arn} exists"))
}

pub fn tags(task: &Task) -> BTreeMap<String, String> {
    integration_tests::ecs_tags(task.tags())
}

pub fn task_id(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap()
}

/// `start` from the allowed user, its event through the launcher: the new task's ARN.
pub async fn start_debug_task(world: &LaunchWorld, text: &str) -> String {
    let answer = world.slash(ALLOWED_USER, "C0ELSEWHERE", text).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(answer.text.contains("Starting a debug task"), "{answer:?}");
    let events = world.bus.drain().await;
    assert_eq!(events.len(), 1, "one launch request on the bus");
    let outcome = world.launch(events[0].clone()).await;
    assert_eq!(
        outcome["outcome"],
        "launched",
        "{outcome:#}\n{}",
        world.launcher.logs()
    );
    outcome["taskArn"].as_str().expect("taskArn").to_string()
}

/// The user's application task definition `payments-api` (awsvpc unless told otherwise).
pub async fn app_task_definition(world: &LaunchWorld, awsvpc: bool) -> String {
    let image = ("api", "example/payments-api:1");
    register_task_definition(&ecs(world), "payments-api", image, awsvpc, &[]).await
}

/// Runs a task that is not a debug task in the environment's cluster (as a service would).
pub async fn run_foreign_task(world: &LaunchWorld) -> String {
    let definition = app_task_definition(world, true).await;
    let run = Run {
        cluster: CLUSTER,
        task_definition: &definition,
        started_by: "ecs-svc/1234567890",
        subnets: vec![world.vpc.private_subnets[0].clone()],
        security_groups: vec![world.data("SecurityGroupId")],
        tags: vec![],
    };
    run_tasks(&ecs(world), &run, 1).await.remove(0)
}

/// Every function logs JSON, and no secret of the harness reaches any function's logs.
pub fn assert_no_secrets_logged(world: &LaunchWorld) {
    integration_tests::function::assert_json_and_no_secrets(&world.all_logs());
}

pub const SLACK_WAIT: Duration = Duration::from_secs(5);

/// The sample launch request, put now, from the allowed user, answering on `response_url`.
pub fn launch_request(response_url: &str) -> Value {
    use time::format_description::well_known::Rfc3339;
    let mut event: Value = integration_tests::samples::sample("debug-launcher/launch");
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap();
    event["time"] = Value::from(now.format(&Rfc3339).unwrap());
    event["detail"]["responseUrl"] = Value::from(response_url);
    event["detail"]["requestedBy"] = Value::from(ALLOWED_USER);
    event
}
