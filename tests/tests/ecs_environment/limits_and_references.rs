//! What a real account refuses beyond IAM (docs/real-aws.md): a role's inline policies over IAM's
//! 10,240 characters, a source group that does not exist, a group another group's rule still
//! references. Each is refused before anything changes, naming its cause.

use crate::app_side::role_policy;
use crate::*;
use aws_sdk_ec2::types::{IpPermission, UserIdGroupPair};
use integration_tests::leaks;
use std::time::Instant;

/// A name of `len` characters, unique by `i`.
fn name(i: usize, len: usize) -> String {
    format!("{i:02}{}", "x".repeat(len - 2))
}

#[tokio::test]
async fn an_app_policy_iam_would_refuse_is_refused_before_any_aws_call() {
    let world = world().await;
    // 20 buckets and 20 tables of long names (S3 allows 63 characters, DynamoDB 255): IAM's
    // LimitExceeded on AWS, after the other resources were made.
    let buckets: Vec<String> = (0..20)
        .map(|i| format!("arn:aws:s3:::{}", name(i, 63)))
        .collect();
    let tables: Vec<String> = (0..20)
        .map(|i| {
            format!(
                "arn:aws:dynamodb:eu-west-1:123456789012:table/{}",
                name(i, 200)
            )
        })
        .collect();
    let big = props(
        &world,
        "big-app",
        json!({"AppS3BucketArns": buckets, "AppDynamoDbTableArns": tables}),
    );
    world.proxy.reset_counts();
    let response = create(&world, "create", &big).await;
    assert_failed(
        &response,
        "AppS3BucketArns, AppDynamoDbTableArns and AppKmsKeyArns: together they make the big-app-app-task role's policy",
    );
    // No AWS call but the request's verification with CloudFormation.
    assert_only_verification_called(&world);

    // What fits is made, and the keys are granted through S3 and DynamoDB of this region only.
    let key = "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0000-4000-8000-000000000001";
    let fitting = props(
        &world,
        "big-app",
        json!({"AppS3BucketArns": &buckets[..10], "AppKmsKeyArns": key}),
    );
    let created = create(&world, "fits", &fitting).await;
    let physical_id = assert_success(&created);
    let policy = role_policy(&world, "big-app-app-task").await.unwrap();
    let keys = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == "AppDataKeys")
        .expect("the keys' statement")
        .clone();
    assert_eq!(keys["Resource"], json!([key]));
    assert_eq!(
        keys["Condition"]["StringEquals"]["kms:ViaService"],
        json!([
            "s3.eu-west-1.amazonaws.com",
            "dynamodb.eu-west-1.amazonaws.com"
        ])
    );
    assert_success(&delete(&world, "delete", &physical_id, &fitting).await);
}

#[tokio::test]
async fn a_source_group_that_does_not_exist_fails_at_once_naming_it() {
    let world = world().await;
    let alb = world.vpc.load_balancer_group(&world.aws).await;
    let before = leaks::inventory(&world.aws).await;
    let missing = "sg-0123456789abcdef0";
    let props = props(
        &world,
        "typo",
        json!({"AppIngressPorts": "8080", "AppIngressSourceSecurityGroupIds": [alb, missing]}),
    );
    let started = Instant::now();
    let response = create(&world, "create", &props).await;
    assert_failed(
        &response,
        &format!(
            "AppIngressSourceSecurityGroupIds: {missing} does not exist in this account and region"
        ),
    );
    assert!(
        started.elapsed().as_secs() < 15,
        "no consistency window waited out: {:?}",
        started.elapsed()
    );
    assert_eq!(leaks::inventory(&world.aws).await, before, "nothing made");
}

#[tokio::test]
async fn another_accounts_group_is_admitted_by_account_and_id() {
    let world = world().await;
    let shared = "210987654321/sg-0fedcba9876543210";
    let props = props(
        &world,
        "shared-lb",
        json!({"AppIngressPorts": "8080", "AppIngressSourceSecurityGroupIds": shared}),
    );
    let created = create(&world, "create", &props).await;
    let physical_id = assert_success(&created);
    let group = security_group(&world, created["Data"]["SecurityGroupId"].as_str().unwrap()).await;
    let pair = &group.ip_permissions()[0].user_id_group_pairs()[0];
    assert_eq!(pair.group_id(), Some("sg-0fedcba9876543210"));
    assert_eq!(pair.user_id(), Some("210987654321"));
    assert_success(&delete(&world, "delete", &physical_id, &props).await);
}

#[tokio::test]
async fn a_delete_while_another_group_references_ours_fails_naming_it_and_changes_nothing() {
    let world = world().await;
    let ec2 = aws_sdk_ec2::Client::new(&world.aws);
    let props = props(&world, "referenced", json!({}));
    let created = create(&world, "create", &props).await;
    let physical_id = assert_success(&created);
    let ours = created["Data"]["SecurityGroupId"]
        .as_str()
        .unwrap()
        .to_string();
    // The user's database admits the environment's tasks.
    let db = world
        .vpc
        .security_group(&ec2, "payments-db", "the application's database")
        .await;
    let admits_tasks = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(5432)
        .to_port(5432)
        .user_id_group_pairs(UserIdGroupPair::builder().group_id(&ours).build())
        .build();
    ec2.authorize_security_group_ingress()
        .group_id(&db)
        .ip_permissions(admits_tasks.clone())
        .send()
        .await
        .expect("AuthorizeSecurityGroupIngress");
    let before = leaks::inventory(&world.aws).await;

    let started = Instant::now();
    let refused = delete(&world, "delete", &physical_id, &props).await;
    let reason = assert_failed(&refused, &format!("{db} (payments-db) ingress tcp 5432"));
    assert!(reason.contains("nothing was removed"), "{reason}");
    assert!(started.elapsed().as_secs() < 120, "within 2 minutes");
    assert_eq!(
        leaks::inventory(&world.aws).await,
        before,
        "nothing removed"
    );
    let db_group = security_group(&world, &db).await;
    assert_eq!(
        db_group.ip_permissions().len(),
        1,
        "the user's rule untouched"
    );

    // The user removes the rule; the next Delete removes everything of ours.
    ec2.revoke_security_group_ingress()
        .group_id(&db)
        .ip_permissions(admits_tasks)
        .send()
        .await
        .expect("RevokeSecurityGroupIngress");
    assert_success(&delete(&world, "again", &physical_id, &props).await);
    assert!(leaks::inventory(&world.aws)
        .await
        .iter()
        .all(|r| !r.contains("referenced")));
}
