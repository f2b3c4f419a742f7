//! Tasks and task definitions the tests make straight in the emulator, as a user, a service or
//! the launcher would have: an application's task definition, and `RunTask` in awsvpc.

use aws_sdk_ecs::types::{
    AwsVpcConfiguration, Compatibility, ContainerDefinition, ContainerOverride, KeyValuePair,
    LaunchType, NetworkConfiguration, NetworkMode, Tag, TaskOverride,
};

/// Where the launcher records a debug task's channel so that it outlives StopTask, which deletes
/// the task's tags (docs/interface.md, `debug-launcher`): the debug-toolkit container's environment.
pub const CHANNEL_VARIABLE: &str = "DEBUG_TOOLKIT_CHANNEL";

/// Registers a one-container Fargate task definition (`image` named `container`), in awsvpc unless
/// `awsvpc` is false, with these tags; returns its ARN.
pub async fn register_task_definition(
    ecs: &aws_sdk_ecs::Client,
    family: &str,
    (container, image): (&str, &str),
    awsvpc: bool,
    tags: &[(&str, &str)],
) -> String {
    let mut request = ecs
        .register_task_definition()
        .family(family)
        .requires_compatibilities(Compatibility::Fargate)
        .cpu("256")
        .memory("512")
        .container_definitions(
            ContainerDefinition::builder()
                .name(container)
                .image(image)
                .memory_reservation(512)
                .build(),
        )
        .set_tags(Some(ecs_tags(tags)));
    if awsvpc {
        request = request.network_mode(NetworkMode::Awsvpc);
    }
    let registered = request.send().await.expect("RegisterTaskDefinition");
    registered
        .task_definition()
        .and_then(|d| d.task_definition_arn())
        .expect("a task definition ARN")
        .to_string()
}

/// Where and as whom `RunTask` runs tasks.
pub struct Run<'a> {
    pub cluster: &'a str,
    pub task_definition: &'a str,
    pub started_by: &'a str,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub tags: Vec<(&'a str, String)>,
}

/// The container override the launcher records a channel tag in, so it outlives StopTask.
fn channel_override(run: &Run<'_>) -> Option<TaskOverride> {
    let (_, channel) = run
        .tags
        .iter()
        .find(|(key, _)| *key == "debug-toolkit:channel")?;
    let variable = KeyValuePair::builder()
        .name(CHANNEL_VARIABLE)
        .value(channel)
        .build();
    let container = ContainerOverride::builder()
        .name("debug-toolkit")
        .environment(variable)
        .build();
    Some(
        TaskOverride::builder()
            .container_overrides(container)
            .build(),
    )
}

/// Runs `count` tasks (at most 10 a call, as ECS allows); their ARNs. A channel tag is also
/// recorded in the container's environment, as the launcher records it.
pub async fn run_tasks(ecs: &aws_sdk_ecs::Client, run: &Run<'_>, count: i32) -> Vec<String> {
    let network = AwsVpcConfiguration::builder()
        .set_subnets(Some(run.subnets.clone()))
        .set_security_groups(Some(run.security_groups.clone()))
        .build()
        .expect("subnets are set");
    let tags: Vec<(&str, &str)> = run.tags.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = ecs
        .run_task()
        .cluster(run.cluster)
        .task_definition(run.task_definition)
        .count(count)
        .launch_type(LaunchType::Fargate)
        .started_by(run.started_by)
        .set_tags((!tags.is_empty()).then(|| ecs_tags(&tags)))
        .set_overrides(channel_override(run))
        .network_configuration(
            NetworkConfiguration::builder()
                .awsvpc_configuration(network)
                .build(),
        )
        .send()
        .await
        .expect("RunTask");
    answer
        .tasks()
        .iter()
        .map(|t| t.task_arn().expect("a task ARN").to_string())
        .collect()
}

fn ecs_tags(tags: &[(&str, &str)]) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(*k).value(*v).build())
        .collect()
}

/// The tasks of `cluster` still running: ListTasks (desired RUNNING) less those it returns though
/// stopping or stopped (AWS may list recently stopped tasks; so does the strict world for 10 s
/// after StopTask: `tests/moto/strict/stopping.py`).
pub async fn running_task_arns(ecs: &aws_sdk_ecs::Client, cluster: &str) -> Vec<String> {
    let listed = ecs
        .list_tasks()
        .cluster(cluster)
        .desired_status(aws_sdk_ecs::types::DesiredStatus::Running)
        .send()
        .await
        .expect("ListTasks");
    if listed.task_arns().is_empty() {
        return Vec::new();
    }
    let described = ecs
        .describe_tasks()
        .cluster(cluster)
        .set_tasks(Some(listed.task_arns().to_vec()))
        .send()
        .await
        .expect("DescribeTasks");
    described
        .tasks()
        .iter()
        .filter(|task| {
            task.desired_status() != Some("STOPPED") && task.last_status() != Some("STOPPED")
        })
        .filter_map(|task| task.task_arn().map(str::to_string))
        .collect()
}
