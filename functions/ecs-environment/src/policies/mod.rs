//! IAM policy documents of an environment's roles; the application role's in [`app`], and what
//! IAM allows a role's inline policies to weigh in [`size`].

mod app;
pub mod size;

pub use app::app_task_policy;

use crate::names::ResourceNames;
use crate::spec::EnvironmentSpec;
use crate::stack::StackResource;
use serde_json::{json, Value};

pub const EXECUTION_ROLE_MANAGED_POLICY: &str =
    "policy/service-role/AmazonECSTaskExecutionRolePolicy";
pub const EXECUTION_INLINE_POLICY: &str = "debug-toolkit-execution";
pub const TASK_INLINE_POLICY: &str = "debug-toolkit-permissions";
pub const APP_INLINE_POLICY: &str = "application-permissions";

pub fn managed_execution_policy_arn(stack: &StackResource) -> String {
    format!(
        "arn:{}:iam::aws:{EXECUTION_ROLE_MANAGED_POLICY}",
        stack.partition
    )
}

/// Every role is assumed by ECS tasks of this account only (confused-deputy protection).
pub fn ecs_tasks_trust(stack: &StackResource) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": stack.account}}
        }]
    })
}

/// What ECS Exec needs of a task role (what amazon-ecs-exec-checker checks): the session
/// channels, the exec log group found and written, and the session key when there is one. Both
/// the debug task role and the app task role (Exec on the application's own service) hold it.
pub fn exec_statements(
    stack: &StackResource,
    names: &ResourceNames,
    spec: &EnvironmentSpec,
) -> Vec<Value> {
    let mut statements = vec![
        json!({
            "Sid": "EcsExecSessionChannels",
            "Effect": "Allow",
            "Action": ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                       "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
            "Resource": "*"
        }),
        json!({
            "Sid": "EcsExecFindLogGroup",
            "Effect": "Allow",
            "Action": "logs:DescribeLogGroups",
            "Resource": "*"
        }),
        json!({
            "Sid": "EcsExecSessionLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            "Resource": log_group_arn(stack, &names.exec_log_group)
        }),
    ];
    if let Some(key) = &spec.kms_key_arn {
        statements.push(json!({
            "Sid": "EcsExecSessionEncryption",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": key
        }));
    }
    statements
}

fn log_group_arn(stack: &StackResource, name: &str) -> String {
    format!("{}:*", stack.log_group_arn(name))
}

/// The execution role writes container logs to this environment's log groups only and reads the
/// environment's secrets and parameters (`<cluster>/…`).
pub fn execution_policy(stack: &StackResource, names: &ResourceNames) -> Value {
    let log_groups: Vec<String> = names
        .log_groups()
        .iter()
        .map(|g| log_group_arn(stack, g))
        .collect();
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ContainerLogsToThisEnvironment",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": log_groups
            },
            {
                "Sid": "SecretsOfThisEnvironment",
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": stack.arn("secretsmanager", &format!("secret:{}/*", names.cluster))
            },
            {
                "Sid": "ParametersOfThisEnvironment",
                "Effect": "Allow",
                "Action": "ssm:GetParameters",
                "Resource": stack.arn("ssm", &format!("parameter/{}/*", names.cluster))
            }
        ]
    })
}

/// The debug task role: the seed's read-only view of this environment (conditioned on its
/// `Environment` tag) plus exactly what ECS Exec needs (what amazon-ecs-exec-checker checks).
pub fn task_policy(stack: &StackResource, names: &ResourceNames, spec: &EnvironmentSpec) -> Value {
    let mut statements = vec![
        json!({
            "Sid": "ReadOnlyViewOfThisEnvironment",
            "Effect": "Allow",
            "Action": ["ecs:DescribeServices", "ecs:DescribeTasks",
                       "logs:GetLogEvents", "logs:FilterLogEvents"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/Environment": spec.environment_tag()}}
        }),
        // A cluster-wide ListTasks is authorised against "*" with the cluster in `ecs:cluster`
        // (no resource, so no resource tag: under the statement above it would be denied).
        json!({
            "Sid": "ListTasksOfThisCluster",
            "Effect": "Allow",
            "Action": "ecs:ListTasks",
            "Resource": "*",
            "Condition": {"ArnEquals": {"ecs:cluster": stack.arn("ecs", &format!("cluster/{}", names.cluster))}}
        }),
    ];
    statements.extend(exec_statements(stack, names, spec));
    json!({"Version": "2012-10-17", "Statement": statements})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Properties;

    fn stack() -> StackResource {
        StackResource::example()
    }

    fn spec(extra: Value) -> EnvironmentSpec {
        let mut props: Properties = json!({"ClusterName": "c", "VpcId": "vpc-0a1b2c3d"})
            .as_object()
            .unwrap()
            .clone();
        props.extend(extra.as_object().unwrap().clone());
        EnvironmentSpec::parse(&props, "eu-west-1").unwrap()
    }

    fn actions(policy: &Value) -> Vec<String> {
        policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| match &s["Action"] {
                Value::String(a) => vec![a.clone()],
                Value::Array(a) => a.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
                _ => vec![],
            })
            .collect()
    }

    #[test]
    fn task_role_holds_what_ecs_exec_needs() {
        let names = ResourceNames::for_cluster("c");
        let policy = task_policy(&stack(), &names, &spec(json!({})));
        for needed in [
            "ssmmessages:CreateControlChannel",
            "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel",
            "logs:DescribeLogGroups",
            "logs:CreateLogStream",
            "logs:DescribeLogStreams",
            "logs:PutLogEvents",
        ] {
            assert!(actions(&policy).contains(&needed.to_string()), "{needed}");
        }
        assert!(!actions(&policy).contains(&"kms:Decrypt".to_string()));
        let text = policy.to_string();
        assert!(text.contains("arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/c/ecs-exec:*"));
        assert!(text.contains("\"aws:ResourceTag/Environment\":\"default\""));
    }

    #[test]
    fn the_task_role_lists_tasks_of_its_own_cluster_by_the_ecs_cluster_key() {
        let policy = task_policy(&stack(), &ResourceNames::for_cluster("c"), &spec(json!({})));
        let statements = policy["Statement"].as_array().unwrap();
        let listing: Vec<&Value> = statements
            .iter()
            .filter(|s| actions(&json!({"Statement": [s]})).contains(&"ecs:ListTasks".into()))
            .collect();
        assert_eq!(listing.len(), 1, "{policy:#}");
        assert_eq!(listing[0]["Action"], "ecs:ListTasks");
        assert_eq!(listing[0]["Resource"], "*");
        assert_eq!(
            listing[0]["Condition"],
            json!({"ArnEquals": {"ecs:cluster": "arn:aws:ecs:eu-west-1:123456789012:cluster/c"}})
        );
    }

    #[test]
    fn task_role_decrypts_with_the_key_when_given() {
        let key = "arn:aws:kms:eu-west-1:123456789012:key/k1";
        let policy = task_policy(
            &stack(),
            &ResourceNames::for_cluster("c"),
            &spec(json!({"KmsKeyArn": key})),
        );
        let statement = policy["Statement"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(statement["Action"], "kms:Decrypt");
        assert_eq!(statement["Resource"], key);
    }

    #[test]
    fn execution_role_is_scoped_to_this_environment() {
        let policy = execution_policy(&stack(), &ResourceNames::for_cluster("c"));
        let text = policy.to_string();
        assert!(text.contains("arn:aws:secretsmanager:eu-west-1:123456789012:secret:c/*"));
        assert!(text.contains("arn:aws:ssm:eu-west-1:123456789012:parameter/c/*"));
        assert!(text.contains("log-group:/ecs/c/debug-toolkit:*"));
        assert!(!text.contains("\"*\""), "no wildcard resource: {text}");
    }
}
