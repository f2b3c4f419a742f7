//! `Data.ExecPreflight` (docs/interface.md, "Exec preflight"): `ok`, or the sentence naming the
//! subnets from which ECS Exec cannot reach `ssmmessages`, or the `KmsKeyArn` whose key policy
//! does not admit CloudWatch Logs; it never fails the Create, and it follows the network and key.

use crate::*;
use integration_tests::fakes::fault_proxy::Fault;
use integration_tests::leaks;

async fn ssmmessages_endpoint(world: &World) {
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
}

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
    ssmmessages_endpoint(&world).await;
    let updated = update(&world, "update", &physical_id, &props, &props).await;
    assert_eq!(updated["Data"]["ExecPreflight"], "ok", "{updated:#}");
    assert_success(&delete(&world, "delete", &physical_id, &props).await);
}

#[tokio::test]
async fn a_key_policy_that_stops_admitting_logs_is_named_at_the_next_update() {
    let world = world().await;
    ssmmessages_endpoint(&world).await;
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
    ssmmessages_endpoint(&world).await;
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
