//! "Ready means Exec works" (docs/interface.md): the ready notice waits, within the invocation, for
//! the ECS Exec agent; when it does not come up in time the channel is told the task runs but Exec
//! is not ready yet, with the agent's status. (In the emulator an image named `no-exec-agent`
//! stands for one whose agent never starts; any other image's agent is RUNNING a second after
//! start.)

use crate::*;
use aws_sdk_ecs::types::{
    AwsVpcConfiguration, Compatibility, ContainerDefinition, LaunchType, NetworkConfiguration,
    NetworkMode, Tag,
};
use integration_tests::fakes::runtime_api::Reply;
use integration_tests::worlds::reap::FAMILY;
use std::time::Duration;

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build()
}

#[tokio::test]
async fn an_exec_agent_that_never_starts_is_said_in_the_notice() {
    let world = ReapWorld::start().await;
    let ecs = aws_sdk_ecs::Client::new(&world.aws);
    let managed = tag("debug-toolkit:managed-by", "ecs-debug-toolkit");
    let definition = ecs
        .register_task_definition()
        .family(format!("{FAMILY}-no-agent"))
        .network_mode(NetworkMode::Awsvpc)
        .requires_compatibilities(Compatibility::Fargate)
        .cpu("256")
        .memory("512")
        .container_definitions(
            ContainerDefinition::builder()
                .name("debug-toolkit")
                .image("example/no-exec-agent:1")
                .memory_reservation(512)
                .build(),
        )
        .tags(managed.clone())
        .send()
        .await
        .expect("RegisterTaskDefinition");
    let network = AwsVpcConfiguration::builder()
        .set_subnets(Some(world.vpc.private_subnets.clone()))
        .security_groups(world.data("SecurityGroupId"))
        .build()
        .unwrap();
    ecs.run_task()
        .cluster(CLUSTER)
        .task_definition(
            definition
                .task_definition()
                .unwrap()
                .task_definition_arn()
                .unwrap(),
        )
        .launch_type(LaunchType::Fargate)
        .started_by("debug-toolkit")
        .tags(managed)
        .tags(tag("debug-toolkit:channel", CHANNEL))
        .network_configuration(
            NetworkConfiguration::builder()
                .awsvpc_configuration(network)
                .build(),
        )
        .send()
        .await
        .expect("RunTask");

    let delivered = world.ecs_events.wait_for(1, Duration::from_secs(60)).await;
    let Reply::Response(outcome) = &delivered[0].1 else {
        panic!("{delivered:#?}");
    };
    assert_eq!(outcome["outcome"], "posted", "{outcome:#}");
    let posts = world.slack.posts();
    assert_eq!(posts.len(), 1, "{posts:#?}");
    let text = posts[0].body["text"].as_str().unwrap();
    assert!(
        text.contains("is running, but ECS Exec is not ready yet (ExecuteCommandAgent: PENDING)"),
        "{text}"
    );
    assert!(posts[0]
        .body
        .to_string()
        .contains("aws ecs execute-command --region eu-west-1"));
    // It kept reading the agent's status while it waited, within the invocation's deadline.
    let reads = world.proxy.calls_of("task-events")["DescribeTasks"];
    assert!(reads >= 5, "{reads} DescribeTasks");
}
