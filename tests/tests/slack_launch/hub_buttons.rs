//! A hub's button values are sealed (issue 36 item 5; docs/interface.md, "Buttons"): the hub
//! answers with `<value>.<hmac>` under its key, and a click whose value lacks a valid seal — one
//! a spoke or anyone made up, naming another spoke's task — is refused to the clicker alone
//! before any AWS call.

use crate::hub_helpers::{buttons, clicked_outcome, running};
use integration_tests::worlds::hub::{HubWorld, CLUSTER};
use std::time::Duration;

async fn start(world: &HubWorld, alias: &str) -> String {
    let (_, request) = world.start_in(alias, "sealed").await;
    let spoke = world.spoke(alias);
    spoke.launcher.call(request, Duration::from_secs(60)).await;
    let tasks = running(spoke).await;
    assert_eq!(tasks.len(), 1, "{alias}: {tasks:?}");
    tasks[0].rsplit('/').next().unwrap().to_string()
}

#[tokio::test]
async fn forged_button_values_are_refused_and_the_hubs_own_work() {
    let world = HubWorld::start().await;
    let staging_id = start(&world, "staging").await;
    let prod_id = start(&world, "prod").await;

    // The hub's own buttons (list) carry its seal.
    let listed = world.ask("list").await;
    let values = buttons(&listed);
    let prod_value = format!("prod/{CLUSTER}/{prod_id}");
    let sealed = values
        .iter()
        .find(|v| v.starts_with(&format!("{prod_value}.")))
        .unwrap_or_else(|| panic!("no sealed prod button in {values:?}"))
        .clone();
    assert_eq!(sealed.len(), prod_value.len() + 65, "{sealed}");
    assert!(
        !values.contains(&format!("staging/{CLUSTER}/{staging_id}")),
        "an unsealed value: {values:?}"
    );

    // Forgeries naming the staging task: unsealed, and under the prod task's seal.
    let staging_value = format!("staging/{CLUSTER}/{staging_id}");
    let (_, prod_seal) = sealed.rsplit_once('.').unwrap();
    // What the hub's authorisation and stop would call (the spokes' task-events, busy with ready
    // notices, call neither).
    let hub_calls = |world: &HubWorld| {
        let calls = world.local.proxy.calls();
        ["AssumeRole", "DescribeClusters", "StopTask"].map(|a| calls.get(a).copied())
    };
    let before = hub_calls(&world);
    for (n, forged) in [
        staging_value.clone(),
        format!("{staging_value}.{prod_seal}"),
    ]
    .into_iter()
    .enumerate()
    {
        world.click("debug_stop", &forged).await;
        let outcome = clicked_outcome(&world, n + 1).await;
        assert_eq!(outcome["response_type"], "ephemeral", "{outcome:#}");
        assert!(
            outcome["text"]
                .as_str()
                .unwrap_or_default()
                .contains("was not made by this Slack app"),
            "{outcome:#}"
        );
    }
    assert_eq!(hub_calls(&world), before, "a forged click called AWS");
    assert_eq!(running(world.spoke("staging")).await.len(), 1);

    // The hub's own sealed button works, and its replacement's buttons are sealed too.
    world.click("debug_extend", &sealed).await;
    let outcome = clicked_outcome(&world, 3).await;
    let text = outcome["text"].as_str().unwrap_or_default();
    assert!(text.contains("now expires at"), "{outcome:#}");
    for value in buttons(&outcome) {
        assert!(value.starts_with(&format!("{prod_value}.")), "{value}");
    }
}
