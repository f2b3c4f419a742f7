//! `RetainExecLogs`: a Delete keeps the ECS Exec session logs when asked, and only them; the same
//! stack resource takes the kept group back on its next Create; a value Create cannot read fails
//! naming the property.

use crate::*;
use integration_tests::{emf, leaks};

const EXEC_LOGS: &str = "/ecs/audited/ecs-exec";

async fn write_a_session_log(world: &World) {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&world.aws);
    logs.create_log_stream()
        .log_group_name(EXEC_LOGS)
        .log_stream_name("ecs-execute-command-0a1b2c3d4e5f")
        .send()
        .await
        .expect("CreateLogStream");
}

async fn session_streams(world: &World) -> usize {
    aws_sdk_cloudwatchlogs::Client::new(&world.aws)
        .describe_log_streams()
        .log_group_name(EXEC_LOGS)
        .send()
        .await
        .expect("DescribeLogStreams")
        .log_streams()
        .len()
}

#[tokio::test]
async fn a_delete_keeps_the_exec_logs_when_asked_and_only_them() {
    let world = world().await;
    let before = leaks::inventory(&world.aws).await;
    let kept = props(&world, "audited", json!({"RetainExecLogs": "true"}));
    let physical_id = assert_success(&create(&world, "create", &kept).await);
    write_a_session_log(&world).await;

    assert_success(&delete(&world, "delete", &physical_id, &kept).await);
    let mut expected = before.clone();
    expected.push(format!("log-group {EXEC_LOGS}"));
    expected.sort();
    assert_eq!(leaks::inventory(&world.aws).await, expected);
    assert_eq!(session_streams(&world).await, 1, "the session log is kept");
    let group = &log_groups(&world, EXEC_LOGS).await[0];
    assert_eq!(
        group.retention_in_days(),
        Some(30),
        "its retention still applies"
    );

    // The same stack resource creates the environment again: the kept group is its own (owner
    // tag unchanged), so it is taken back, with its logs; this time Delete removes it.
    let removed = props(&world, "audited", json!({"RetainExecLogs": "false"}));
    let physical_id = assert_success(&create(&world, "again", &removed).await);
    assert_eq!(session_streams(&world).await, 1);
    assert_success(&delete(&world, "delete-again", &physical_id, &removed).await);
    assert_eq!(leaks::inventory(&world.aws).await, before);
    assert_no_secrets_logged(&world);

    // One EnvironmentOperations record per answer, as CloudWatch's EMF specification admits.
    let records = emf::records(&world.function.logs());
    let operations = emf::values(&records, "EnvironmentOperations");
    let success = (
        vec!["Cluster=audited".to_string(), "Outcome=SUCCESS".to_string()],
        json!(1),
    );
    assert_eq!(operations, vec![success; 4]);
}

#[tokio::test]
async fn a_value_create_cannot_read_fails_naming_it_and_a_delete_then_keeps_the_logs() {
    let world = world().await;
    let before = leaks::inventory(&world.aws).await;
    let unreadable = props(&world, "audited", json!({"RetainExecLogs": "yes"}));
    world.proxy.reset_counts();
    let response = create(&world, "create", &unreadable).await;
    assert_failed(
        &response,
        r#"RetainExecLogs: must be true or false, got "yes""#,
    );
    let records = emf::records(&world.function.logs());
    assert_eq!(
        emf::values(&records, "EnvironmentOperations"),
        vec![(
            vec!["Cluster=audited".to_string(), "Outcome=FAILED".to_string()],
            json!(1)
        )]
    );
    // Refused before any AWS call but the request's verification with CloudFormation.
    assert_only_verification_called(&world);
    assert_eq!(leaks::inventory(&world.aws).await, before);

    // An environment made with a good value, then deleted by a request whose value cannot be read
    // (a hand-made event): the Delete succeeds and keeps the exec logs, which loses nothing.
    let good = props(&world, "audited", json!({}));
    let physical_id = assert_success(&create(&world, "good", &good).await);
    assert_success(&delete(&world, "delete", &physical_id, &unreadable).await);
    assert_eq!(log_groups(&world, "/ecs/audited").await.len(), 1);
    assert_eq!(log_groups(&world, EXEC_LOGS).await.len(), 1);
}
