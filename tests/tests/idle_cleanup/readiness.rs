//! "Ready means Exec works" (docs/interface.md): the ready notice waits, within the invocation, for
//! the ECS Exec agent; when it does not come up in time the channel is told the task runs but Exec
//! is not ready yet, with the agent's status. (In the emulator an image named `no-exec-agent`
//! stands for one whose agent never starts; any other image's agent is RUNNING a second after
//! start.)

use crate::*;
use integration_tests::fakes::runtime_api::Reply;
use integration_tests::user_tasks::{register_task_definition, run_tasks, Run};
use integration_tests::worlds::reap::FAMILY;
use std::time::Duration;

#[tokio::test]
async fn an_exec_agent_that_never_starts_is_said_in_the_notice() {
    let world = ReapWorld::start().await;
    let ecs = aws_sdk_ecs::Client::new(&world.aws);
    let managed = ("debug-toolkit:managed-by", "ecs-debug-toolkit");
    let family = format!("{FAMILY}-no-agent");
    let image = ("debug-toolkit", "example/no-exec-agent:1");
    let definition = register_task_definition(&ecs, &family, image, true, &[managed]).await;
    let run = Run {
        cluster: CLUSTER,
        task_definition: &definition,
        started_by: "debug-toolkit",
        subnets: world.vpc.private_subnets.clone(),
        security_groups: vec![world.data("SecurityGroupId")],
        tags: vec![
            (managed.0, managed.1.to_string()),
            ("debug-toolkit:channel", CHANNEL.to_string()),
        ],
    };
    run_tasks(&ecs, &run, 1).await;

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
