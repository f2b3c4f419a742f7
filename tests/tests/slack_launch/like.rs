//! `start <cluster> --like <service>` (docs/interface.md): the debug task placed like a service —
//! its subnets, `assignPublicIp` and security groups plus the environment's — with the debug
//! toolkit's own task definition and roles; refused, naming why, for a service that is missing or
//! cannot be copied.

use crate::*;
use aws_sdk_ecs::types::{AssignPublicIp, AwsVpcConfiguration, NetworkConfiguration};
use serde_json::json;

/// The service `payments-api` in its own security group and the second private subnet.
async fn service(world: &LaunchWorld, awsvpc: bool) -> String {
    let ec2 = aws_sdk_ec2::Client::new(&world.aws);
    let group = world
        .vpc
        .security_group(&ec2, "payments-api", "the payments API")
        .await;
    let client = ecs(world);
    app_task_definition(world, awsvpc).await;
    let mut create = client
        .create_service()
        .cluster(CLUSTER)
        .service_name("payments-api")
        .task_definition("payments-api")
        .desired_count(0);
    if awsvpc {
        create = create.network_configuration(
            NetworkConfiguration::builder()
                .awsvpc_configuration(
                    AwsVpcConfiguration::builder()
                        .subnets(world.vpc.private_subnets[1].clone())
                        .security_groups(&group)
                        .assign_public_ip(AssignPublicIp::Disabled)
                        .build()
                        .unwrap(),
                )
                .build(),
        );
    }
    create.send().await.expect("CreateService");
    group
}

#[tokio::test]
async fn a_debug_task_placed_like_a_service() {
    let world = LaunchWorld::start().await;
    let group = service(&world, true).await;
    world.proxy.reset_counts();
    let task = start_debug_task(
        &world,
        "start payments-dev --like payments-api 30m db timeouts",
    )
    .await;

    let run = world.proxy.requests("RunTask");
    assert_eq!(run.len(), 1, "{run:#?}");
    let network = &run[0]["networkConfiguration"]["awsvpcConfiguration"];
    assert_eq!(network["subnets"], json!([world.vpc.private_subnets[1]]));
    assert_eq!(
        network["securityGroups"],
        json!([group, world.data("SecurityGroupId")])
    );
    assert_eq!(network["assignPublicIp"], "DISABLED");
    let definition = run[0]["taskDefinition"].as_str().unwrap();
    assert!(
        definition.contains("payments-dev-debug-toolkit"),
        "the toolkit's own: {definition}"
    );
    assert!(
        run[0]
            .get("overrides")
            .is_none_or(|o| o.get("taskRoleArn").is_none()),
        "no role of the service"
    );
    let tags = tags(&task_of(&world, &task).await);
    assert_eq!(tags["debug-toolkit:like-service"], "payments-api");
    let listed = world.slash(ALLOWED_USER, "C0X", "list").await;
    assert!(
        listed
            .body
            .to_string()
            .contains("placed like service `payments-api`"),
        "{listed:?}"
    );
}

async fn task_of(world: &LaunchWorld, arn: &str) -> aws_sdk_ecs::types::Task {
    task(world, arn).await
}

#[tokio::test]
async fn a_service_that_cannot_be_copied_is_refused_naming_why() {
    let world = LaunchWorld::start().await;
    service(&world, false).await;
    for (text, why) in [
        (
            "start payments-dev --like nope",
            "there is no service `nope` in cluster `payments-dev`",
        ),
        (
            "start payments-dev --like payments-api",
            "does not use awsvpc networking",
        ),
    ] {
        world.proxy.reset_counts();
        let answer = world.slash(ALLOWED_USER, "C0ELSEWHERE", text).await;
        assert!(answer.text.contains("Starting a debug task"), "{answer:?}");
        let events = world.bus.drain().await;
        let outcome = world.launch(events[0].clone()).await;
        assert_eq!(outcome["outcome"], "refused", "{outcome:#}");
        assert!(
            outcome["reason"].as_str().unwrap().contains(why),
            "{outcome:#}"
        );
        assert_eq!(world.proxy.calls().get("RunTask"), None, "nothing runs");
    }
    // A malformed service name is a usage error at once.
    let usage = world
        .slash(ALLOWED_USER, "C0X", "start payments-dev --like")
        .await;
    assert!(usage.text.contains("--like"), "{usage:?}");
    assert!(world.bus.drain().await.is_empty());
}
