//! The Fargate "debug toolkit" task definition family.

use crate::context::{Desired, Scope};
use crate::error::{aws, ProvisionError};
use crate::resources::tagging::{self, Tagged};
use crate::retry;
use aws_sdk_ecs::operation::register_task_definition::RegisterTaskDefinitionError;
use aws_sdk_ecs::types::{
    Compatibility, ContainerDefinition, LinuxParameters, LogConfiguration, LogDriver, NetworkMode,
    TaskDefinition, TaskDefinitionField, TaskDefinitionStatus,
};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use debug_toolkit::heartbeat;
use debug_toolkit::names::CONTAINER as CONTAINER_NAME;
use futures::StreamExt;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct ExistingTaskDefinition {
    pub arn: String,
    pub tags: BTreeMap<String, String>,
    pub definition: TaskDefinition,
}

/// Roles the task definition refers to.
pub struct Roles<'a> {
    pub execution_role_arn: &'a str,
    pub task_role_arn: &'a str,
}

/// The latest ACTIVE revision of the family, with its tags.
pub async fn find(scope: &Scope<'_>) -> Result<Option<ExistingTaskDefinition>, ProvisionError> {
    let family = &scope.names.task_family;
    match scope
        .clients
        .ecs
        .describe_task_definition()
        .task_definition(family)
        .include(TaskDefinitionField::Tags)
        .send()
        .await
    {
        Ok(out) => Ok(out
            .task_definition()
            .map(|definition| ExistingTaskDefinition {
                arn: definition
                    .task_definition_arn()
                    .unwrap_or_default()
                    .to_string(),
                tags: tagging::read(out.tags()),
                definition: definition.clone(),
            })),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_client_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(aws("DescribeTaskDefinition", family.as_str())(e)),
    }
}

fn container(desired: &Desired<'_>) -> ContainerDefinition {
    let names = desired.names();
    ContainerDefinition::builder()
        .name(CONTAINER_NAME)
        .image(&desired.spec.image)
        .essential(true)
        // The session heartbeat keeps the task alive and tells the reaper a session is open; the
        // entry point is the shell, so an image's own ENTRYPOINT never swallows it.
        .set_entry_point(Some(heartbeat::ENTRY_POINT.map(String::from).to_vec()))
        .set_command(Some(heartbeat::command().map(String::from).to_vec()))
        // A reservation equal to the task's memory is valid on Fargate and keeps emulators happy.
        .memory_reservation(desired.spec.memory as i32)
        .readonly_root_filesystem(false)
        .linux_parameters(
            LinuxParameters::builder()
                .init_process_enabled(true)
                .build(),
        )
        .log_configuration(
            LogConfiguration::builder()
                .log_driver(LogDriver::Awslogs)
                .options("awslogs-group", &names.debug_log_group)
                .options("awslogs-region", &desired.scope.stack.region)
                .options("awslogs-stream-prefix", "debug")
                .build()
                .expect("log driver is set"),
        )
        .build()
}

/// Whether a registered revision already is what the spec asks for.
fn matches(current: &TaskDefinition, desired: &Desired<'_>, roles: &Roles<'_>) -> bool {
    let wanted = container(desired);
    let Some(actual) = current.container_definitions().first() else {
        return false;
    };
    current.container_definitions().len() == 1
        && current.cpu() == Some(desired.spec.cpu.to_string().as_str())
        && current.memory() == Some(desired.spec.memory.to_string().as_str())
        && current.execution_role_arn() == Some(roles.execution_role_arn)
        && current.task_role_arn() == Some(roles.task_role_arn)
        && current.network_mode() == Some(&NetworkMode::Awsvpc)
        && actual.name() == wanted.name()
        && actual.image() == wanted.image()
        && actual.entry_point() == wanted.entry_point()
        && actual.command() == wanted.command()
        && actual.log_configuration() == wanted.log_configuration()
        && actual
            .linux_parameters()
            .and_then(|l| l.init_process_enabled())
            == Some(true)
}

/// Registers a revision unless the latest owned one already matches. Returns the revision's ARN.
pub async fn ensure(
    desired: &Desired<'_>,
    roles: &Roles<'_>,
    existing: Option<&ExistingTaskDefinition>,
) -> Result<String, ProvisionError> {
    let ecs = &desired.clients().ecs;
    let family = desired.names().task_family.as_str();
    if let Some(current) = existing.filter(|e| matches(&e.definition, desired, roles)) {
        tagging::retag(
            desired,
            Tagged::Ecs(&current.arn),
            &current.tags,
            &desired.tags,
        )
        .await?;
        return Ok(current.arn.clone());
    }
    // A role made a moment ago may not be passable yet (IAM propagation).
    let registered = retry::while_transient(
        family,
        "RegisterTaskDefinition",
        pass_role_not_ready,
        || {
            ecs.register_task_definition()
                .family(family)
                .network_mode(NetworkMode::Awsvpc)
                .requires_compatibilities(Compatibility::Fargate)
                .cpu(desired.spec.cpu.to_string())
                .memory(desired.spec.memory.to_string())
                .execution_role_arn(roles.execution_role_arn)
                .task_role_arn(roles.task_role_arn)
                .container_definitions(container(desired))
                .set_tags(Some(tagging::ecs(&desired.tags)))
                .send()
        },
    )
    .await?;
    registered
        .task_definition()
        .and_then(|t| t.task_definition_arn())
        .map(str::to_owned)
        .ok_or_else(|| ProvisionError::Incomplete {
            action: "RegisterTaskDefinition",
            target: family.to_string(),
            missing: "ARN",
        })
}

/// ECS's refusal while a new role cannot be passed yet ("… is not authorized to perform:
/// iam:PassRole on resource …"). A PassRole that is really denied fails the same way after the waits.
fn pass_role_not_ready(error: &SdkError<RegisterTaskDefinitionError, HttpResponse>) -> bool {
    error
        .as_service_error()
        .and_then(|e| e.message())
        .is_some_and(|message| message.contains("iam:PassRole"))
}

/// How many revisions are described and deregistered at once on Delete.
const DEREGISTRATIONS_AT_ONCE: usize = 4;

/// Deregisters every ACTIVE revision of the family that this stack resource owns.
pub async fn remove(scope: &Scope<'_>) -> Result<(), ProvisionError> {
    let ecs = &scope.clients.ecs;
    let family = scope.names.task_family.as_str();
    let suffix = format!("task-definition/{family}:");
    let mut arns = Vec::new();
    let mut pages = ecs
        .list_task_definitions()
        .family_prefix(family)
        .status(TaskDefinitionStatus::Active)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(aws("ListTaskDefinitions", family))?;
        // `familyPrefix` is a prefix: keep this family's revisions only.
        arns.extend(
            page.task_definition_arns()
                .iter()
                .filter(|arn| {
                    arn.split_once(&suffix)
                        .is_some_and(|(_, rev)| rev.chars().all(|c| c.is_ascii_digit()))
                })
                .cloned(),
        );
    }
    let removals = arns.into_iter().map(|arn| async move {
        let arn = arn.as_str();
        let described = ecs
            .describe_task_definition()
            .task_definition(arn)
            .include(TaskDefinitionField::Tags)
            .send()
            .await
            .map_err(aws("DescribeTaskDefinition", arn))?;
        let tags: BTreeMap<String, String> = tagging::read(described.tags());
        if !scope.owns(&tags) {
            tracing::warn!(
                task_definition = arn,
                "not owned by this stack resource; left registered"
            );
            return Ok(());
        }
        ecs.deregister_task_definition()
            .task_definition(arn)
            .send()
            .await
            .map(|_| ())
            .map_err(aws("DeregisterTaskDefinition", arn))
    });
    // A few at a time: a family can hold hundreds of revisions, and ECS throttles per account.
    futures::stream::iter(removals)
        .buffer_unordered(DEREGISTRATIONS_AT_ONCE)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    Ok(())
}
