//! Delete (and roll back): remove everything of one environment that this stack resource owns.

use crate::context::Scope;
use crate::error::{combine, ProvisionError};
use crate::resources::{
    cluster, debug_tasks, endpoints, log_groups, roles, security_group, task_definition,
};
use crate::spec::ExecLogsOnDelete;
use debug_toolkit::deadline::Deadline;

/// Stops the environment's debug tasks, then removes its cluster, task definitions, roles, log
/// groups, VPC endpoints (waiting for their network interfaces) and security groups. Missing resources are fine; resources owned by anyone else are
/// left untouched. Waits for stopping tasks until `until` at the latest. When other groups'
/// rules reference the environment's group, nothing is removed: the answer names them. The exec
/// log group stays when `exec_logs` says so (`RetainExecLogs`), tags and retention unchanged.
pub async fn remove_environment(
    scope: &Scope<'_>,
    exec_logs: ExecLogsOnDelete,
    until: Deadline,
) -> Result<(), ProvisionError> {
    let names = scope.names;
    security_group::refuse_if_referenced(scope).await?;
    let cluster = cluster::find(scope).await?.filter(|c| scope.owns(&c.tags));
    if let Some(cluster) = &cluster {
        let stopped = debug_tasks::stop_all(scope, &cluster.arn).await?;
        if stopped > 0 {
            tracing::info!(cluster = %names.cluster, stopped, "stopped running debug tasks");
        }
    }
    let [cluster_logs, debug_logs, exec_log_group] = names.log_groups();
    let remove_cluster = async {
        match &cluster {
            Some(c) => cluster::remove(scope, c, until).await,
            None => Ok(()),
        }
    };
    let (c, t, r0, r1, r2, r3, l0, l1, l2, g) = tokio::join!(
        remove_cluster,
        task_definition::remove(scope),
        roles::remove(scope, &names.execution_role),
        roles::remove(scope, &names.task_role),
        roles::remove(scope, &names.app_task_role),
        remove_earlier_roles(scope),
        log_groups::remove(scope, cluster_logs),
        log_groups::remove(scope, debug_logs),
        async {
            match exec_logs {
                ExecLogsOnDelete::Remove => log_groups::remove(scope, exec_log_group).await,
                ExecLogsOnDelete::Retain => {
                    tracing::info!(
                        log_group = exec_log_group,
                        "RetainExecLogs: exec log group kept"
                    );
                    Ok(())
                }
            }
        },
        // The endpoints' group names the tasks' group: it goes first, with the endpoints.
        async {
            endpoints::remove(scope, until).await?;
            security_group::remove(scope, until).await
        },
    );
    combine(
        [c, t, r0, r1, r2, r3, l0, l1, l2, g]
            .into_iter()
            .filter_map(Result::err)
            .collect(),
    )
}

/// The roles an earlier version named otherwise (`ResourceNames::earlier_roles`), ours only: an
/// Update that renamed them left them to the tasks still using them.
async fn remove_earlier_roles(scope: &Scope<'_>) -> Result<(), ProvisionError> {
    let earlier = scope.names.earlier_roles();
    let removed = futures::future::join_all(earlier.iter().map(|name| roles::remove(scope, name)));
    combine(removed.await.into_iter().filter_map(Result::err).collect())
}
