//! The application side of the seed's diagram (docs/interface.md): the app task role's policy built
//! from the properties, ingress from the load balancer's group on the application's ports, both
//! converging on Update, all of it gone on Delete.

use crate::*;
use integration_tests::leaks::{self, policy_text};
use std::collections::BTreeSet;

const BUCKETS: [&str; 2] = [
    "arn:aws:s3:::payments-uploads",
    "arn:aws:s3:::payments-reports",
];
const TABLE: &str = "arn:aws:dynamodb:eu-west-1:123456789012:table/payments";

/// The app role's inline policy, parsed; None when it has none.
async fn app_policy(world: &World) -> Option<Value> {
    role_policy(world, "app-env-app-task").await
}

/// The inline policy of `role`, parsed; None when it has none.
pub async fn role_policy(world: &World, role: &str) -> Option<Value> {
    let iam = aws_sdk_iam::Client::new(&world.aws);
    let names = iam
        .list_role_policies()
        .role_name(role)
        .send()
        .await
        .expect("ListRolePolicies");
    let name = names.policy_names().first()?.clone();
    let policy = iam
        .get_role_policy()
        .role_name(role)
        .policy_name(name)
        .send()
        .await
        .expect("GetRolePolicy");
    Some(serde_json::from_str(&policy_text(policy.policy_document())).unwrap())
}

/// What ECS Exec needs, in every app role.
const EXEC_SIDS: [&str; 3] = [
    "EcsExecSessionChannels",
    "EcsExecFindLogGroup",
    "EcsExecSessionLogs",
];

fn sids(policy: &Value) -> Vec<&str> {
    policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Sid"].as_str().unwrap())
        .collect()
}

/// The group's ingress as (port, source group) pairs.
async fn ingress(world: &World, group: &str) -> BTreeSet<(i32, String)> {
    security_group(world, group)
        .await
        .ip_permissions()
        .iter()
        .flat_map(|p| {
            assert_eq!(p.ip_protocol(), Some("tcp"));
            assert_eq!(p.from_port(), p.to_port());
            assert!(p.ip_ranges().is_empty(), "no CIDR ingress: {p:?}");
            let port = p.from_port().unwrap();
            p.user_id_group_pairs()
                .iter()
                .map(move |pair| (port, pair.group_id().unwrap().to_string()))
        })
        .collect()
}

#[tokio::test]
async fn the_app_role_and_ingress_follow_the_properties_and_go_with_the_environment() {
    let world = world().await;
    let alb = world.vpc.load_balancer_group(&world.aws).await;
    let before = leaks::inventory(&world.aws).await;
    let full = props(
        &world,
        "app-env",
        json!({
            "AppS3BucketArns": BUCKETS,
            "AppDynamoDbTableArns": [TABLE],
            "AppIngressPorts": "8080,9090",
            "AppIngressSourceSecurityGroupIds": alb,
        }),
    );
    let created = create(&world, "create", &full).await;
    let physical_id = assert_success(&created);
    let data = &created["Data"];
    assert_eq!(
        data["AppTaskRoleArn"],
        "arn:aws:iam::123456789012:role/ecs-debug-toolkit/app-env-app-task"
    );
    assert_eq!(data["ServiceLogGroupName"], "/ecs/app-env");

    let policy = app_policy(&world).await.expect("an inline policy");
    let statements = policy["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 6, "{policy:#}");
    assert_eq!(
        statements[0]["Action"],
        json!(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"])
    );
    assert_eq!(
        statements[0]["Resource"],
        json!([
            "arn:aws:s3:::payments-uploads/*",
            "arn:aws:s3:::payments-reports/*"
        ])
    );
    assert_eq!(statements[1]["Action"], "s3:ListBucket");
    assert_eq!(
        statements[1]["Resource"],
        json!([
            "arn:aws:s3:::payments-uploads",
            "arn:aws:s3:::payments-reports"
        ])
    );
    assert_eq!(
        statements[2]["Resource"],
        json!([TABLE, format!("{TABLE}/index/*")])
    );
    let actions = statements[2]["Action"].as_array().unwrap();
    assert!(
        actions.contains(&json!("dynamodb:Query")) && actions.contains(&json!("dynamodb:PutItem"))
    );
    // Buckets of this account only (their ARNs name none); tables and keys by their ARNs.
    let own_account = json!({"StringEquals": {"s3:ResourceAccount": "123456789012"}});
    assert_eq!(statements[0]["Condition"], own_account);
    assert_eq!(statements[1]["Condition"], own_account);
    assert!(statements[2..3]
        .iter()
        .all(|s| s["Effect"] == "Allow" && s.get("Condition").is_none()));
    // ECS Exec works on the application's own service: the same grants as the debug task's.
    assert_eq!(sids(&policy)[3..], EXEC_SIDS);
    let group = data["SecurityGroupId"].as_str().unwrap().to_string();
    assert_eq!(
        ingress(&world, &group).await,
        BTreeSet::from([(8080, alb.clone()), (9090, alb.clone())])
    );

    // Update: one bucket and one port fewer, both gone.
    let fewer = props(
        &world,
        "app-env",
        json!({
            "AppS3BucketArns": BUCKETS[0],
            "AppDynamoDbTableArns": [TABLE],
            "AppIngressPorts": "8080",
            "AppIngressSourceSecurityGroupIds": alb,
        }),
    );
    assert_success(&update(&world, "fewer", &physical_id, &fewer, &full).await);
    let policy = app_policy(&world).await.expect("an inline policy");
    assert!(
        !policy.to_string().contains("payments-reports"),
        "{policy:#}"
    );
    assert!(
        policy.to_string().contains("payments-uploads"),
        "{policy:#}"
    );
    assert_eq!(
        ingress(&world, &group).await,
        BTreeSet::from([(8080, alb.clone())])
    );

    // Update: none of them; the role keeps only what ECS Exec needs; no ingress at all.
    let none = props(&world, "app-env", json!({}));
    assert_success(&update(&world, "none", &physical_id, &none, &fewer).await);
    assert_eq!(sids(&app_policy(&world).await.unwrap()), EXEC_SIDS);
    assert!(ingress(&world, &group).await.is_empty());

    assert_success(&delete(&world, "delete", &physical_id, &none).await);
    assert_eq!(
        leaks::inventory(&world.aws).await,
        before,
        "nothing left but the account's service-linked role"
    );
}

#[tokio::test]
async fn bad_app_properties_fail_naming_them_before_any_aws_call() {
    let world = world().await;
    for (i, (extra, named)) in [
        (
            json!({"AppS3BucketArns": "arn:aws:s3:::bucket/*"}),
            "AppS3BucketArns",
        ),
        (
            json!({"AppDynamoDbTableArns": "payments"}),
            "AppDynamoDbTableArns",
        ),
        (
            json!({"AppIngressPorts": "8080"}),
            "AppIngressSourceSecurityGroupIds",
        ),
        (
            json!({"AppIngressSourceSecurityGroupIds": "sg-0123456789abcdef0"}),
            "AppIngressPorts",
        ),
        (
            json!({"AppIngressPorts": "99999", "AppIngressSourceSecurityGroupIds": "sg-0123456789abcdef0"}),
            "AppIngressPorts",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        world.proxy.reset_counts();
        let key = format!("bad-{i}");
        let response = create(&world, &key, &props(&world, "bad-app", extra)).await;
        assert_failed(&response, named);
        // No AWS call but the request's verification with CloudFormation.
        assert_only_verification_called(&world);
    }
}
