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

/// The repository of the project's image (infra/template.yaml's `DebugToolkitRepository`,
/// scripts/publish-image.sh): it has bash (docs/image.md).
pub const PROJECT_IMAGE_REPOSITORY: &str = "ecs-debug-toolkit/debug-toolkit";

/// The shell the connect command opens: bash in the project's image (history, line editing), the
/// POSIX `/bin/sh` in any other (or when the image is unknown), which every image has.
pub fn shell_for(image: Option<&str>) -> &'static str {
    let Some(image) = image else { return "/bin/sh" };
    // `<registry>/<repository>[:<tag>][@<digest>]`: the tag's `:` comes after the last `/`.
    let without_digest = image.split('@').next().unwrap_or(image);
    let repository = match without_digest.rsplit_once('/') {
        Some((head, last)) => format!("{head}/{}", last.split(':').next().unwrap_or(last)),
        None => without_digest.split(':').next().unwrap_or("").to_string(),
    };
    let ours = repository == PROJECT_IMAGE_REPOSITORY
        || repository.ends_with(&format!("/{PROJECT_IMAGE_REPOSITORY}"));
    if ours {
        "/bin/bash"
    } else {
        "/bin/sh"
    }
}

/// The ECS Exec command that opens a shell in debug task `task_arn` of `cluster`, whose
/// debug-toolkit container runs `image` ([`shell_for`]).
pub fn connect(cluster: &str, task_arn: &str, image: Option<&str>) -> String {
    let region = region_of_arn(task_arn).unwrap_or("<region>");
    format!(
        "aws ecs execute-command --region {region} --cluster {cluster} --task {} --container {CONTAINER} --interactive --command {}",
        task_id(task_arn),
        shell_for(image)
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
            connect("payments-dev", TASK, None),
            "aws ecs execute-command --region eu-west-1 --cluster payments-dev --task abc --container debug-toolkit --interactive --command /bin/sh"
        );
        let ours =
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-debug-toolkit/debug-toolkit:1.0.0";
        assert!(connect("payments-dev", TASK, Some(ours)).ends_with("--command /bin/bash"));
    }

    #[test]
    fn bash_only_in_the_projects_image() {
        for (image, shell) in [
            ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-debug-toolkit/debug-toolkit:1.0.0", "/bin/bash"),
            ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-debug-toolkit/debug-toolkit@sha256:ab12", "/bin/bash"),
            ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-debug-toolkit/debug-toolkit:1.0@sha256:ab12", "/bin/bash"),
            ("localhost:5000/ecs-debug-toolkit/debug-toolkit", "/bin/bash"),
            ("ecs-debug-toolkit/debug-toolkit:2", "/bin/bash"),
            ("public.ecr.aws/x/tools:1.2", "/bin/sh"),
            ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-ecs-debug-toolkit/debug-toolkit:1", "/bin/sh"),
            ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-debug-toolkit/debug-toolkit-alpine:1", "/bin/sh"),
            ("busybox", "/bin/sh"),
            ("", "/bin/sh"),
        ] {
            assert_eq!(shell_for(Some(image)), shell, "{image}");
        }
        assert_eq!(shell_for(None), "/bin/sh");
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
