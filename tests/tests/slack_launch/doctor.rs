//! `doctor <cluster>`: the ECS Exec checklist, answered within Slack's 3 s, each line ok or what
//! to change; authorised as `start` (a stranger learns nothing of the cluster).

use crate::*;
use aws_sdk_ec2::types::ConnectivityType;
use integration_tests::network::{self, DefaultRoute, EndpointGroup};
use integration_tests::worlds::launch::SlashAnswer;

fn lines(answer: &SlashAnswer) -> Vec<String> {
    answer.body["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .skip(1)
        .filter_map(|b| b["text"]["text"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn a_healthy_cluster_is_ok_and_a_broken_one_says_what_to_change() {
    let world = LaunchWorld::start().await;
    let ec2 = aws_sdk_ec2::Client::new(&world.aws);

    // The fixture's private subnets have no way out: the network line says which and why.
    let broken = world
        .slash(ALLOWED_USER, "C0X", "doctor payments-dev")
        .await;
    assert_eq!(broken.status, 200);
    assert!(
        broken.took < std::time::Duration::from_secs(3),
        "{:?}",
        broken.took
    );
    assert!(broken.text.contains("4 of 5 ok"), "{broken:?}");
    let shown = lines(&broken);
    assert_eq!(shown.len(), 5, "{shown:#?}");
    assert!(
        shown[..4]
            .iter()
            .all(|l| l.starts_with(":white_check_mark:")),
        "{shown:#?}"
    );
    assert!(
        shown[0].contains("/ecs/payments-dev/ecs-exec"),
        "{shown:#?}"
    );
    assert!(
        shown[4].starts_with(":warning: network:")
            && shown[4].contains("has no way to ssmmessages, logs"),
        "{shown:#?}"
    );

    // A private NAT gateway cannot reach AWS's public endpoints: named on the network line.
    let private = network::default_route(&ec2, &world.vpc, DefaultRoute::PrivateNatGateway).await;
    let natted = world
        .slash(ALLOWED_USER, "C0X", "doctor payments-dev")
        .await;
    assert!(natted.text.contains("4 of 5 ok"), "{:#?}", lines(&natted));
    assert!(
        lines(&natted)[4].contains(&format!("(the NAT gateway {private} is private")),
        "{:#?}",
        lines(&natted)
    );

    // A public NAT gateway whose subnet routes to an internet gateway: every line ok.
    let public = network::nat_gateway(&ec2, &world.vpc, ConnectivityType::Public).await;
    network::reroute_to_nat(&ec2, &world.vpc, &public).await;
    let healthy = world
        .slash(ALLOWED_USER, "C0X", "doctor payments-dev")
        .await;
    assert!(healthy.text.contains("5 of 5 ok"), "{:#?}", lines(&healthy));

    // The exec log group deleted behind the environment's back: named, with what to do.
    aws_sdk_cloudwatchlogs::Client::new(&world.aws)
        .delete_log_group()
        .log_group_name("/ecs/payments-dev/ecs-exec")
        .send()
        .await
        .expect("DeleteLogGroup");
    let missing = world
        .slash(ALLOWED_USER, "C0X", "doctor payments-dev")
        .await;
    let shown = lines(&missing);
    assert!(
        shown[1].starts_with(":warning: the exec log group `/ecs/payments-dev/ecs-exec` is missing: update the environment's stack"),
        "{shown:#?}"
    );

    // Someone who may not use the cluster: refused, nothing read beyond the cluster's tags.
    world.proxy.reset_counts();
    let stranger = world
        .slash("U0STRANGER", "C0X", "doctor payments-dev")
        .await;
    assert!(
        stranger.text.contains("you are not allowed"),
        "{stranger:?}"
    );
    let calls = world.proxy.calls();
    assert!(
        calls.keys().all(|c| c == "DescribeClusters"),
        "only the cluster was read: {calls:?}"
    );
    assert_no_secrets_logged(&world);
}

#[tokio::test]
async fn endpoints_that_admit_no_https_from_the_tasks_are_named() {
    let world = LaunchWorld::start().await;
    let ec2 = aws_sdk_ec2::Client::new(&world.aws);
    let services = ["ssmmessages", "logs"];
    let endpoints =
        network::interface_endpoints_with(&ec2, &world.vpc, &services, EndpointGroup::NoHttps)
            .await;
    let answer = world
        .slash(ALLOWED_USER, "C0X", "doctor payments-dev")
        .await;
    let shown = lines(&answer);
    assert!(
        shown[4].starts_with(":warning: network:")
            && shown[4].contains(&format!(
                "has no way to ssmmessages, logs, ecr.api, ecr.dkr, S3 (image layers) (the endpoint {} (ssmmessages) admits no HTTPS from the tasks; the endpoint {} (logs) admits no HTTPS from the tasks)",
                endpoints.ids[0], endpoints.ids[1]
            )),
        "{shown:#?}"
    );
}
