//! Debug tasks: listing a cluster's, describing them in batches, their view, stopping one.

use super::{is_cluster, tag_pairs, BATCH};
use crate::aws::AwsError;
use crate::cluster::ClusterSettings;
use crate::debug_task::TaskView;
use aws_sdk_ecs::operation::stop_task::StopTaskError;
use aws_sdk_ecs::types::{DesiredStatus, ManagedAgentName, Task, TaskField};
use aws_sdk_ecs::Client;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// The RUNNING tasks of the cluster's debug-toolkit family, with their tags.
///
/// Only tasks whose `clusterArn` is this cluster are kept (an emulator that matched names loosely
/// must not make us act on another cluster's tasks), and none that is stopping or stopped
/// (ListTasks may return recently stopped tasks: [`TaskView::is_stopping_or_stopped`]).
pub async fn running_family_tasks(
    client: &Client,
    cluster: &ClusterSettings,
    family: &str,
) -> Result<Vec<TaskView>, AwsError> {
    let arns = running_family_arns(client, &cluster.arn, family).await?;
    let mut tasks = match describe_tasks(client, &cluster.arn, &arns).await {
        Err(error) if is_access_denied(&error) => {
            readable_one_by_one(client, &cluster.arn, &arns, error).await?
        }
        described => described?,
    };
    tasks.retain(|task| !task.is_stopping_or_stopped());
    Ok(tasks)
}

/// ListTasks of the family's tasks ECS gives as RUNNING in `cluster` (an ARN), every page.
pub async fn running_family_arns(
    client: &Client,
    cluster: &str,
    family: &str,
) -> Result<Vec<String>, AwsError> {
    client
        .list_tasks()
        .cluster(cluster)
        .family(family)
        .desired_status(DesiredStatus::Running)
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<_, _>>()
        .await
        .map_err(AwsError::of("ListTasks"))
}

/// A batch a tag-scoped grant refused (a hub's role in a spoke reads debug tasks only, and a task
/// ListTasks returns though just stopped has lost its tags): each task alone, leaving out those
/// refused. When every one is refused (the one task just stopped, or a missing grant, which
/// `doctor` names), there is nothing to show: logged, not an error that would hide the cluster.
async fn readable_one_by_one(
    client: &Client,
    cluster: &str,
    arns: &[String],
    batch_error: AwsError,
) -> Result<Vec<TaskView>, AwsError> {
    let mut views = Vec::new();
    let mut any_readable = false;
    for arn in arns {
        match describe_tasks(client, cluster, std::slice::from_ref(arn)).await {
            Ok(found) => {
                any_readable = true;
                views.extend(found);
            }
            Err(error) if is_access_denied(&error) => {
                tracing::info!(task = %arn, "left out: not readable (stopped, its tags gone?)")
            }
            Err(error) => return Err(error),
        }
    }
    if !any_readable {
        tracing::warn!(%cluster, error = %batch_error, "no task of the cluster was readable: each just stopped, or the role lacks the grant");
    }
    Ok(views)
}

/// IAM's refusal, as ECS words it (`AccessDeniedException`).
pub fn is_access_denied(error: &AwsError) -> bool {
    matches!(
        error.code.as_deref(),
        Some("AccessDeniedException" | "AccessDenied")
    )
}

/// DescribeTasks (with tags) in batches of 100; unknown tasks are left out, and so are tasks of
/// any other cluster. `cluster` is a name or an ARN.
pub async fn describe_tasks(
    client: &Client,
    cluster: &str,
    tasks: &[String],
) -> Result<Vec<TaskView>, AwsError> {
    let mut views = Vec::with_capacity(tasks.len());
    for batch in tasks.chunks(BATCH) {
        let described = match client
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(batch.to_vec()))
            .include(TaskField::Tags)
            .send()
            .await
        {
            Ok(described) => described,
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_cluster_not_found_exception()) =>
            {
                return Ok(Vec::new())
            }
            Err(e) => return Err(AwsError::of("DescribeTasks")(e)),
        };
        views.extend(
            described
                .tasks()
                .iter()
                .map(task_view)
                .filter(|t| is_cluster(cluster, &t.cluster_arn)),
        );
    }
    Ok(views)
}

pub fn task_view(task: &Task) -> TaskView {
    TaskView {
        arn: task.task_arn().unwrap_or_default().to_string(),
        cluster_arn: task.cluster_arn().unwrap_or_default().to_string(),
        started_by: task.started_by().map(str::to_string),
        last_status: task.last_status().map(str::to_string),
        desired_status: task.desired_status().map(str::to_string),
        started_at: task.started_at().map(|t| t.secs()),
        created_at: task.created_at().map(|t| t.secs()),
        tags: tag_pairs(task.tags()).collect(),
        runtime_id: debug_container(task)
            .and_then(|c| c.runtime_id())
            .map(str::to_owned),
        exec_agent_status: debug_container(task)
            .into_iter()
            .flat_map(|c| c.managed_agents())
            .find(|a| a.name() == Some(&ManagedAgentName::ExecuteCommandAgent))
            .and_then(|a| a.last_status())
            .map(str::to_owned),
        network_interface: task
            .attachments()
            .iter()
            .filter(|a| a.r#type() == Some("ElasticNetworkInterface"))
            .flat_map(|a| a.details())
            .find(|d| d.name() == Some("networkInterfaceId"))
            .and_then(|d| d.value())
            .map(str::to_owned),
        task_definition_arn: task.task_definition_arn().map(str::to_owned),
        stopped_reason: task.stopped_reason().map(str::to_owned),
        image: debug_container(task)
            .and_then(|c| c.image())
            .map(str::to_owned),
    }
}

fn debug_container(task: &Task) -> Option<&aws_sdk_ecs::types::Container> {
    task.containers()
        .iter()
        .find(|c| c.name() == Some(crate::names::CONTAINER))
}

/// StopTask with a reason (cut to ECS's 255 characters). A task ECS no longer knows
/// ("task not found") counts as stopped: that is what was wanted.
pub async fn stop_task(
    client: &Client,
    cluster: &str,
    task: &str,
    reason: &str,
) -> Result<(), AwsError> {
    match client
        .stop_task()
        .cluster(cluster)
        .task(task)
        .reason(reason.chars().take(255).collect::<String>())
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if is_task_not_found(&e) => Ok(()),
        Err(e) => Err(AwsError::of("StopTask")(e)),
    }
}

/// ECS answers a task it no longer knows with InvalidParameterException "The referenced task was
/// not found."; the same code also means a bad parameter, which is a real failure.
fn is_task_not_found<R>(error: &SdkError<StopTaskError, R>) -> bool {
    error.as_service_error().is_some_and(|e| {
        e.is_invalid_parameter_exception()
            && e.message()
                .is_some_and(|m| m.to_ascii_lowercase().contains("not found"))
    })
}
