//! What a Create with only `ClusterName` and `VpcId` must have made, resource by resource.

use super::assert_common_tags;
use crate::*;
use aws_sdk_ecs::types::TaskDefinitionField;
use integration_tests::ecs_tags;
use integration_tests::leaks::policy_text;
use std::collections::BTreeMap;

/// Protocol, from port, to port, CIDRs.
type EgressRule = (String, Option<i32>, Option<i32>, Vec<String>);

/// The cluster: settings, Exec logging, capacity providers, the tags launches read.
pub async fn cluster(world: &World, group_id: &str) {
    let cluster = &describe_cluster(world, "payments-dev").await;
    assert_eq!(cluster.status(), Some("ACTIVE"));
    let insights = cluster
        .settings()
        .iter()
        .find(|s| s.name().map(|n| n.as_str()) == Some("containerInsights"))
        .unwrap();
    assert_eq!(insights.value(), Some("enabled"));
    let exec = cluster
        .configuration()
        .unwrap()
        .execute_command_configuration()
        .unwrap();
    assert_eq!(exec.logging().map(|l| l.as_str()), Some("OVERRIDE"));
    assert_eq!(exec.kms_key_id(), None);
    let exec_logs = exec.log_configuration().unwrap();
    assert_eq!(
        exec_logs.cloud_watch_log_group_name(),
        Some("/ecs/payments-dev/ecs-exec")
    );
    assert!(!exec_logs.cloud_watch_encryption_enabled());
    assert_eq!(cluster.capacity_providers(), ["FARGATE", "FARGATE_SPOT"]);
    let strategy = &cluster.default_capacity_provider_strategy()[0];
    assert_eq!(
        (
            strategy.capacity_provider(),
            strategy.base(),
            strategy.weight()
        ),
        ("FARGATE", 0, 1)
    );
    let tags = ecs_tags(cluster.tags());
    assert_common_tags(&tags, "cluster");
    assert_eq!(
        tags["debug-toolkit:subnets"],
        world.vpc.private_subnets.join(" ")
    );
    assert_eq!(tags["debug-toolkit:security-groups"], group_id);
    assert_eq!(
        tags["debug-toolkit:task-family"],
        "payments-dev-debug-toolkit"
    );
    assert_eq!(tags["debug-toolkit:environment"], "default");
    assert_eq!(tags["debug-toolkit:idle-timeout-minutes"], "30");
    assert_eq!(tags["debug-toolkit:max-lifetime-minutes"], "240");
    assert!(
        !tags.contains_key("debug-toolkit:allowed-users")
            && !tags.contains_key("debug-toolkit:allowed-channels")
    );
}

/// The three log groups: retention and tags.
pub async fn log_groups(world: &World) {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&world.aws);
    let groups = crate::log_groups(world, "/ecs/payments-dev").await;
    let retention: BTreeMap<_, _> = groups
        .iter()
        .map(|g| {
            (
                g.log_group_name().unwrap().to_string(),
                g.retention_in_days(),
            )
        })
        .collect();
    assert_eq!(
        retention,
        BTreeMap::from([
            ("/ecs/payments-dev".to_string(), Some(30)),
            ("/ecs/payments-dev/debug-toolkit".to_string(), Some(7)),
            ("/ecs/payments-dev/ecs-exec".to_string(), Some(30)),
        ])
    );
    for group in retention.keys() {
        let arn = format!("arn:aws:logs:eu-west-1:123456789012:log-group:{group}");
        let tags = logs
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .unwrap();
        assert_common_tags(&tags.tags().unwrap().clone().into_iter().collect(), group);
    }
}

/// The two roles: trust, managed and inline policies, tags.
pub async fn roles(world: &World) {
    let iam = aws_sdk_iam::Client::new(&world.aws);
    for role_name in [
        "payments-dev-task-execution",
        "payments-dev-debug-toolkit-task",
    ] {
        let role = iam.get_role().role_name(role_name).send().await.unwrap();
        let role = role.role().unwrap();
        assert_eq!(role.path(), "/ecs-debug-toolkit/", "{role_name}");
        assert_eq!(
            role.permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn()),
            Some(integration_tests::moto::ENVIRONMENT_ROLE_BOUNDARY_ARN),
            "{role_name}"
        );
        let trust = policy_text(role.assume_role_policy_document().unwrap());
        assert!(
            trust.contains("ecs-tasks.amazonaws.com") && trust.contains("aws:SourceAccount"),
            "{trust}"
        );
        let tags = role
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect();
        assert_common_tags(&tags, role_name);
    }
    let attached = iam
        .list_attached_role_policies()
        .role_name("payments-dev-task-execution")
        .send()
        .await
        .unwrap();
    assert_eq!(
        attached.attached_policies()[0].policy_arn(),
        Some("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
    );
    let execution = iam
        .get_role_policy()
        .role_name("payments-dev-task-execution")
        .policy_name("debug-toolkit-execution")
        .send()
        .await
        .unwrap();
    let execution = policy_text(execution.policy_document());
    assert!(
        execution.contains("secret:payments-dev/*")
            && execution.contains("parameter/payments-dev/*"),
        "{execution}"
    );
    let task = iam
        .get_role_policy()
        .role_name("payments-dev-debug-toolkit-task")
        .policy_name("debug-toolkit-permissions")
        .send()
        .await
        .unwrap();
    let task = policy_text(task.policy_document());
    for action in [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:OpenDataChannel",
        "logs:DescribeLogGroups",
        "ecs:DescribeTasks",
    ] {
        assert!(task.contains(action), "{action} missing from {task}");
    }
    assert!(!task.contains("kms:Decrypt"));
}

/// The security group: no ingress, HTTPS egress only, tags.
pub async fn security_group(world: &World, group_id: &str) {
    let group = &crate::security_group(world, group_id).await;
    assert_eq!(group.group_name(), Some("payments-dev-ecs-tasks"));
    assert_eq!(group.vpc_id(), Some(world.vpc.id.as_str()));
    assert!(
        group.ip_permissions().is_empty(),
        "no ingress: {:?}",
        group.ip_permissions()
    );
    let egress: Vec<EgressRule> = group
        .ip_permissions_egress()
        .iter()
        .map(|p| {
            (
                p.ip_protocol().unwrap_or_default().to_string(),
                p.from_port(),
                p.to_port(),
                p.ip_ranges()
                    .iter()
                    .filter_map(|r| r.cidr_ip())
                    .map(str::to_owned)
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        egress,
        [(
            "tcp".to_string(),
            Some(443),
            Some(443),
            vec!["0.0.0.0/0".to_string()]
        )]
    );
    let tags = group
        .tags()
        .iter()
        .map(|t| (t.key().unwrap().to_string(), t.value().unwrap().to_string()))
        .collect();
    assert_common_tags(&tags, "security group");
}

/// The task definition: Fargate, the roles, the container with its heartbeat and awslogs.
pub async fn task_definition(world: &World, data: &Value) {
    let described = aws_sdk_ecs::Client::new(&world.aws)
        .describe_task_definition()
        .task_definition("payments-dev-debug-toolkit")
        .include(TaskDefinitionField::Tags)
        .send()
        .await
        .unwrap();
    let definition = described.task_definition().unwrap();
    assert_eq!(
        definition.task_definition_arn(),
        data["DebugToolkitTaskDefinitionArn"].as_str()
    );
    assert_eq!(
        definition.network_mode().map(|m| m.as_str()),
        Some("awsvpc")
    );
    assert_eq!(
        definition
            .requires_compatibilities()
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        ["FARGATE"]
    );
    assert_eq!(
        (definition.cpu(), definition.memory()),
        (Some("256"), Some("512"))
    );
    assert_eq!(
        definition.execution_role_arn(),
        data["TaskExecutionRoleArn"].as_str()
    );
    assert_eq!(
        definition.task_role_arn(),
        data["DebugToolkitTaskRoleArn"].as_str()
    );
    let container = &definition.container_definitions()[0];
    assert_eq!(container.name(), Some("debug-toolkit"));
    assert_eq!(
        container.image(),
        Some(integration_tests::moto::DEFAULT_DEBUG_TOOLKIT_IMAGE),
        "the image the toolkit stack published"
    );
    // The session heartbeat (docs/interface.md): a sh loop that beats while an SSM session is open,
    // with the shell as entry point so that an image's own ENTRYPOINT never swallows it.
    assert_eq!(container.entry_point(), ["/bin/sh", "-c"]);
    let command = container.command();
    assert_eq!(command.len(), 1, "the loop is the one argument of sh -c");
    assert!(command[0].contains("/proc/[0-9]*/comm") && command[0].contains("ssm-session-wor"));
    assert!(command[0].contains("echo 'debug-toolkit: session open'"));
    assert_eq!(
        container
            .linux_parameters()
            .and_then(|l| l.init_process_enabled()),
        Some(true)
    );
    let log = container.log_configuration().unwrap();
    assert_eq!(log.log_driver().as_str(), "awslogs");
    let options = log.options().unwrap();
    assert_eq!(options["awslogs-group"], "/ecs/payments-dev/debug-toolkit");
    assert_eq!(options["awslogs-region"], "eu-west-1");
    assert_eq!(options["awslogs-stream-prefix"], "debug");
    assert_common_tags(&ecs_tags(described.tags()), "task definition");
}
