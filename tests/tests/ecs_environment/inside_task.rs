//! What runs inside a debug task — ECS Exec's session channels and session logs, the heartbeat's
//! log writes, the session key's decryption, the read-only view of its cluster's tasks and logs —
//! authorised by the strict gate against the roles ecs-environment made (and their permissions
//! boundary), and nothing of another environment, even one with the same `Environment` tag.

use crate::*;
use integration_tests::strict::inside_task;

fn role_name(arn: &Value) -> String {
    arn.as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

fn denied(results: &[Value]) -> Vec<String> {
    results
        .iter()
        .filter(|r| r["result"] != "Allowed")
        .map(|r| format!("{} {} on {}", r["role"], r["action"], r["resource"]))
        .collect()
}

#[tokio::test]
async fn ecs_exec_session_logs_and_the_heartbeat_are_allowed_by_the_roles_made() {
    let world = world().await;
    let key = LogsKey::create(&world.aws, true).await;
    let props = props(&world, "inside", json!({"KmsKeyArn": key.arn}));
    let created = create(&world, "create", &props).await;
    assert_success(&created);
    let task_role = role_name(&created["Data"]["DebugToolkitTaskRoleArn"]);
    let execution_role = role_name(&created["Data"]["TaskExecutionRoleArn"]);

    let results = inside_task(
        &world.moto.endpoint(),
        "inside",
        (&task_role, &execution_role),
        Some(&key.arn),
        true,
    )
    .await;
    assert_eq!(results.len(), 19, "{results:#?}");
    assert_eq!(denied(&results), Vec::<String>::new());

    // The same calls for another environment's log groups and key: the task role's logs and key
    // are denied; the session channels have no resource in IAM, and the execution role's log
    // writes are allowed everywhere by AmazonECSTaskExecutionRolePolicy, which the interface
    // attaches (its inline statement scopes nothing beyond that).
    let other = LogsKey::create(&world.aws, true).await;
    let other = other.arn.as_str();
    let results = inside_task(
        &world.moto.endpoint(),
        "someone-else",
        (&task_role, &execution_role),
        Some(other),
        false,
    )
    .await;
    let denied = denied(&results);
    assert_eq!(denied.len(), 12, "{denied:#?}");
    assert!(
        denied.iter().all(|d| d.starts_with("\"task\"")
            && (d.contains("logs:") || d.contains("kms:") || d.contains("ecs:"))),
        "{denied:#?}"
    );
}

#[tokio::test]
async fn a_debug_task_reads_nothing_of_another_environment_with_the_same_environment_tag() {
    let world = world().await;
    let mine = create(&world, "mine", &props(&world, "mine", json!({}))).await;
    assert_success(&mine);
    // Another environment, `Environment` left at `default` as in most accounts: the tag both
    // share decided the old view.
    let theirs = create(&world, "theirs", &props(&world, "theirs", json!({}))).await;
    assert_success(&theirs);
    let task_role = role_name(&mine["Data"]["DebugToolkitTaskRoleArn"]);
    let execution_role = role_name(&mine["Data"]["TaskExecutionRoleArn"]);

    let results = inside_task(
        &world.moto.endpoint(),
        "theirs",
        (&task_role, &execution_role),
        None,
        false,
    )
    .await;
    let reads: Vec<&Value> = results
        .iter()
        .filter(|r| {
            [
                "ecs:ListTasks",
                "ecs:DescribeTasks",
                "logs:FilterLogEvents",
                "logs:GetLogEvents",
            ]
            .contains(&r["action"].as_str().unwrap())
        })
        .collect();
    assert_eq!(reads.len(), 8, "{results:#?}");
    let allowed: Vec<&&Value> = reads.iter().filter(|r| r["result"] == "Allowed").collect();
    assert!(
        allowed.is_empty(),
        "read another environment's: {allowed:#?}"
    );
}
