//! The toolkit stack's `DefaultIdleTimeoutMinutes` and `DefaultMaxLifetimeMinutes` (given to the
//! function as `DEFAULT_IDLE_TIMEOUT_MINUTES` / `DEFAULT_MAX_LIFETIME_MINUTES`) reach environments
//! that set none, and an environment's own values win; defaults that clash with a value the
//! environment sets fail its Create naming where each value came from.

use crate::*;
use integration_tests::{ecs_tags, leaks};

const STACK_DEFAULTS: [(&str, &str); 2] = [
    ("DEFAULT_IDLE_TIMEOUT_MINUTES", "45"),
    ("DEFAULT_MAX_LIFETIME_MINUTES", "600"),
];

async fn limits(world: &World, cluster: &str) -> (String, String) {
    let tags = ecs_tags(describe_cluster(world, cluster).await.tags());
    (
        tags["debug-toolkit:idle-timeout-minutes"].clone(),
        tags["debug-toolkit:max-lifetime-minutes"].clone(),
    )
}

#[tokio::test]
async fn the_stacks_defaults_reach_environments_that_set_none() {
    let world = World::start(FUNCTION, &STACK_DEFAULTS).await;
    let before = leaks::inventory(&world.aws).await;

    let plain = props(&world, "defaulted", json!({}));
    let physical_id = assert_success(&create(&world, "plain", &plain).await);
    assert_eq!(
        limits(&world, "defaulted").await,
        ("45".into(), "600".into())
    );

    let own = props(&world, "defaulted", json!({"IdleTimeoutMinutes": "20"}));
    update(&world, "own", &physical_id, &own, &plain).await;
    assert_eq!(
        limits(&world, "defaulted").await,
        ("20".into(), "600".into())
    );
    assert_success(&delete(&world, "delete", &physical_id, &own).await);

    // A lifetime shorter than the stack's idle default: the Create names both sources.
    let short = props(&world, "clashing", json!({"MaxLifetimeMinutes": "30"}));
    let response = create(&world, "short", &short).await;
    assert_failed(
        &response,
        "IdleTimeoutMinutes: must not exceed MaxLifetimeMinutes (30), got 45 from the toolkit \
         stack's DefaultIdleTimeoutMinutes",
    );
    assert_eq!(leaks::inventory(&world.aws).await, before);
}

/// `AllowForeignResourceArns` (`ALLOW_FOREIGN_RESOURCE_ARNS`): what the stack refuses by default
/// (another account's table and key, `bad_input`'s table) it admits when the operator says so, and
/// the app role's bucket grants then hold for any account's bucket.
#[tokio::test]
async fn the_stack_may_admit_other_accounts_resources() {
    let world = World::start(FUNCTION, &[("ALLOW_FOREIGN_RESOURCE_ARNS", "true")]).await;
    let foreign = props(
        &world,
        "shared-data",
        json!({
            "AppDynamoDbTableArns": "arn:aws:dynamodb:eu-west-1:210987654321:table/orders",
            "AppKmsKeyArns": "arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "AppS3BucketArns": "arn:aws:s3:::their-uploads",
        }),
    );
    let physical_id = assert_success(&create(&world, "create", &foreign).await);
    let policy = crate::app_side::role_policy(&world, "shared-data-app-task")
        .await
        .unwrap();
    let text = policy.to_string();
    assert!(
        text.contains("table/orders") && text.contains("their-uploads"),
        "{text}"
    );
    assert!(!text.contains("s3:ResourceAccount"), "{text}");
    assert_success(&delete(&world, "delete", &physical_id, &foreign).await);
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}
