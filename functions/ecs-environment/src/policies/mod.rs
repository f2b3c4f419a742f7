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
        // The SSM agent in the task calls KMS itself (no service in between: `kms:ViaService`
        // would deny it), decrypting the session's data key under the context the client made it
        // with, `aws:ssm:SessionId` and `aws:ssm:TargetId` (amazon-ssm-agent, `blockcipher.go`):
        // what else the key encrypts (log events, S3 objects) carries another context.
        statements.push(json!({
            "Sid": "EcsExecSessionEncryption",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": key,
            "Condition": {"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": EXEC_SESSION_CONTEXT_KEY}}
        }));
    }
    statements
}

/// The encryption-context key every Session Manager (and ECS Exec) data key carries.
pub const EXEC_SESSION_CONTEXT_KEY: &str = "aws:ssm:SessionId";

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

/// The debug task role: the seed's read-only view, of this environment alone (its cluster's tasks
/// and services and its three log groups, by ARN; not the `Environment` tag, which environments
/// share), plus exactly what ECS Exec needs (what amazon-ecs-exec-checker checks).
pub fn task_policy(stack: &StackResource, names: &ResourceNames, spec: &EnvironmentSpec) -> Value {
    let cluster = &names.cluster;
    let log_groups: Vec<String> = names
        .log_groups()
        .iter()
        .map(|g| log_group_arn(stack, g))
        .collect();
    let mut statements = vec![
        json!({
            "Sid": "ReadTasksAndServicesOfThisCluster",
            "Effect": "Allow",
            "Action": ["ecs:DescribeServices", "ecs:DescribeTasks"],
            "Resource": [stack.arn("ecs", &format!("task/{cluster}/*")),
                         stack.arn("ecs", &format!("service/{cluster}/*"))]
        }),
        // A cluster-wide ListTasks is authorised against "*" with the cluster in `ecs:cluster`
        // (no resource: a statement scoped to cluster ARNs denies it).
        json!({
            "Sid": "ListTasksOfThisCluster",
            "Effect": "Allow",
            "Action": "ecs:ListTasks",
            "Resource": "*",
            "Condition": {"ArnEquals": {"ecs:cluster": stack.arn("ecs", &format!("cluster/{cluster}"))}}
        }),
        // By exact name: `/ecs/<cluster>*` would also match `/ecs/<cluster>-other`.
        json!({
            "Sid": "ReadLogsOfThisEnvironment",
            "Effect": "Allow",
            "Action": ["logs:GetLogEvents", "logs:FilterLogEvents"],
            "Resource": log_groups
        }),
    ];
    statements.extend(exec_statements(stack, names, spec));
    json!({"Version": "2012-10-17", "Statement": statements})
}

#[cfg(test)]
mod tests;
