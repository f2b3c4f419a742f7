//! `VpcEndpoints` (docs/interface.md, "VPC endpoints"): `needed` makes what the preflight says
//! the subnets lack (interface endpoints with private DNS behind `C-vpc-endpoints`, an S3 gateway
//! endpoint on their route table), nothing the VPC already has; an explicit list makes exactly
//! that; bad values and a VPC without DNS are refused with nothing made; Update converges ours,
//! Delete and a failed Create remove them.

mod refused;

use crate::*;
use aws_sdk_ec2::types::{VpcEndpoint, VpcEndpointType};
use integration_tests::leaks;
use integration_tests::moto::{Network, REGION};
use integration_tests::network;
use integration_tests::worlds::reap::{ReapWorld, CHANNEL};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// An image in the stack's own ECR: ecr.api, ecr.dkr and S3 are needed without NAT.
pub(super) const ECR_IMAGE: &str =
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-debug-toolkit/debug-toolkit:1.0.0";

pub(super) fn ec2(aws: &aws_config::SdkConfig) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(aws)
}

pub(super) async fn endpoints(aws: &aws_config::SdkConfig, ids: &str) -> Vec<VpcEndpoint> {
    if ids.is_empty() {
        return Vec::new();
    }
    let ids: Vec<String> = ids.split(',').map(str::to_string).collect();
    let found = ec2(aws)
        .describe_vpc_endpoints()
        .set_vpc_endpoint_ids(Some(ids))
        .send()
        .await
        .expect("DescribeVpcEndpoints");
    found.vpc_endpoints().to_vec()
}

fn service(e: &VpcEndpoint) -> String {
    let name = e.service_name().unwrap_or_default();
    name.trim_start_matches(&format!("com.amazonaws.{REGION}."))
        .to_string()
}

pub(super) fn services(found: &[VpcEndpoint]) -> BTreeSet<String> {
    found.iter().map(service).collect()
}

pub(super) fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn needed_without_nat_or_internet_gateway_makes_the_endpoints_and_the_exec_agent_comes_up() {
    let started = Instant::now();
    let props = json!({"VpcEndpoints": "needed", "DebugToolkitImage": ECR_IMAGE});
    let world = ReapWorld::start_with_props(true, Network::Modelled, props).await;
    let created_in = started.elapsed();
    println!("Create with VpcEndpoints=needed (world included): {created_in:?}");
    assert_eq!(world.data("ExecPreflight"), "ok", "{:#}", world.created);
    let ids = world.data("VpcEndpointIds");
    let found = endpoints(&world.aws, &ids).await;
    assert_eq!(
        services(&found),
        set(&["ecr.api", "ecr.dkr", "logs", "s3", "ssmmessages"])
    );
    let tasks_group = world.data("SecurityGroupId");
    let described = ec2(&world.aws)
        .describe_subnets()
        .set_subnet_ids(Some(world.vpc.private_subnets.clone()))
        .send()
        .await
        .unwrap();
    let zones: BTreeSet<&str> = described
        .subnets()
        .iter()
        .filter_map(|s| s.availability_zone())
        .collect();
    let main_table = network::main_route_table(&ec2(&world.aws), &world.vpc).await;
    let mut endpoint_group = None;
    for endpoint in &found {
        assert_eq!(endpoint.state().map(|s| s.as_str()), Some("available"));
        let tags: Vec<(&str, &str)> = endpoint
            .tags()
            .iter()
            .map(|t| (t.key().unwrap_or_default(), t.value().unwrap_or_default()))
            .collect();
        assert!(
            tags.contains(&("debug-toolkit:managed-by", "ecs-debug-toolkit")),
            "{tags:?}"
        );
        assert!(
            tags.iter().any(|(k, _)| *k == "debug-toolkit:owner"),
            "{tags:?}"
        );
        if endpoint.vpc_endpoint_type() == Some(&VpcEndpointType::Gateway) {
            assert_eq!(
                endpoint.route_table_ids(),
                std::slice::from_ref(&main_table)
            );
            continue;
        }
        assert_eq!(endpoint.private_dns_enabled(), Some(true));
        assert_eq!(
            endpoint.subnet_ids().len(),
            zones.len(),
            "one subnet per zone"
        );
        let groups: Vec<&str> = endpoint
            .groups()
            .iter()
            .filter_map(|g| g.group_id())
            .collect();
        assert_eq!(groups.len(), 1);
        endpoint_group = Some(groups[0].to_string());
    }
    let described = ec2(&world.aws)
        .describe_security_groups()
        .group_ids(endpoint_group.expect("interface endpoints"))
        .send()
        .await
        .expect("DescribeSecurityGroups");
    let group = described.security_groups()[0].clone();
    assert_eq!(group.group_name(), Some("payments-dev-vpc-endpoints"));
    let ingress = group.ip_permissions();
    assert_eq!(ingress.len(), 1, "{ingress:?}");
    assert_eq!(
        (ingress[0].from_port(), ingress[0].to_port()),
        (Some(443), Some(443))
    );
    let sources: Vec<&str> = ingress[0]
        .user_id_group_pairs()
        .iter()
        .filter_map(|p| p.group_id())
        .collect();
    assert_eq!(sources, [tasks_group.as_str()]);
    assert!(ingress[0].ip_ranges().is_empty());

    // A debug task in a VPC with no NAT and no internet gateway: its agent comes up.
    let managed = (
        "debug-toolkit:managed-by",
        String::from("ecs-debug-toolkit"),
    );
    let channel = ("debug-toolkit:channel", CHANNEL.to_string());
    world
        .run_tasks(1, "debug-toolkit", &[managed, channel])
        .await;
    world.ecs_events.wait_for(1, Duration::from_secs(60)).await;
    let posts = world.slack.posts();
    let text = posts[0].body["text"].as_str().unwrap();
    assert!(text.contains("is running and ECS Exec is ready"), "{text}");
}

#[tokio::test]
async fn a_logs_endpoint_already_there_is_neither_duplicated_nor_touched_and_delete_leaves_nothing()
{
    let world = world().await;
    let theirs = network::interface_endpoints_with(
        &ec2(&world.aws),
        &world.vpc,
        &["logs"],
        network::EndpointGroup::HttpsFromVpc,
    )
    .await;
    let before = endpoints(&world.aws, &theirs.ids.join(",")).await;
    let needed = props(
        &world,
        "needed",
        json!({"VpcEndpoints": "needed", "DebugToolkitImage": ECR_IMAGE}),
    );
    let props = needed;
    let started = Instant::now();
    let created = create(&world, "create", &props).await;
    println!(
        "figure: Create with VpcEndpoints=needed took {:?}",
        started.elapsed()
    );
    let physical_id = assert_success(&created);
    let ids = created["Data"]["VpcEndpointIds"].as_str().unwrap();
    assert_eq!(
        services(&endpoints(&world.aws, ids).await),
        set(&["ecr.api", "ecr.dkr", "s3", "ssmmessages"])
    );
    assert!(!ids.contains(&theirs.ids[0]));
    assert_eq!(created["Data"]["ExecPreflight"], "ok", "{created:#}");
    assert_eq!(
        endpoints(&world.aws, &theirs.ids.join(",")).await,
        before,
        "untouched"
    );

    // Update to none: ours go, theirs stays.
    let mut none = props.clone();
    none.as_object_mut().unwrap().remove("VpcEndpoints");
    let updated = update(&world, "none", &physical_id, &none, &props).await;
    assert_success(&updated);
    assert_eq!(updated["Data"]["VpcEndpointIds"], "");
    let left: Vec<String> = leaks::inventory(&world.aws)
        .await
        .into_iter()
        .filter(|l| l.starts_with("vpc-endpoint") || l.contains("vpc-endpoints"))
        .collect();
    assert_eq!(left, [format!("vpc-endpoint com.amazonaws.{REGION}.logs")]);

    // Back to an explicit list, then Delete: nothing of ours is left.
    let mut listed = props.clone();
    listed["VpcEndpoints"] = json!("ssmmessages,s3");
    let updated = update(&world, "listed", &physical_id, &listed, &none).await;
    assert_success(&updated);
    let ids = updated["Data"]["VpcEndpointIds"].as_str().unwrap();
    assert_eq!(
        services(&endpoints(&world.aws, ids).await),
        set(&["s3", "ssmmessages"])
    );
    assert_success(&delete(&world, "delete", &physical_id, &listed).await);
    let mut expected = vec![
        format!("security-group {}", theirs_group_name()),
        format!("vpc-endpoint com.amazonaws.{REGION}.logs"),
    ];
    expected.sort();
    assert_eq!(leaks::inventory(&world.aws).await, expected);
}

fn theirs_group_name() -> String {
    "endpoints-HttpsFromVpc-logs".to_string()
}
