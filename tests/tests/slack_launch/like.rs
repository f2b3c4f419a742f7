//! `start <cluster> --like <service>` (docs/interface.md): the debug task placed like a service —
//! its subnets and security groups plus the environment's, never its public IP — with the debug
//! toolkit's own task definition and roles; only for a service the environment's `LikeServices`
//! lists; refused, naming why, for a service that is missing, not listed or cannot be copied.

use crate::*;
use aws_sdk_ecs::types::{AssignPublicIp, AwsVpcConfiguration, NetworkConfiguration};
use serde_json::json;

/// A world whose environment lets `start --like` copy `like` (`LikeServices`).
async fn world_copying(like: &str) -> LaunchWorld {
    LaunchWorld::start_with_properties(&[], &[], json!({ "LikeServices": like })).await
}

/// The service `payments-api` in its own security group and the second private subnet, with a
/// public IP.
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
                        .assign_public_ip(AssignPublicIp::Enabled)
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
    let world = world_copying("worker, payments-api").await;
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
    assert_eq!(
        network["assignPublicIp"], "DISABLED",
        "never a public IP, whatever the service has"
    );
    let told = world.slack.wait_for(1, SLACK_WAIT).await;
    assert!(
        told.iter()
            .any(|p| p.body.to_string().contains("a debug task never gets one")),
        "{told:#?}"
    );
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
    let world = world_copying("*").await;
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

/// `LikeServices` not set: no service may be copied. slack-command refuses before anything is
/// queued, and debug-launcher refuses a request put on the bus by anyone else, naming the property
/// and the service, before it reads the service.
#[tokio::test]
async fn a_service_the_environment_does_not_list_is_refused() {
    let world = LaunchWorld::start().await;
    service(&world, true).await;
    world.proxy.reset_counts();
    let answer = world
        .slash(
            ALLOWED_USER,
            "C0X",
            "start payments-dev --like payments-api",
        )
        .await;
    let why = "service `payments-api` of cluster `payments-dev` may not be copied with `--like`: the environment's `LikeServices` property is not set";
    assert!(answer.text.contains(why), "{answer:?}");
    assert!(world.bus.drain().await.is_empty(), "nothing queued");

    let mut event = launch_request(&world.slack.response_url("like"));
    event["detail"]["likeService"] = json!("payments-api");
    let outcome = world.launch(event).await;
    assert_eq!(outcome["outcome"], "refused", "{outcome:#}");
    assert!(
        outcome["reason"].as_str().unwrap().contains(why),
        "{outcome:#}"
    );
    for action in ["DescribeServices", "RunTask"] {
        assert_eq!(world.proxy.calls().get(action), None, "no {action}");
    }
    let told = world.slack.wait_for(1, SLACK_WAIT).await;
    assert!(
        told.iter()
            .any(|p| p.body.to_string().contains("LikeServices")),
        "{told:#?}"
    );
}
