//! Everything of every resource type an environment makes, as found in the emulator: a leak
//! check lists what is left.

use aws_config::SdkConfig;
use aws_sdk_ecs::types::TaskDefinitionStatus;

/// Resources that exist, one line each (`kind name`), sorted. Default VPC security groups and
/// the fixture's own network are not listed.
pub async fn inventory(config: &SdkConfig) -> Vec<String> {
    let ecs = aws_sdk_ecs::Client::new(config);
    let iam = aws_sdk_iam::Client::new(config);
    let logs = aws_sdk_cloudwatchlogs::Client::new(config);
    let ec2 = aws_sdk_ec2::Client::new(config);
    let mut found = Vec::new();

    let clusters = ecs.list_clusters().send().await.expect("ListClusters");
    if !clusters.cluster_arns().is_empty() {
        let described = ecs
            .describe_clusters()
            .set_clusters(Some(clusters.cluster_arns().to_vec()))
            .send()
            .await
            .expect("DescribeClusters");
        for cluster in described
            .clusters()
            .iter()
            .filter(|c| c.status() == Some("ACTIVE"))
        {
            let arn = cluster.cluster_arn().unwrap_or_default();
            found.push(format!(
                "cluster {}",
                cluster.cluster_name().unwrap_or_default()
            ));
            let tasks = crate::user_tasks::running_task_arns(&ecs, arn).await;
            found.extend(tasks.iter().map(|t| format!("running-task {t}")));
        }
    }
    let definitions = ecs
        .list_task_definitions()
        .status(TaskDefinitionStatus::Active)
        .send()
        .await
        .expect("ListTaskDefinitions");
    found.extend(
        definitions
            .task_definition_arns()
            .iter()
            .map(|d| format!("task-definition {}", d.rsplit('/').next().unwrap_or(d))),
    );
    let roles = iam.list_roles().send().await.expect("ListRoles");
    // Service-linked roles belong to the account, not to an environment: ecs-environment creates
    // ECS's when it is missing and never deletes it (by design), so it is no leak.
    found.extend(
        roles
            .roles()
            .iter()
            .filter(|r| !r.path().starts_with("/aws-service-role/"))
            .map(|r| format!("role {}", r.role_name())),
    );
    let groups = logs
        .describe_log_groups()
        .send()
        .await
        .expect("DescribeLogGroups");
    found.extend(
        groups
            .log_groups()
            .iter()
            .filter_map(|g| g.log_group_name())
            // The toolkit stack's own claims group is there before any environment, by design.
            .filter(|name| *name != crate::moto::NOTICE_CLAIMS_LOG_GROUP)
            .map(|name| format!("log-group {name}")),
    );
    let security_groups = ec2
        .describe_security_groups()
        .send()
        .await
        .expect("DescribeSecurityGroups");
    found.extend(
        security_groups
            .security_groups()
            .iter()
            .filter(|g| g.group_name() != Some("default"))
            .map(|g| format!("security-group {}", g.group_name().unwrap_or_default())),
    );
    // VPC endpoints (VpcEndpoints) not deleted: the fixture's VPC has none of its own.
    let endpoints = ec2
        .describe_vpc_endpoints()
        .send()
        .await
        .expect("DescribeVpcEndpoints");
    found.extend(
        endpoints
            .vpc_endpoints()
            .iter()
            .filter(|e| e.state().is_none_or(|s| s.as_str() != "deleted"))
            .map(|e| format!("vpc-endpoint {}", e.service_name().unwrap_or_default())),
    );
    found.sort();
    found
}

/// A policy document as IAM returns it (URL-encoded on AWS, sometimes plain in emulators).
pub fn policy_text(document: &str) -> String {
    if document.trim_start().starts_with('{') {
        return document.to_string();
    }
    let bytes = document.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match decoded {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
