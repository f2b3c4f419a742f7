//! Running debug tasks of a cluster, stopped before the cluster is deleted.

use crate::context::Scope;
use crate::error::{aws, ProvisionError};
use aws_sdk_ecs::types::DesiredStatus;
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::ecs::{describe_tasks, stop_task};
use debug_toolkit::ecs_status::TaskStatus;
use debug_toolkit::tags::STARTED_BY;

const STOP_REASON: &str = "ecs-debug-toolkit: the environment is being deleted";

/// Stops every running task started by debug-toolkit and tagged managed-by; returns how many.
/// Any other running task makes the deletion fail, naming it: it is not ours to stop. Other tasks
/// are found by listing alone: our role may describe only tasks carrying our tag (a DescribeTasks
/// that names one other task is denied as a whole on AWS).
pub async fn stop_all(scope: &Scope<'_>, cluster_arn: &str) -> Result<usize, ProvisionError> {
    let ecs = &scope.clients.ecs;
    // All first: a debug task started in between is then only in the second list, and stopped.
    let running = list_running(scope, cluster_arn, None).await?;
    let started_by_us = list_running(scope, cluster_arn, Some(STARTED_BY)).await?;
    let others: Vec<&String> = running
        .iter()
        .filter(|arn| !started_by_us.contains(arn))
        .collect();
    if let Some(example) = others.first() {
        return Err(ProvisionError::ForeignTasks {
            cluster: scope.names.cluster.clone(),
            count: others.len(),
            example: example.to_string(),
        });
    }
    // Only this cluster's tasks are described (moto's ListTasks matches names as substrings).
    let described = describe_tasks(ecs, cluster_arn, &started_by_us)
        .await
        .map_err(|e| ProvisionError::Aws {
            action: e.action,
            target: cluster_arn.to_string(),
            message: e.message,
        })?;
    // AWS lists RUNNING tasks by default; moto lists stopped ones too: they need nothing.
    let (ours, strays): (Vec<TaskView>, Vec<TaskView>) = described
        .into_iter()
        .filter(|task| task.status() != Some(TaskStatus::Stopped))
        .partition(TaskView::is_debug_task);
    if let Some(stray) = strays.first() {
        return Err(ProvisionError::UntaggedDebugTasks {
            cluster: scope.names.cluster.clone(),
            count: strays.len(),
            example: stray.arn.clone(),
        });
    }
    let ours: Vec<String> = ours.into_iter().map(|t| t.arn).collect();
    let stops = ours.iter().map(|arn| async move {
        stop_task(ecs, cluster_arn, arn, STOP_REASON)
            .await
            .map_err(|e| ProvisionError::Aws {
                action: e.action,
                target: arn.clone(),
                message: e.message,
            })
    });
    futures::future::join_all(stops)
        .await
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ours.len())
}

/// Running tasks of the cluster, or only those with this `startedBy` (it must then be the only
/// filter: ListTasks's desired status is RUNNING by default).
async fn list_running(
    scope: &Scope<'_>,
    cluster_arn: &str,
    started_by: Option<&str>,
) -> Result<Vec<String>, ProvisionError> {
    let request = scope.clients.ecs.list_tasks().cluster(cluster_arn);
    let request = match started_by {
        Some(started_by) => request.started_by(started_by),
        None => request.desired_status(DesiredStatus::Running),
    };
    let mut arns = Vec::new();
    let mut pages = request.max_results(100).into_paginator().send();
    while let Some(page) = pages.next().await {
        arns.extend_from_slice(page.map_err(aws("ListTasks", cluster_arn))?.task_arns());
    }
    Ok(arns)
}
