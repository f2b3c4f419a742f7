//! `Data.ExecPreflight` (docs/interface.md, "Exec preflight"): `ok`, or the sentence naming each
//! subnet and what a debug task cannot reach from it (ssmmessages, logs, kms, the image), or the
//! `KmsKeyArn` whose key policy does not admit CloudWatch Logs; it never fails the Create, and it
//! follows the network and the key.

use crate::*;
use aws_sdk_ec2::types::{ConnectivityType, IpPermission, UserIdGroupPair};
use integration_tests::fakes::fault_proxy::Fault;
use integration_tests::leaks;
use integration_tests::network::{self, DefaultRoute, EndpointGroup, ECR_ENDPOINTS};

/// An image of another registry (Docker Hub): only a NAT gateway reaches it.
const DOCKER_HUB_IMAGE: &str = "nicolaka/netshoot:v0.13";

fn ec2(world: &World) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&world.aws)
}

/// A NAT gateway route for the private subnets: every need is met.
async fn nat(world: &World) {
    network::default_route(&ec2(world), &world.vpc, DefaultRoute::NatGateway).await;
}

async fn preflight(world: &World, key: &str, physical_id: &str, props: &Value) -> String {
    let updated = update(world, key, physical_id, props, props).await;
    assert_eq!(assert_success(&updated), physical_id);
    updated["Data"]["ExecPreflight"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_preflight_names_each_subnet_and_missing_piece_until_the_network_gives_them() {
    let world = world().await;
    let props = props(
        &world,
        "preflight",
        json!({"DebugToolkitImage": DOCKER_HUB_IMAGE}),
    );
    let created = create(&world, "create", &props).await;
    let physical_id = assert_success(&created);
    // The fixture's private subnets have no way out at all, and the image is Docker Hub's.
    let verdict = created["Data"]["ExecPreflight"].as_str().unwrap();
    for subnet in &world.vpc.private_subnets {
        assert!(
            verdict.contains(&format!(
                "{subnet} has no way to ssmmessages, logs, the image's registry (only through NAT)"
            )),
            "{verdict}"
        );
    }
    assert!(
        world
            .function
            .logs()
            .contains("ECS Exec may not work in this environment"),
        "said in the function's log too"
    );

    // An ssmmessages endpoint alone (yesterday's "ok") leaves logs and the image unreachable.
    network::interface_endpoints(&ec2(&world), &world.vpc, &["ssmmessages"]).await;
    let verdict = preflight(&world, "ssmmessages", &physical_id, &props).await;
    assert!(
        verdict.contains("has no way to logs, the image's registry (only through NAT)"),
        "{verdict}"
    );
    // An internet gateway counts for nothing: debug tasks have no public IP.
    network::default_route(&ec2(&world), &world.vpc, DefaultRoute::InternetGateway).await;
    let verdict = preflight(&world, "igw", &physical_id, &props).await;
    assert!(verdict.contains("has no way to logs"), "{verdict}");
    assert_success(&delete(&world, "delete", &physical_id, &props).await);
}

#[tokio::test]
async fn a_nat_gateway_gives_every_way_out() {
    let world = world().await;
    nat(&world).await;
    let props = props(&world, "natted", json!({}));
    let created = create(&world, "create", &props).await;
    assert_eq!(created["Data"]["ExecPreflight"], "ok", "{created:#}");
    assert_success(&delete(&world, "delete", &assert_success(&created), &props).await);
}

#[tokio::test]
async fn a_private_nat_gateway_gives_no_way_out_until_a_public_one_takes_the_route() {
    let world = world().await;
    let ec2 = ec2(&world);
    let private = network::default_route(&ec2, &world.vpc, DefaultRoute::PrivateNatGateway).await;
    let props = props(&world, "privnat", json!({}));
    let created = create(&world, "create", &props).await;
    let physical_id = assert_success(&created);
    let verdict = created["Data"]["ExecPreflight"].as_str().unwrap();
    assert!(
        verdict.contains(&format!(
            "{} has no way to ssmmessages, logs, ecr.api, ecr.dkr, S3 (image layers) (the NAT gateway {private} is private (it cannot reach AWS's public endpoints))",
            world.vpc.private_subnets[0]
        )),
        "{verdict}"
    );
    let public = network::nat_gateway(&ec2, &world.vpc, ConnectivityType::Public).await;
    network::reroute_to_nat(&ec2, &world.vpc, &public).await;
    assert_eq!(
        preflight(&world, "public", &physical_id, &props).await,
        "ok"
    );
    assert_success(&delete(&world, "delete", &physical_id, &props).await);
}

#[tokio::test]
async fn a_public_nat_gateway_whose_subnet_has_no_internet_route_gives_no_way_out() {
    let world = world().await;
    let ec2 = ec2(&world);
    let nat =
        network::default_route(&ec2, &world.vpc, DefaultRoute::NatGatewayWithoutInternet).await;
    let props = props(
        &world,
        "nonat",
        json!({"DebugToolkitImage": DOCKER_HUB_IMAGE}),
    );
    let created = create(&world, "create", &props).await;
    let physical_id = assert_success(&created);
    let verdict = created["Data"]["ExecPreflight"].as_str().unwrap();
    assert!(
        verdict.contains(&format!(
            "has no way to ssmmessages, logs, the image's registry (only through NAT) (the NAT gateway {nat} is public but its subnet {} has no route to an internet gateway)",
            world.vpc.public_subnet
        )),
        "{verdict}"
    );
    // The NAT gateway's subnet gets a table routing to an internet gateway: the way is open.
    network::public_subnet_to_internet(&ec2, &world.vpc).await;
    assert_eq!(
        preflight(&world, "routed", &physical_id, &props).await,
        "ok"
    );
    assert_success(&delete(&world, "delete", &physical_id, &props).await);
}

#[tokio::test]
async fn endpoints_whose_group_admits_no_https_from_the_tasks_do_not_count() {
    let world = world().await;
    let ec2 = ec2(&world);
    let endpoints =
        network::interface_endpoints_with(&ec2, &world.vpc, &ECR_ENDPOINTS, EndpointGroup::NoHttps)
            .await;
    let table = network::main_route_table(&ec2, &world.vpc).await;
    network::s3_gateway(&ec2, &world.vpc, &[table]).await;
    let props = props(&world, "closed", json!({}));
    let created = create(&world, "create", &props).await;
    let physical_id = assert_success(&created);
    let verdict = created["Data"]["ExecPreflight"].as_str().unwrap();
    assert!(
        verdict.contains(&format!(
            "{} has no way to ssmmessages, logs, ecr.api, ecr.dkr (the endpoint {} (ssmmessages) admits no HTTPS from the tasks;",
            world.vpc.private_subnets[0], endpoints.ids[0]
        )),
        "{verdict}"
    );
    // The endpoints' group admits HTTPS from the environment's group: every need is met.
    let tasks = created["Data"]["SecurityGroupId"].as_str().unwrap();
    ec2.authorize_security_group_ingress()
        .group_id(&endpoints.group_id)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(443)
                .to_port(443)
                .user_id_group_pairs(UserIdGroupPair::builder().group_id(tasks).build())
                .build(),
        )
        .send()
        .await
        .expect("AuthorizeSecurityGroupIngress");
    assert_eq!(preflight(&world, "open", &physical_id, &props).await, "ok");
    // Delete answers FAILED while the endpoints' group references the environment's (contract
    // section 2): the user removes the rule first.
    ec2.revoke_security_group_ingress()
        .group_id(&endpoints.group_id)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(443)
                .to_port(443)
                .user_id_group_pairs(UserIdGroupPair::builder().group_id(tasks).build())
                .build(),
        )
        .send()
        .await
        .expect("RevokeSecurityGroupIngress");
    assert_success(&delete(&world, "delete", &physical_id, &props).await);
}

#[tokio::test]
async fn an_ecr_image_needs_both_ecr_endpoints_and_the_s3_gateway_on_the_subnets_table() {
    let world = world().await;
    let ec2 = ec2(&world);
    network::interface_endpoints(&ec2, &world.vpc, &ECR_ENDPOINTS).await;
    // The stack's own image (its ECR repository), as environments get it by default.
    let props = props(&world, "ecr", json!({}));
    let created = create(&world, "create", &props).await;
    let physical_id = assert_success(&created);
    let verdict = created["Data"]["ExecPreflight"].as_str().unwrap();
    assert!(
        verdict.contains(&format!(
            "{} has no way to S3 (image layers)",
            world.vpc.private_subnets[0]
        )),
        "{verdict}"
    );
    let table = network::main_route_table(&ec2, &world.vpc).await;
    network::s3_gateway(&ec2, &world.vpc, &[table]).await;
    assert_eq!(preflight(&world, "s3", &physical_id, &props).await, "ok");
    assert_success(&delete(&world, "delete", &physical_id, &props).await);
}

#[tokio::test]
async fn a_transit_gateway_route_is_not_verified() {
    let world = world().await;
    network::default_route(&ec2(&world), &world.vpc, DefaultRoute::TransitGateway).await;
    let props = props(&world, "transit", json!({}));
    let created = create(&world, "create", &props).await;
    let verdict = created["Data"]["ExecPreflight"].as_str().unwrap();
    assert!(
        verdict.contains("only through transit gateway tgw-") && verdict.contains("(not verified)"),
        "{verdict}"
    );
    assert_success(&delete(&world, "delete", &assert_success(&created), &props).await);
}

#[tokio::test]
async fn a_key_policy_that_stops_admitting_logs_is_named_at_the_next_update() {
    let world = world().await;
    nat(&world).await;
    let key = LogsKey::create(&world.aws, true).await;
    let props = props(&world, "keyed", json!({"KmsKeyArn": key.arn}));
    let created = create(&world, "create", &props).await;
    let physical_id = assert_success(&created);
    assert_eq!(created["Data"]["ExecPreflight"], "ok", "{created:#}");

    // Someone narrows the key policy: the log groups keep the key, Logs may no longer use it.
    key.set_admits_logs(&world.aws, false).await;
    let updated = update(&world, "update", &physical_id, &props, &props).await;
    assert_eq!(assert_success(&updated), physical_id);
    let verdict = updated["Data"]["ExecPreflight"].as_str().unwrap();
    assert_eq!(
        verdict,
        format!(
            "ECS Exec cannot log to /ecs/keyed/ecs-exec encrypted with {}: its policy does not allow logs.eu-west-1.amazonaws.com kms:Encrypt, kms:Decrypt, kms:GenerateDataKey",
            key.arn
        )
    );
    assert!(world.function.logs().contains(&key.arn), "logged too");

    key.set_admits_logs(&world.aws, true).await;
    let again = update(&world, "again", &physical_id, &props, &props).await;
    assert_eq!(again["Data"]["ExecPreflight"], "ok", "{again:#}");
    assert_success(&delete(&world, "delete", &physical_id, &props).await);
}

#[tokio::test]
async fn a_create_with_a_key_logs_may_not_use_fails_as_on_aws_and_leaves_nothing() {
    let world = world().await;
    let key = LogsKey::create(&world.aws, false).await;
    let props = props(&world, "unkeyed", json!({"KmsKeyArn": key.arn}));
    let response = create(&world, "create", &props).await;
    // CloudWatch Logs refuses the log group before the preflight could speak: AWS's own words.
    assert_failed(
        &response,
        "The specified KMS key does not exist or is not allowed to be used with Arn",
    );
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_key_policy_that_cannot_be_read_is_said_and_the_create_still_succeeds() {
    let world = world().await;
    nat(&world).await;
    let key = LogsKey::create(&world.aws, true).await;
    // Throttled on every attempt the SDK makes: the check cannot be made.
    world.proxy.inject("GetKeyPolicy", Fault::Throttle, None);
    let props = props(&world, "unread", json!({"KmsKeyArn": key.arn}));
    let created = create(&world, "create", &props).await;
    let physical_id = assert_success(&created);
    assert_eq!(
        created["Data"]["ExecPreflight"],
        format!(
            "the key policy of {} could not be checked (GetKeyPolicy failed: ThrottlingException: Rate exceeded)",
            key.arn
        ),
        "{created:#}"
    );
    assert_success(&delete(&world, "delete", &physical_id, &props).await);
}
