use crate::*;
use integration_tests::leaks;

#[tokio::test]
async fn bad_properties_fail_fast_naming_the_property_and_touch_nothing() {
    let world = world().await;
    // The unit tests' table (events/ecs-environment/bad-properties.json), through the binary.
    let table = integration_tests::samples::sample("ecs-environment/bad-properties");
    for (i, row) in table.as_array().unwrap().iter().enumerate() {
        let (property, words) = (row["property"].as_str().unwrap(), &row["reason"]);
        let key = format!("bad-{i}");
        let props = props(&world, "bad-input", json!({ property: row["value"] }));
        let response = create(&world, &key, &props).await;
        let reason = assert_failed(&response, words.as_str().unwrap());
        assert!(reason.contains(property), "{reason}");
        assert!(reason.contains("invalid properties"), "{reason}");
        let physical_id = response["PhysicalResourceId"].as_str().unwrap();
        assert!(physical_id.starts_with("failed-create-"), "{physical_id}");
    }
    // Validation makes no AWS call (after the request's verification with CloudFormation).
    assert_only_verification_called(&world);
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
