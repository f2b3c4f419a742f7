//! The exact commands handed out to users (docs/interface.md): each names the region, read
//! from the task's ARN so it is always the task's own.

use crate::debug_task::task_id;
use crate::names::CONTAINER;

/// The region of an ARN (`arn:<partition>:<service>:<region>:…`).
pub fn region_of_arn(arn: &str) -> Option<&str> {
    arn.strip_prefix("arn:")?
        .split(':')
        .nth(2)
        .filter(|r| !r.is_empty())
}

/// The ECS Exec command that opens a shell in debug task `task_arn` of `cluster`.
pub fn connect(cluster: &str, task_arn: &str) -> String {
    let region = region_of_arn(task_arn).unwrap_or("<region>");
    format!(
        "aws ecs execute-command --region {region} --cluster {cluster} --task {} --container {CONTAINER} --interactive --command /bin/sh",
        task_id(task_arn)
    )
}

/// Where a port-forwarding session goes: a host the task can reach, its port, and the local port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forward {
    pub host: String,
    pub port: u16,
    pub local_port: u16,
}

/// The Session Manager command that forwards `forward.local_port` on the user's machine to
/// `forward.host:forward.port` through the debug task (its container's `runtime_id`).
pub fn forward(cluster: &str, task_arn: &str, runtime_id: &str, forward: &Forward) -> String {
    let region = region_of_arn(task_arn).unwrap_or("<region>");
    let Forward {
        host,
        port,
        local_port,
    } = forward;
    format!(
        "aws ssm start-session --region {region} --target ecs:{cluster}_{}_{runtime_id} --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters '{{\"host\":[\"{host}\"],\"portNumber\":[\"{port}\"],\"localPortNumber\":[\"{local_port}\"]}}'",
        task_id(task_arn)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TASK: &str = "arn:aws:ecs:eu-west-1:123456789012:task/payments-dev/abc";

    #[test]
    fn the_connect_command_is_exact_and_names_the_region() {
        assert_eq!(
            connect("payments-dev", TASK),
            "aws ecs execute-command --region eu-west-1 --cluster payments-dev --task abc --container debug-toolkit --interactive --command /bin/sh"
        );
    }

    #[test]
    fn the_forward_command_is_exact() {
        let to = Forward {
            host: "db.internal".into(),
            port: 5432,
            local_port: 15432,
        };
        assert_eq!(
            forward("payments-dev", TASK, "abc-1234567890", &to),
            r#"aws ssm start-session --region eu-west-1 --target ecs:payments-dev_abc_abc-1234567890 --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters '{"host":["db.internal"],"portNumber":["5432"],"localPortNumber":["15432"]}'"#
        );
    }

    #[test]
    fn regions_come_from_arns() {
        for (arn, region) in [
            (TASK, Some("eu-west-1")),
            ("arn:aws-cn:ecs:cn-north-1:1:task/c/x", Some("cn-north-1")),
            ("arn:aws:iam::1:role/x", None),
            ("abc", None),
        ] {
            assert_eq!(region_of_arn(arn), region, "{arn}");
        }
    }
}
