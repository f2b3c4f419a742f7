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
