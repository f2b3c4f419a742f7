//! Create: the whole environment, redelivery, every optional property, long names.

mod whole;

use crate::*;
use integration_tests::fakes::cfn::{LOGICAL_ID, STACK_ID};
use integration_tests::leaks::{self, policy_text};
use std::collections::BTreeMap;

use integration_tests::ecs_tags;

pub fn assert_common_tags(tags: &BTreeMap<String, String>, what: &str) {
    assert_eq!(
        tags.get("debug-toolkit:managed-by").map(String::as_str),
        Some("ecs-debug-toolkit"),
        "{what}: {tags:?}"
    );
    let owner = format!("{STACK_ID}/{LOGICAL_ID}");
    assert_eq!(
        tags.get("debug-toolkit:owner"),
        Some(&owner),
        "{what}: {tags:?}"
    );
    assert_eq!(
        tags.get("Environment").map(String::as_str),
        Some("default"),
        "{what}: {tags:?}"
    );
}

#[tokio::test]
async fn create_with_only_cluster_name_and_vpc_builds_the_whole_environment() {
    let world = world().await;
    let event = sample(&world, "create", "create");
    let response = world.cloudformation(event, "create", DEADLINE).await;
    let physical_id = assert_success(&response);
    assert_eq!(
        physical_id,
        "arn:aws:ecs:eu-west-1:123456789012:cluster/payments-dev"
    );
    let received = world.responses.received("create");
    assert_eq!(
        received[0].content_type.as_deref(),
        Some(""),
        "empty content type, as CloudFormation's helpers send"
    );
    assert_eq!(response["StackId"], STACK_ID);
    assert_eq!(response["LogicalResourceId"], "DebugEnvironment");

    let data = &response["Data"];
    for key in [
        "ClusterName",
        "ClusterArn",
        "SecurityGroupId",
        "SubnetIds",
        "TaskExecutionRoleArn",
        "DebugToolkitTaskRoleArn",
        "DebugToolkitTaskDefinitionArn",
        "ClusterLogGroupName",
        "DebugToolkitLogGroupName",
        "ExecLogGroupName",
        "AppTaskRoleArn",
        "ServiceLogGroupName",
        "ExecPreflight",
    ] {
        assert!(
            data[key].as_str().is_some_and(|v| !v.is_empty()),
            "Data.{key} missing: {data:#}"
        );
    }
    assert_eq!(data["ClusterName"], "payments-dev");
    assert_eq!(data["SubnetIds"], world.vpc.private_subnets.join(","));
    assert_eq!(data["ClusterLogGroupName"], "/ecs/payments-dev");
    assert_eq!(
        data["DebugToolkitLogGroupName"],
        "/ecs/payments-dev/debug-toolkit"
    );
    assert_eq!(data["ExecLogGroupName"], "/ecs/payments-dev/ecs-exec");
    let group_id = data["SecurityGroupId"].as_str().unwrap().to_string();

    whole::cluster(&world, &group_id).await;
    whole::log_groups(&world).await;
    whole::roles(&world).await;
    whole::security_group(&world, &group_id).await;
    whole::task_definition(&world, data).await;

    let everything = leaks::inventory(&world.aws).await;
    assert_eq!(
        everything.len(),
        1 + 1 + 3 + 3 + 1,
        "one of each (cluster, task definition, roles, log groups, group): {everything:#?}"
    );
    assert_no_secrets_logged(&world);
}

#[tokio::test]
async fn the_same_create_delivered_twice_converges_to_the_same_environment() {
    let world = world().await;
    let props = props(&world, "twice", json!({"ExtraEgressPorts": "5432"}));
    let first = assert_success(&create(&world, "first", &props).await);
    let before = leaks::inventory(&world.aws).await;
    let event = CfnRequest::create("first", &world.responses.url("again"), &props);
    let second = assert_success(&world.cloudformation(event, "again", DEADLINE).await);
    assert_eq!(first, second);
    assert_eq!(
        leaks::inventory(&world.aws).await,
        before,
        "nothing duplicated"
    );
    let ecs = aws_sdk_ecs::Client::new(&world.aws);
    let revisions = ecs
        .list_task_definitions()
        .family_prefix("twice-debug-toolkit")
        .send()
        .await
        .unwrap();
    assert_eq!(
        revisions.task_definition_arns().len(),
        1,
        "no second revision of an unchanged definition"
    );
}

#[tokio::test]
async fn every_optional_property_reaches_its_resource() {
    let world = world().await;
    let key = LogsKey::create(&world.aws, true).await;
    let key = key.arn.as_str();
    let props = props(
        &world,
        "full",
        json!({
            "SubnetIds": [world.vpc.private_subnets[1]],
            "Environment": "staging",
            "EnableContainerInsights": "false",
            "CapacityProviders": "FARGATE",
            "CapacityProviderBase": "1",
            "CapacityProviderWeight": "3",
            "DebugToolkitCpu": "512",
            "DebugToolkitMemory": "2048",
            "KmsKeyArn": key,
            "AllowedSlackUsers": ["U012ABCDEF", "U0XYZ"],
            "AllowedSlackChannels": "C0123",
            "IdleTimeoutMinutes": "15",
            "MaxLifetimeMinutes": "60",
            "Tags": {"team": "payments", "cost-centre": "42"}
        }),
    );
    let response = create(&world, "create", &props).await;
    assert_success(&response);
    assert_eq!(response["Data"]["SubnetIds"], world.vpc.private_subnets[1]);

    let ecs = aws_sdk_ecs::Client::new(&world.aws);
    let cluster = &describe_cluster(&world, "full").await;
    assert_eq!(cluster.settings()[0].value(), Some("disabled"));
    let exec = cluster
        .configuration()
        .unwrap()
        .execute_command_configuration()
        .unwrap();
    assert_eq!(exec.kms_key_id(), Some(key));
    assert!(exec
        .log_configuration()
        .unwrap()
        .cloud_watch_encryption_enabled());
    assert_eq!(cluster.capacity_providers(), ["FARGATE"]);
    let strategy = &cluster.default_capacity_provider_strategy()[0];
    assert_eq!((strategy.base(), strategy.weight()), (1, 3));
    let tags = ecs_tags(cluster.tags());
    assert_eq!(tags["Environment"], "staging");
    assert_eq!(tags["debug-toolkit:environment"], "staging");
    assert_eq!(tags["debug-toolkit:allowed-users"], "U012ABCDEF U0XYZ");
    assert_eq!(tags["debug-toolkit:allowed-channels"], "C0123");
    assert_eq!(tags["debug-toolkit:idle-timeout-minutes"], "15");
    assert_eq!(tags["debug-toolkit:max-lifetime-minutes"], "60");
    assert_eq!(tags["debug-toolkit:subnets"], world.vpc.private_subnets[1]);
    assert_eq!(
        (tags["team"].as_str(), tags["cost-centre"].as_str()),
        ("payments", "42")
    );

    let groups = log_groups(&world, "/ecs/full").await;
    assert_eq!(groups.len(), 3);
    for group in &groups {
        assert_eq!(
            group.kms_key_id(),
            Some(key),
            "{:?}",
            group.log_group_name()
        );
    }
    let iam = aws_sdk_iam::Client::new(&world.aws);
    let task = iam
        .get_role_policy()
        .role_name("full-debug-toolkit-task")
        .policy_name("debug-toolkit-permissions")
        .send()
        .await
        .unwrap();
    let task = policy_text(task.policy_document());
    assert!(task.contains("kms:Decrypt") && task.contains(key), "{task}");
    // The read-only view is this environment's by ARN: the `Environment` tag (shared with other
    // environments) decides nothing.
    assert!(!task.contains("aws:ResourceTag/Environment"), "{task}");
    assert!(task.contains("log-group:/ecs/full/ecs-exec:*"), "{task}");
    let role = iam
        .get_role()
        .role_name("full-task-execution")
        .send()
        .await
        .unwrap();
    let role_tags: BTreeMap<_, _> = role
        .role()
        .unwrap()
        .tags()
        .iter()
        .map(|t| (t.key(), t.value()))
        .collect();
    assert_eq!(role_tags.get("team"), Some(&"payments"));
    let definition = ecs
        .describe_task_definition()
        .task_definition("full-debug-toolkit")
        .send()
        .await
        .unwrap();
    let definition = definition.task_definition().unwrap();
    assert_eq!(
        (definition.cpu(), definition.memory()),
        (Some("512"), Some("2048"))
    );
}

#[tokio::test]
async fn long_cluster_names_get_short_deterministic_role_names() {
    let world = world().await;
    let cluster = "a-rather-long-cluster-name-for-the-payments-team-in-eu-west";
    let response = create(&world, "create", &props(&world, cluster, json!({}))).await;
    assert_success(&response);
    for key in ["TaskExecutionRoleArn", "DebugToolkitTaskRoleArn"] {
        let arn = response["Data"][key].as_str().unwrap();
        let name = arn.rsplit('/').next().unwrap();
        assert!(
            name.len() <= 64 && name.starts_with("a-rather-long-cluster-name"),
            "{name}"
        );
    }
    let again = create(&world, "again", &props(&world, cluster, json!({}))).await;
    assert_eq!(
        again["Data"]["TaskExecutionRoleArn"],
        response["Data"]["TaskExecutionRoleArn"]
    );
}
