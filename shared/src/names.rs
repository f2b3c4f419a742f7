//! Names every function derives from a cluster name (docs/interface.md, "What one environment is
//! made of"): `ecs-environment` makes these resources, the others find them by the same rule.

/// The debug-toolkit container of every debug task.
pub const CONTAINER: &str = "debug-toolkit";

/// `/ecs/<cluster>`: the cluster's own log group (the application's awslogs too).
pub fn cluster_log_group(cluster: &str) -> String {
    format!("/ecs/{cluster}")
}

/// `/ecs/<cluster>/debug-toolkit`: the debug tasks' awslogs, where the session heartbeat goes.
pub fn debug_log_group(cluster: &str) -> String {
    format!("/ecs/{cluster}/debug-toolkit")
}

/// `/ecs/<cluster>/ecs-exec`: where ECS writes one stream per finished exec session.
pub fn exec_log_group(cluster: &str) -> String {
    format!("/ecs/{cluster}/ecs-exec")
}

/// `<cluster>-debug-toolkit`: the debug task definition's family.
pub fn task_family(cluster: &str) -> String {
    format!("{cluster}-debug-toolkit")
}

/// Whether a task definition ARN (`…:task-definition/<family>:<revision>`) is of the debug-toolkit
/// family of `cluster`: a stopped task, tags gone, is ours only if it ran our task definition.
pub fn is_debug_family(cluster: &str, task_definition_arn: &str) -> bool {
    let family = task_definition_arn
        .rsplit_once(":task-definition/")
        .map(|(_, rest)| rest.rsplit_once(':').map_or(rest, |(family, _)| family));
    family == Some(task_family(cluster).as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_payments_dev() {
        assert_eq!(cluster_log_group("payments-dev"), "/ecs/payments-dev");
        assert_eq!(
            debug_log_group("payments-dev"),
            "/ecs/payments-dev/debug-toolkit"
        );
        assert_eq!(exec_log_group("payments-dev"), "/ecs/payments-dev/ecs-exec");
        assert_eq!(task_family("payments-dev"), "payments-dev-debug-toolkit");
    }
}
