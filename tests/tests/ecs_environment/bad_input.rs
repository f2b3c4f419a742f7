use crate::*;
use integration_tests::leaks;

/// (property, value, words the reason must contain)
const BAD: &[(&str, &str, &str)] = &[
    ("ClusterName", "payments dev", "ClusterName"),
    ("VpcId", "vpc-nothex!", "VpcId"),
    ("SubnetIds", "subnet-0a1b2c3d,igw-0a1b2c3d", "SubnetIds"),
    (
        "EnableContainerInsights",
        "maybe",
        "EnableContainerInsights",
    ),
    (
        "CapacityProviders",
        "FARGATE,EC2_SPOT_THING,fargate-x",
        "CapacityProviders",
    ),
    (
        "DefaultCapacityProvider",
        "FARGATE_SPOT_PLUS",
        "DefaultCapacityProvider",
    ),
    ("CapacityProviderWeight", "0", "CapacityProviderWeight"),
    (
        "DebugToolkitImage",
        "busybox && curl evil",
        "DebugToolkitImage",
    ),
    ("DebugToolkitCpu", "333", "DebugToolkitCpu"),
    ("DebugToolkitMemory", "8192", "DebugToolkitMemory"),
    ("LogRetentionDays", "31", "LogRetentionDays"),
    ("DebugLogRetentionDays", "forever", "DebugLogRetentionDays"),
    (
        "KmsKeyArn",
        "arn:aws:kms:eu-west-1:123456789012:alias/logs",
        "KmsKeyArn",
    ),
    ("ExtraEgressPorts", "5432,99999", "ExtraEgressPorts"),
    ("AllowedSlackUsers", "alice", "AllowedSlackUsers"),
    ("AllowedSlackChannels", "#general", "AllowedSlackChannels"),
    ("IdleTimeoutMinutes", "-5", "IdleTimeoutMinutes"),
    ("MaxLifetimeMinutes", "99999999", "MaxLifetimeMinutes"),
    (
        "Tags",
        "[{\"Key\": \"aws:cloudformation:x\", \"Value\": \"1\"}]",
        "Tags",
    ),
    ("Environment", "prod\"; DROP", "Environment"),
    ("ClusterNmae", "typo", "ClusterNmae"),
];

#[tokio::test]
async fn bad_properties_fail_fast_naming_the_property_and_touch_nothing() {
    let world = world().await;
    for (i, (property, value, words)) in BAD.iter().enumerate() {
        let key = format!("bad-{i}");
        let props = props(&world, "bad-input", json!({ *property: value }));
        let response = create(&world, &key, &props).await;
        let reason = assert_failed(&response, words);
        assert!(reason.contains("invalid properties"), "{reason}");
        let physical_id = response["PhysicalResourceId"].as_str().unwrap();
        assert!(physical_id.starts_with("failed-create-"), "{physical_id}");
    }
    assert!(
        world.proxy.calls().is_empty(),
        "validation makes no AWS call: {:?}",
        world.proxy.calls()
    );
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}

#[tokio::test]
async fn network_problems_are_named_and_nothing_is_left() {
    let world = world().await;
    let cases = [
        (
            json!({"VpcId": "vpc-0123456789abcdef0"}),
            "VpcId: vpc-0123456789abcdef0 does not exist",
        ),
        (
            json!({"SubnetIds": "subnet-0123456789abcdef0"}),
            "SubnetIds",
        ),
    ];
    for (i, (extra, words)) in cases.into_iter().enumerate() {
        let response = create(&world, &format!("net-{i}"), &props(&world, "net", extra)).await;
        assert_failed(&response, words);
    }
    // A VPC without private subnets and no SubnetIds.
    let ec2 = aws_sdk_ec2::Client::new(&world.aws);
    let bare = ec2
        .create_vpc()
        .cidr_block("10.99.0.0/16")
        .send()
        .await
        .unwrap();
    let bare = bare.vpc().unwrap().vpc_id().unwrap();
    let response = create(
        &world,
        "bare",
        &json!({"ClusterName": "net", "VpcId": bare}),
    )
    .await;
    assert_failed(&response, "has no subnet tagged Tier=private");
    // A subnet of another VPC.
    let response = create(
        &world,
        "stray",
        &json!({"ClusterName": "net", "VpcId": bare,
        "SubnetIds": world.vpc.private_subnets[0]}),
    )
    .await;
    assert_failed(
        &response,
        &format!("is in {}, not in VpcId {bare}", world.vpc.id),
    );
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}

#[tokio::test]
async fn malformed_requests_still_get_exactly_one_answer() {
    let world = world().await;
    let mut event = CfnRequest::create("odd", &world.responses.url("odd"), &json!({}));
    event["RequestType"] = json!("Explode");
    let response = world.cloudformation(event, "odd", DEADLINE).await;
    assert_failed(&response, "malformed custom-resource request");
    let mut event = CfnRequest::create(
        "stackless",
        &world.responses.url("stackless"),
        &props(&world, "x", json!({})),
    );
    event["StackId"] = json!("not-a-stack");
    let response = world.cloudformation(event, "stackless", DEADLINE).await;
    assert_failed(&response, "not a CloudFormation stack ARN");
}
