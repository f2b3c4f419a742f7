//! "Ready means Exec works" (docs/interface.md): the ready notice waits, within the invocation, for
//! the ECS Exec agent; when it does not come up in time the channel is told the task runs but Exec
//! is not ready yet, with the agent's status. (In the emulator an image named `no-exec-agent`
//! stands for one whose agent never starts; any other image's agent is RUNNING a second after
//! start; in a world with `Network::Modelled`, only where its subnet reaches ssmmessages and logs.)

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

#[tokio::test]
async fn a_subnet_with_no_way_to_ssmmessages_keeps_exec_from_ready_until_a_public_nat_route() {
    use aws_sdk_ec2::types::ConnectivityType;
    use integration_tests::moto::Network;
    use integration_tests::network::{default_route, nat_gateway, reroute_to_nat, DefaultRoute};
    let world = ReapWorld::start_in(true, Network::Modelled).await;
    // The fixture's private subnets reach nothing: the agent never comes up, and the channel is
    // told so (what the Create's ExecPreflight said too).
    assert!(world
        .data("ExecPreflight")
        .contains("has no way to ssmmessages, logs"));
    let managed = (
        "debug-toolkit:managed-by",
        String::from("ecs-debug-toolkit"),
    );
    let channel = ("debug-toolkit:channel", CHANNEL.to_string());
    world
        .run_tasks(1, "debug-toolkit", &[managed.clone(), channel.clone()])
        .await;
    world.ecs_events.wait_for(1, Duration::from_secs(60)).await;
    let posts = world.slack.posts();
    let text = posts[0].body["text"].as_str().unwrap();
    assert!(
        text.contains("ECS Exec is not ready yet (ExecuteCommandAgent: PENDING)"),
        "{text}"
    );

    // A route through a private NAT gateway leads nowhere (its traffic is dropped at the internet
    // gateway): the next task's agent stays PENDING too.
    let ec2 = aws_sdk_ec2::Client::new(&world.aws);
    default_route(&ec2, &world.vpc, DefaultRoute::PrivateNatGateway).await;
    world
        .run_tasks(1, "debug-toolkit", &[managed.clone(), channel.clone()])
        .await;
    world.ecs_events.wait_for(2, Duration::from_secs(60)).await;
    let posts = world.slack.posts();
    let text = posts[1].body["text"].as_str().unwrap();
    assert!(text.contains("ECS Exec is not ready yet"), "{text}");

    // A public NAT gateway, in a subnet routing to an internet gateway, gives the subnets their
    // way out: the next task's agent comes up.
    let public = nat_gateway(&ec2, &world.vpc, ConnectivityType::Public).await;
    reroute_to_nat(&ec2, &world.vpc, &public).await;
    world
        .run_tasks(1, "debug-toolkit", &[managed, channel])
        .await;
    world.ecs_events.wait_for(3, Duration::from_secs(60)).await;
    let posts = world.slack.posts();
    let text = posts[2].body["text"].as_str().unwrap();
    assert!(text.contains("is running and ECS Exec is ready"), "{text}");
    // With the Stop and Extend 1h buttons of that task.
    let blocks = posts[2].body["blocks"].as_array().unwrap();
    let actions = blocks.last().unwrap();
    assert_eq!(actions["type"], "actions", "{blocks:?}");
    let value = actions["elements"][0]["value"].as_str().unwrap();
    assert!(
        value.starts_with(&format!("{}/", world.data("ClusterName")))
            && text.contains(value.split('/').nth(1).unwrap()),
        "{value} names the task of {text}"
    );
    let ids: Vec<&str> = actions["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["debug_stop", "debug_extend"]);
}
