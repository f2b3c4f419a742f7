//! Every request is verified with CloudFormation before anything is read or changed (issue 36,
//! contract section 13): a stack author who copies a victim's `StackId` and `LogicalResourceId`
//! (both readable from the cluster's tags) and invokes the function directly is refused; a
//! ResponseURL outside CloudFormation's response buckets gets nothing. CloudFormation's own
//! sequences still succeed (also update_delete.rs: a replacement's cleanup, a gone stack).

use crate::*;
use integration_tests::fakes::cfn::{ResponseServer, STACK_ID};
use integration_tests::fakes::runtime_api::Reply;
use integration_tests::leaks;

const ATTACKER: &str = "U0ATTACKER";
const ATTACKER_IMAGE: &str = "attacker.example/shell:latest";

/// What the victim's environment looks like: everything that exists, the cluster's tags, its
/// debug task definition.
async fn snapshot(world: &World, cluster: &str) -> (Vec<String>, Vec<String>, String) {
    let tags = describe_cluster(world, cluster)
        .await
        .tags()
        .iter()
        .map(|t| format!("{}={}", t.key().unwrap_or(""), t.value().unwrap_or("")))
        .collect();
    let definition = aws_sdk_ecs::Client::new(&world.aws)
        .describe_task_definition()
        .task_definition(format!("{cluster}-debug-toolkit"))
        .send()
        .await
        .expect("DescribeTaskDefinition");
    // The latest revision and its image: a forged change would register another revision. (Not
    // the whole Debug text: its log options are a HashMap, printed in any order.)
    let definition = definition.task_definition().expect("a task definition");
    let definition = format!(
        "{} {:?}",
        definition.task_definition_arn().unwrap_or_default(),
        definition
            .container_definitions()
            .iter()
            .map(|c| c.image().unwrap_or_default())
            .collect::<Vec<_>>()
    );
    (leaks::inventory(&world.aws).await, tags, definition)
}

#[tokio::test]
async fn forged_update_and_delete_of_another_stacks_environment_change_nothing() {
    let world = world().await;
    let victim = props(&world, "victim", json!({"AllowedSlackUsers": "U0VICTIM"}));
    let physical_id = assert_success(&create(&world, "create", &victim).await);
    let before = snapshot(&world, "victim").await;
    world.proxy.reset_counts();

    // The victim stack's resource is CREATE_COMPLETE: CloudFormation is not updating it.
    let forged = props(
        &world,
        "victim",
        json!({"AllowedSlackUsers": ATTACKER, "DebugToolkitImage": ATTACKER_IMAGE}),
    );
    let url = world.responses.url("forged-update");
    let event = CfnRequest::update("forged-update", &url, &physical_id, &forged, &victim);
    let response = world
        .cloudformation_showing(event, "forged-update", DEADLINE, None)
        .await;
    assert_failed(&response, "request not verified");
    assert_failed(&response, "CREATE_COMPLETE");

    let url = world.responses.url("forged-delete");
    let mut event = CfnRequest::delete("forged-delete", &url, &physical_id, &victim);
    event["ResourceProperties"]["RetainExecLogs"] = json!("false");
    let response = world
        .cloudformation_showing(event, "forged-delete", DEADLINE, None)
        .await;
    assert_failed(&response, "request not verified");

    // A forged Create adopting the existing environment is refused the same way.
    let url = world.responses.url("forged-create");
    let event = CfnRequest::create("forged-create", &url, &forged);
    let response = world
        .cloudformation_showing(event, "forged-create", DEADLINE, None)
        .await;
    assert_failed(&response, "request not verified");

    assert_eq!(snapshot(&world, "victim").await, before, "nothing changed");
    assert_only_verification_called(&world);
    let logs = world.function.logs();
    assert!(
        logs.contains("request refused") && logs.contains(STACK_ID),
        "the refusal is logged with the stack: {logs}"
    );
    assert_no_secrets_logged(&world);
}

#[tokio::test]
async fn a_stack_of_another_account_is_refused_before_any_call() {
    let world = world().await;
    let key = "foreign";
    let mut event = CfnRequest::create(
        key,
        &world.responses.url(key),
        &props(&world, "x", json!({})),
    );
    let foreign = STACK_ID.replace(":123456789012:", ":210987654321:");
    event["StackId"] = json!(foreign);
    world.proxy.reset_counts();
    let response = world.cloudformation(event, key, DEADLINE).await;
    assert_failed(&response, "this function serves account 123456789012");
    assert_eq!(world.proxy.calls(), Default::default(), "nothing called");
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_response_url_outside_the_prefixes_gets_nothing() {
    let world = world().await;
    let elsewhere = ResponseServer::start().await;
    let key = "elsewhere";
    let event = CfnRequest::create(key, &elsewhere.url(key), &props(&world, "x", json!({})));
    world.show(&event, Shown::while_waiting(&event)).await;
    world.proxy.reset_counts();
    let reply = world.runtime.invoke(event, DEADLINE).await;
    assert!(matches!(reply, Reply::Error(_)), "{reply:?}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(elsewhere.received(key).is_empty(), "nothing PUT");
    assert_eq!(world.proxy.calls(), Default::default(), "nothing called");
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
    let logs = world.function.logs();
    assert!(
        logs.contains("its ResponseURL is not CloudFormation's") && logs.contains(STACK_ID),
        "{logs}"
    );
    assert_no_secrets_logged(&world);
}

#[tokio::test]
async fn rollback_after_a_failed_update_and_delete_after_a_failed_create_succeed() {
    let world = world().await;
    let good = props(&world, "rolled", json!({"LogRetentionDays": "30"}));
    let physical_id = assert_success(&create(&world, "create", &good).await);
    // The Update fails (an invalid retention); CloudFormation rolls back with an Update to the
    // old properties while the stack is UPDATE_ROLLBACK_IN_PROGRESS.
    let bad = props(&world, "rolled", json!({"LogRetentionDays": "31"}));
    assert_failed(
        &update(&world, "update", &physical_id, &bad, &good).await,
        "LogRetentionDays",
    );
    let url = world.responses.url("rollback");
    let event = CfnRequest::update("rollback", &url, &physical_id, &good, &bad);
    let shown = Shown::new("UPDATE_ROLLBACK_IN_PROGRESS", Some(&physical_id));
    let rolled_back = world
        .cloudformation_showing(event, "rollback", DEADLINE, Some(shown))
        .await;
    assert_eq!(assert_success(&rolled_back), physical_id);

    // A Create that fails, then the Delete of ROLLBACK_IN_PROGRESS for the id it answered, while
    // the resource shows no physical id.
    let broken = props(&world, "broken", json!({"DebugToolkitCpu": "3"}));
    let url = world.responses.url("create-broken");
    let mut event = CfnRequest::create("create-broken", &url, &broken);
    event["LogicalResourceId"] = json!("Broken");
    let failed = world.cloudformation(event, "create-broken", DEADLINE).await;
    assert_failed(&failed, "DebugToolkitCpu");
    let failed_id = failed["PhysicalResourceId"]
        .as_str()
        .expect("an id")
        .to_string();
    let url = world.responses.url("rollback-delete");
    let mut event = CfnRequest::delete("rollback-delete", &url, &failed_id, &broken);
    event["LogicalResourceId"] = json!("Broken");
    let shown = Shown::new("DELETE_IN_PROGRESS", None);
    let deleted = world
        .cloudformation_showing(event, "rollback-delete", DEADLINE, Some(shown))
        .await;
    assert_success(&deleted);
    assert!(
        leaks::inventory(&world.aws)
            .await
            .contains(&"cluster rolled".to_string()),
        "the rolled-back environment is still there"
    );
}
