//! ECS's service-linked role: made when the account has none, waited for while it propagates,
//! never made twice, never tagged, never deleted.

use crate::*;
use integration_tests::leaks;

const ROLE: &str = "AWSServiceRoleForECS";

#[tokio::test]
async fn the_first_environment_of_an_account_creates_the_role_and_waits_for_it() {
    let world = world().await;
    let iam = aws_sdk_iam::Client::new(&world.aws);
    let before = leaks::inventory(&world.aws).await;
    assert!(
        iam.get_role().role_name(ROLE).send().await.is_err(),
        "a new account has no service-linked role"
    );
    // The strict world refuses CreateCluster with capacity providers while the account has no
    // role, and once more right after it was made (tests/moto/strict/consistency.py).
    let first = props(&world, "payments-dev", json!({}));
    let physical_id = assert_success(&create(&world, "first", &first).await);
    let calls = world.proxy.calls();
    assert_eq!(calls.get("CreateServiceLinkedRole"), Some(&1), "{calls:?}");
    assert_eq!(
        calls.get("CreateCluster"),
        Some(&2),
        "one refusal while the role propagates, then the cluster: {calls:?}"
    );
    let role = iam
        .get_role()
        .role_name(ROLE)
        .send()
        .await
        .expect("GetRole");
    let role = role.role().expect("the role");
    assert_eq!(role.path(), "/aws-service-role/ecs.amazonaws.com/");
    assert!(role.tags().is_empty(), "never tagged: {:?}", role.tags());

    // The next environment finds it: no second CreateServiceLinkedRole.
    world.proxy.reset_counts();
    let second = props(&world, "orders-dev", json!({}));
    let second_id = assert_success(&create(&world, "second", &second).await);
    assert_eq!(world.proxy.calls().get("CreateServiceLinkedRole"), None);

    // Deleting every environment leaves the account's role, and nothing else.
    assert_success(&delete(&world, "delete-first", &physical_id, &first).await);
    assert_success(&delete(&world, "delete-second", &second_id, &second).await);
    assert!(iam.get_role().role_name(ROLE).send().await.is_ok());
    assert_eq!(leaks::inventory(&world.aws).await, before);
    assert_no_secrets_logged(&world);
}

#[tokio::test]
async fn an_update_in_place_does_not_look_for_the_role() {
    let world = world().await;
    let props_v1 = props(&world, "payments-dev", json!({}));
    let physical_id = assert_success(&create(&world, "create", &props_v1).await);
    world.proxy.reset_counts();
    let props_v2 = props(&world, "payments-dev", json!({"LogRetentionDays": 90}));
    assert_success(&update(&world, "update", &physical_id, &props_v2, &props_v1).await);
    let calls = world.proxy.calls();
    assert_eq!(calls.get("CreateServiceLinkedRole"), None, "{calls:?}");
    assert_eq!(calls.get("CreateCluster"), None, "{calls:?}");
}
