//! Running debug tasks of a cluster, stopped before the cluster is deleted.

use crate::context::Scope;
use crate::error::{aws, has_code, ProvisionError};
use aws_sdk_ecs::types::DesiredStatus;
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::ecs::describe_tasks;

const STOP_REASON: &str = "ecs-debug-toolkit: the environment is being deleted";

/// Stops every running task started by debug-toolkit and tagged managed-by; returns how many.
/// Any other running task makes the deletion fail, naming it: it is not ours to stop.
pub async fn stop_all(scope: &Scope<'_>, cluster_arn: &str) -> Result<usize, ProvisionError> {
    let ecs = &scope.clients.ecs;
    let running = list_running(scope, cluster_arn).await?;
    // Only this cluster's tasks are described (moto's ListTasks matches names as substrings).
    let described = describe_tasks(ecs, cluster_arn, &running)
        .await
        .map_err(|e| ProvisionError::Aws {
            action: e.action,
            target: cluster_arn.to_string(),
            message: e.message,
        })?;
    let (ours, others): (Vec<TaskView>, Vec<TaskView>) =
        described.into_iter().partition(TaskView::is_debug_task);
    let ours: Vec<String> = ours.into_iter().map(|t| t.arn).collect();
    if !others.is_empty() {
        return Err(ProvisionError::Precondition(format!(
            "cluster {} still runs {} task(s) not started by debug-toolkit (for example {}); stop them or their services first",
            scope.names.cluster, others.len(), others[0].arn
        )));
    }
    let stops = ours.iter().map(|arn| async move {
        match ecs
            .stop_task()
            .cluster(cluster_arn)
            .task(arn)
            .reason(STOP_REASON)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if has_code(&e, "InvalidParameterException") => Ok(()),
            Err(e) => Err(aws("StopTask", arn.as_str())(e)),
        }
    });
    futures::future::join_all(stops)
        .await
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ours.len())
}

async fn list_running(scope: &Scope<'_>, cluster_arn: &str) -> Result<Vec<String>, ProvisionError> {
    let mut arns = Vec::new();
    let mut pages = scope
        .clients
        .ecs
        .list_tasks()
        .cluster(cluster_arn)
        .desired_status(DesiredStatus::Running)
        .max_results(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        arns.extend_from_slice(page.map_err(aws("ListTasks", cluster_arn))?.task_arns());
    }
    Ok(arns)
}
