//! `Data.ExecPreflight` (contract v2): `ok`, or the sentence naming the subnets from which ECS
//! Exec cannot reach `ssmmessages`; it never fails the Create, and it follows the network.

use crate::*;

#[tokio::test]
async fn the_preflight_names_what_blocks_exec_and_turns_ok_with_an_endpoint() {
    let world = world().await;
    let props = props(&world, "preflight", json!({}));
    let created = create(&world, "create", &props).await;
    let physical_id = assert_success(&created);
    // The fixture's private subnets have no NAT or internet gateway route, and no endpoint.
    let verdict = created["Data"]["ExecPreflight"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        verdict.starts_with("ECS Exec cannot reach ssmmessages from "),
        "{verdict}"
    );
    for subnet in &world.vpc.private_subnets {
        assert!(verdict.contains(subnet.as_str()), "{verdict}");
    }
    assert!(verdict.contains(&world.vpc.id), "{verdict}");
    assert!(
        world
            .function
            .logs()
            .contains("ECS Exec may not work in this environment"),
        "said in the function's log too"
    );

    // An ssmmessages interface endpoint with private DNS: the next Update says ok.
    aws_sdk_ec2::Client::new(&world.aws)
        .create_vpc_endpoint()
        .vpc_id(&world.vpc.id)
        .vpc_endpoint_type(aws_sdk_ec2::types::VpcEndpointType::Interface)
        .service_name("com.amazonaws.eu-west-1.ssmmessages")
        .set_subnet_ids(Some(world.vpc.private_subnets.clone()))
        .private_dns_enabled(true)
        .send()
        .await
        .expect("CreateVpcEndpoint");
    let updated = update(&world, "update", &physical_id, &props, &props).await;
    assert_eq!(updated["Data"]["ExecPreflight"], "ok", "{updated:#}");
    assert_success(&delete(&world, "delete", &physical_id, &props).await);
}
