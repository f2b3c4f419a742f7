//! A hub names what it cannot reach and puts nothing there (docs/interface.md, "Many accounts"):
//! a spoke whose hub role does not trust the hub, an alias no spoke has, a cluster without one.

use crate::hub_helpers::text;
use integration_tests::worlds::hub::HubWorld;

/// A spoke whose hub role trusts another role: AWS refuses the hub's AssumeRole there, so `list`
/// answers with the other spokes and names that one; `start` on it is refused before anything is
/// put on its bus.
#[tokio::test]
async fn a_spoke_that_does_not_trust_the_hub_is_named_and_nothing_is_launched_there() {
    let other_role = "arn:aws:iam::123456789012:role/debug-launcher";
    let world = HubWorld::start_with(&[("rogue", "333333333333", "eu-west-1", other_role)]).await;
    let listed = text(&world.ask("list").await);
    assert!(
        listed.contains("You may use `prod/payments`, `staging/payments`."),
        "{listed}"
    );
    let rogue = "`rogue` (its role could not be assumed; the reason is in slack-command's log)";
    assert!(listed.contains(rogue), "{listed}");
    let started = text(&world.slash("start rogue/payments").await);
    let cause = "Clusters: its role could not be assumed; the reason is in slack-command's log";
    assert!(started.contains(cause), "{started}");
    let both = format!("{listed}\n{started}"); // no account id or ARN (issue 36): in the log
    let no_ids = !both.contains("333333333333") && !both.contains("arn:aws");
    let logged = world.all_logs().contains("AccessDenied");
    assert!(no_ids && logged, "{both}");
    for spoke in &world.spokes {
        assert!(spoke.bus.drain().await.is_empty(), "{}", spoke.alias);
    }
    let unknown = text(&world.slash("start dev/payments").await);
    assert!(
        unknown.contains("no spoke is called `dev`; the aliases are `prod`, `staging`, `rogue`"),
        "{unknown}"
    );
    let bare = text(&world.slash("start payments").await);
    assert!(
        bare.contains("write the cluster with its spoke's alias, like `prod/payments`"),
        "{bare}"
    );
    println!("{listed}\n{started}\n{unknown}\n{bare}");
}
