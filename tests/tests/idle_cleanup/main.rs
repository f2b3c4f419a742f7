//! `idle-reaper` and `task-events` end to end: debug tasks in moto with the launcher's tags, the
//! real binaries judging them as of scheduled events' times, exec activity recorded from CloudTrail
//! events, and Slack's Web API played by a local server.

mod bot_token;
mod heartbeat;
mod metrics;
mod readiness;
mod scale;
mod stopping_race;
mod strict_gate;
mod task_events;
mod timeline;

use aws_sdk_ecs::types::{Task, TaskField};
use integration_tests::worlds::reap::{ReapWorld, BOT_TOKEN, CHANNEL, CLUSTER};
use std::collections::BTreeMap;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub fn at(base: OffsetDateTime, minutes: i64) -> String {
    (base + time::Duration::minutes(minutes))
        .format(&Rfc3339)
        .unwrap()
}

pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc().replace_nanosecond(0).unwrap()
}

/// Tasks by ARN, with tags, as moto describes them (any status).
pub async fn describe(world: &ReapWorld, arns: &[String]) -> BTreeMap<String, Task> {
    let mut found = BTreeMap::new();
    for batch in arns.chunks(100) {
        let described = aws_sdk_ecs::Client::new(&world.aws)
            .describe_tasks()
            .cluster(CLUSTER)
            .set_tasks(Some(batch.to_vec()))
            .include(TaskField::Tags)
            .send()
            .await
            .expect("DescribeTasks");
        for task in described.tasks() {
            found.insert(task.task_arn().unwrap().to_string(), task.clone());
        }
    }
    found
}

pub fn tags(task: &Task) -> BTreeMap<String, String> {
    integration_tests::ecs_tags(task.tags())
}

pub fn stopped_list(summary: &serde_json::Value) -> Vec<String> {
    let mut list: Vec<String> =
        serde_json::from_value(summary["stopped"].clone()).expect("stopped is a list");
    list.sort();
    list
}

/// Neither the bot token nor a presigned signature reaches the logs; every line is JSON.
pub fn assert_clean_logs(world: &ReapWorld) {
    integration_tests::function::assert_json_and_no_secrets(&world.all_logs());
}

/// A debug task run straight in moto with the launcher's tags: launched and expiring `launched`
/// and `expires` minutes from `t0`, plus `extra` tags.
pub async fn debug_task(
    world: &ReapWorld,
    t0: time::OffsetDateTime,
    launched: i64,
    expires: i64,
    extra: &[(&str, String)],
) -> String {
    let mut tags = vec![
        ("debug-toolkit:managed-by", "ecs-debug-toolkit".to_string()),
        ("debug-toolkit:requested-by", "U0ALLOWED".to_string()),
        ("debug-toolkit:channel", CHANNEL.to_string()),
        ("debug-toolkit:launched-at", at(t0, launched)),
        ("debug-toolkit:expires-at", at(t0, expires)),
    ];
    tags.extend(extra.iter().cloned());
    world.run_tasks(1, "debug-toolkit", &tags).await.remove(0)
}
