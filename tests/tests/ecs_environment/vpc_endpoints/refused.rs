//! `VpcEndpoints` refused before anything is made (bad values, DNS off, a way out elsewhere in the
//! VPC for `needed`), and faults (throttling, a CreateVpcEndpoint that keeps failing).

use super::{ec2, endpoints, services, set, ECR_IMAGE};
use crate::*;
use aws_sdk_ec2::types::AttributeBooleanValue;
use integration_tests::fakes::fault_proxy::Fault;
use integration_tests::leaks;
use integration_tests::network;

#[tokio::test]
async fn bad_values_and_a_vpc_without_dns_are_refused_with_nothing_made() {
    let world = world().await;
    for (value, words) in [
        ("ec2", "VpcEndpoints: ec2 is not one of `needed` or"),
        ("needed,logs", "VpcEndpoints: `needed` stands alone"),
    ] {
        let props = props(&world, "bad", json!({"VpcEndpoints": value}));
        assert_failed(&create(&world, value, &props).await, words);
    }
    ec2(&world.aws)
        .modify_vpc_attribute()
        .vpc_id(&world.vpc.id)
        .enable_dns_hostnames(AttributeBooleanValue::builder().value(false).build())
        .send()
        .await
        .expect("ModifyVpcAttribute");
    let props = props(&world, "nodns", json!({"VpcEndpoints": "logs"}));
    assert_failed(
        &create(&world, "nodns", &props).await,
        &format!(
            "VpcEndpoints: VPC {} has enableDnsHostnames off",
            world.vpc.id
        ),
    );
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}

#[tokio::test]
async fn throttling_is_retried_and_a_create_endpoint_that_keeps_failing_leaves_nothing() {
    let world = world().await;
    world
        .proxy
        .inject("CreateVpcEndpoint", Fault::Throttle, Some(2));
    let throttled = props(&world, "throttled", json!({"VpcEndpoints": "logs,s3"}));
    let created = create(&world, "create", &throttled).await;
    let physical_id = assert_success(&created);
    assert_eq!(world.proxy.injected()["CreateVpcEndpoint"], 2);
    let ids = created["Data"]["VpcEndpointIds"].as_str().unwrap();
    assert_eq!(
        services(&endpoints(&world.aws, ids).await),
        set(&["logs", "s3"])
    );
    assert_success(&delete(&world, "delete", &physical_id, &throttled).await);
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());

    // Half-way: the group, the cluster, the roles are made, then every CreateVpcEndpoint fails.
    world
        .proxy
        .inject("CreateVpcEndpoint", Fault::ServerError, None);
    let halfway = props(
        &world,
        "halfway",
        json!({"VpcEndpoints": "needed", "DebugToolkitImage": ECR_IMAGE}),
    );
    let response = create(&world, "halfway", &halfway).await;
    assert_failed(&response, "CreateVpcEndpoint");
    assert_failed(&response, "nothing was left behind");
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}

#[tokio::test]
async fn needed_makes_nothing_while_another_subnet_has_a_way_out_and_a_list_still_does() {
    let world = world().await;
    // The VPC's public subnet reaches the internet: its workloads may use logs' public name,
    // which private DNS would take over for the whole VPC.
    network::public_subnet_to_internet(&ec2(&world.aws), &world.vpc).await;
    let needed = props(
        &world,
        "wayout",
        json!({"VpcEndpoints": "needed", "DebugToolkitImage": ECR_IMAGE}),
    );
    let refused = create(&world, "wayout", &needed).await;
    assert_failed(
        &refused,
        &format!(
            "which answers for the whole VPC {}; its subnets {} (igw-",
            world.vpc.id, world.vpc.public_subnet
        ),
    );
    assert_failed(
        &refused,
        "(VpcEndpoints: ecr.api,ecr.dkr,logs,ssmmessages,s3) to make them anyway",
    );
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());

    // Listed by the user, who was told what private DNS does: made.
    let listed = props(&world, "listed", json!({"VpcEndpoints": "logs"}));
    let created = create(&world, "listed", &listed).await;
    let physical_id = assert_success(&created);
    let ids = created["Data"]["VpcEndpointIds"].as_str().unwrap();
    assert_eq!(services(&endpoints(&world.aws, ids).await), set(&["logs"]));
    assert_success(&delete(&world, "delete", &physical_id, &listed).await);
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_way_out_made_later_does_not_stop_updates_of_an_environment_that_has_its_endpoints() {
    let world = world().await;
    let needed = props(
        &world,
        "later",
        json!({"VpcEndpoints": "needed", "DebugToolkitImage": ECR_IMAGE}),
    );
    let created = create(&world, "later", &needed).await;
    let physical_id = assert_success(&created);
    let ids = created["Data"]["VpcEndpointIds"]
        .as_str()
        .unwrap()
        .to_string();
    network::public_subnet_to_internet(&ec2(&world.aws), &world.vpc).await;
    // Ours already answer for their names: nothing new would take one over.
    let mut changed = needed.clone();
    changed["IdleTimeoutMinutes"] = json!(45);
    let updated = update(&world, "later-update", &physical_id, &changed, &needed).await;
    assert_success(&updated);
    assert_eq!(updated["Data"]["VpcEndpointIds"], ids.as_str());
    assert_success(&delete(&world, "later-delete", &physical_id, &changed).await);
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_new_cluster_name_in_the_same_vpc_is_refused_while_the_old_endpoints_stand() {
    let world = world().await;
    let old = props(&world, "before", json!({"VpcEndpoints": "logs"}));
    let created = create(&world, "before", &old).await;
    let old_id = assert_success(&created);
    // CloudFormation's replacement: a Create under the new name, the old one still there.
    let renamed = props(&world, "after", json!({"VpcEndpoints": "logs"}));
    let refused = create(&world, "after", &renamed).await;
    assert_failed(
        &refused,
        "endpoints this stack resource made for cluster before (vpce-",
    );
    assert_failed(&refused, "still hold what cluster after wants");
    assert_failed(&refused, "rename in two steps");
    let endpoints_now = endpoints(
        &world.aws,
        created["Data"]["VpcEndpointIds"].as_str().unwrap(),
    )
    .await;
    assert_eq!(
        services(&endpoints_now),
        set(&["logs"]),
        "the old ones untouched"
    );
    // Another service under the new name holds nothing of the old one's: made (and a rollback's
    // Delete of the new one, then the old one's, leave nothing).
    let other = props(&world, "after", json!({"VpcEndpoints": "kms"}));
    let made = create(&world, "after-kms", &other).await;
    let new_id = assert_success(&made);
    let ids = made["Data"]["VpcEndpointIds"].as_str().unwrap();
    assert_eq!(services(&endpoints(&world.aws, ids).await), set(&["kms"]));
    assert_success(&delete(&world, "after-delete", &new_id, &other).await);
    assert_success(&delete(&world, "before-delete", &old_id, &old).await);
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}
