//! Cluster settings, capacity providers and the KMS key changed in place, then changed back: the
//! Update calls the strict gate must see authorised (UpdateCluster, PutClusterCapacityProviders,
//! AssociateKmsKey, DisassociateKmsKey, RevokeSecurityGroupIngress), each made only when needed.

use crate::*;

async fn log_group_keys(world: &World) -> Vec<Option<String>> {
    log_groups(world, "/ecs/settings")
        .await
        .iter()
        .map(|g| g.kms_key_id().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn settings_capacity_and_key_change_in_place_and_back() {
    let world = world().await;
    let key = LogsKey::create(&world.aws, true).await;
    let old = props(&world, "settings", json!({}));
    let physical_id = assert_success(&create(&world, "create", &old).await);

    let changed = props(
        &world,
        "settings",
        json!({
            "EnableContainerInsights": "false",
            "CapacityProviders": "FARGATE",
            "CapacityProviderBase": "1",
            "KmsKeyArn": key.arn,
        }),
    );
    world.proxy.reset_counts();
    let response = update(&world, "change", &physical_id, &changed, &old).await;
    assert_eq!(assert_success(&response), physical_id);
    let calls = world.proxy.calls();
    for action in [
        "UpdateCluster",
        "PutClusterCapacityProviders",
        "AssociateKmsKey",
    ] {
        assert!(calls.contains_key(action), "{action}: {calls:?}");
    }
    let cluster = describe_cluster(&world, "settings").await;
    assert_eq!(cluster.settings()[0].value(), Some("disabled"));
    assert_eq!(cluster.capacity_providers(), ["FARGATE"]);
    let strategy = &cluster.default_capacity_provider_strategy()[0];
    assert_eq!(
        (strategy.capacity_provider(), strategy.base()),
        ("FARGATE", 1)
    );
    assert!(
        log_group_keys(&world)
            .await
            .iter()
            .all(|k| k.as_deref() == Some(key.arn.as_str())),
        "every log group is encrypted with the key"
    );

    // Back to the defaults: the key is taken off again.
    world.proxy.reset_counts();
    assert_success(&update(&world, "back", &physical_id, &old, &changed).await);
    assert!(world.proxy.calls().contains_key("DisassociateKmsKey"));
    assert!(log_group_keys(&world).await.iter().all(Option::is_none));
    let cluster = describe_cluster(&world, "settings").await;
    assert_eq!(cluster.capacity_providers(), ["FARGATE", "FARGATE_SPOT"]);

    // The same properties again change no cluster setting, and take off an ingress rule
    // someone added to the group by hand (the group admits nothing in).
    let ec2 = aws_sdk_ec2::Client::new(&world.aws);
    let group = response["Data"]["SecurityGroupId"].as_str().unwrap();
    ec2.authorize_security_group_ingress()
        .group_id(group)
        .ip_protocol("tcp")
        .from_port(22)
        .to_port(22)
        .cidr_ip("0.0.0.0/0")
        .send()
        .await
        .expect("AuthorizeSecurityGroupIngress");
    world.proxy.reset_counts();
    assert_success(&update(&world, "again", &physical_id, &old, &old).await);
    let calls = world.proxy.calls();
    assert!(
        !calls.contains_key("UpdateCluster") && !calls.contains_key("PutClusterCapacityProviders"),
        "{calls:?}"
    );
    assert!(security_group(&world, group)
        .await
        .ip_permissions()
        .is_empty());
    assert_success(&delete(&world, "delete", &physical_id, &old).await);
}
