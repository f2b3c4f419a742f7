//! Running debug tasks of a cluster, stopped before the cluster is deleted.

use crate::context::Scope;
use crate::error::{aws, ProvisionError};
use aws_sdk_ecs::types::DesiredStatus;
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::ecs::{describe_tasks, stop_task};
use debug_toolkit::tags::STARTED_BY;

const STOP_REASON: &str = "ecs-debug-toolkit: the environment is being deleted";

/// What a listed task is to the deletion of its cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listed {
    /// Stopping or stopped: ListTasks may return recently stopped tasks, whose tags StopTask
    /// deleted. Nothing to do.
    Gone,
    /// A debug task of ours: stopped.
    Ours,
    /// Started by debug-toolkit but without our tag: not ours to stop; the deletion fails.
    Untagged,
    /// Anyone else's: not ours to stop; the deletion fails.
    Foreign,
}

pub fn classify(task: &TaskView) -> Listed {
    if task.is_stopping_or_stopped() {
        Listed::Gone
    } else if task.is_debug_task() {
        Listed::Ours
    } else if task.started_by.as_deref() == Some(STARTED_BY) {
        Listed::Untagged
    } else {
        Listed::Foreign
    }
}

/// Stops every running task started by debug-toolkit and tagged managed-by; returns how many.
/// Any other running task makes the deletion fail, naming it: it is not ours to stop. Every
/// listed task is described first (our role may describe any task of the Region: a grant
/// conditioned on our tag would deny a recently stopped one, whose tags are gone), and those
/// stopping or stopped are skipped.
pub async fn stop_all(scope: &Scope<'_>, cluster_arn: &str) -> Result<usize, ProvisionError> {
    let ecs = &scope.clients.ecs;
    // All first: a debug task started in between is then only in the second list, and stopped.
    let mut listed = list_running(scope, cluster_arn, None).await?;
    for arn in list_running(scope, cluster_arn, Some(STARTED_BY)).await? {
        if !listed.contains(&arn) {
            listed.push(arn);
        }
    }
    // Only this cluster's tasks are described (moto's ListTasks matches names as substrings).
    let described = describe_tasks(ecs, cluster_arn, &listed)
        .await
        .map_err(|e| ProvisionError::Aws {
            action: e.action,
            target: cluster_arn.to_string(),
            message: e.message,
        })?;
    let of = |kind: Listed| -> Vec<String> {
        described
            .iter()
            .filter(|task| classify(task) == kind)
            .map(|task| task.arn.clone())
            .collect()
    };
    if let Some(example) = of(Listed::Foreign).first() {
        return Err(ProvisionError::ForeignTasks {
            cluster: scope.names.cluster.clone(),
            count: of(Listed::Foreign).len(),
            example: example.clone(),
        });
    }
    if let Some(example) = of(Listed::Untagged).first() {
        return Err(ProvisionError::UntaggedDebugTasks {
            cluster: scope.names.cluster.clone(),
            count: of(Listed::Untagged).len(),
            example: example.clone(),
        });
    }
    let ours = of(Listed::Ours);
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

#[cfg(test)]
mod tests {
    use super::*;
    use debug_toolkit::tags::{MANAGED_BY, MANAGED_BY_VALUE};

    #[test]
    fn each_listed_task_is_judged_by_its_state_then_its_marks() {
        for (name, started_by, tagged, last, desired, expected) in [
            (
                "ours, running",
                Some(STARTED_BY),
                true,
                "RUNNING",
                "RUNNING",
                Listed::Ours,
            ),
            (
                "ours, still starting",
                Some(STARTED_BY),
                true,
                "PENDING",
                "RUNNING",
                Listed::Ours,
            ),
            (
                "ours, stopping: tags gone",
                Some(STARTED_BY),
                false,
                "RUNNING",
                "STOPPED",
                Listed::Gone,
            ),
            (
                "ours, recently stopped",
                Some(STARTED_BY),
                false,
                "STOPPED",
                "STOPPED",
                Listed::Gone,
            ),
            (
                "someone's, recently stopped",
                Some("ecs-svc/1"),
                false,
                "STOPPED",
                "STOPPED",
                Listed::Gone,
            ),
            (
                "debug-toolkit's mark, no tag",
                Some(STARTED_BY),
                false,
                "RUNNING",
                "RUNNING",
                Listed::Untagged,
            ),
            (
                "a service's task",
                Some("ecs-svc/1"),
                false,
                "RUNNING",
                "RUNNING",
                Listed::Foreign,
            ),
            (
                "our tag, not started by us",
                None,
                true,
                "RUNNING",
                "RUNNING",
                Listed::Foreign,
            ),
        ] {
            let task = TaskView {
                started_by: started_by.map(str::to_string),
                tags: tagged
                    .then(|| (MANAGED_BY.to_string(), MANAGED_BY_VALUE.to_string()))
                    .into_iter()
                    .collect(),
                last_status: Some(last.into()),
                desired_status: Some(desired.into()),
                ..TaskView::default()
            };
            assert_eq!(classify(&task), expected, "{name}");
        }
    }
}
