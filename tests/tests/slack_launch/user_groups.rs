//! User groups in `AllowedSlackUsers`: a member of an `S…` group is admitted (read with
//! `usergroups.users.list` and the bot token, once per five minutes), by slack-command and again by
//! debug-launcher; a non-member is refused; a group Slack will not list, or any group without a bot
//! token, admits nobody and the refusal says why.

use crate::*;
use integration_tests::worlds::launch::LaunchWorld;
use serde_json::json;

const GROUP: &str = "S0PLATFORM";
const MEMBER: &str = "U0MEMBER";
const METHOD: &str = "usergroups.users.list";

async fn admit_group(world: &LaunchWorld) {
    let arn = world.data("ClusterArn");
    ecs(world)
        .tag_resource()
        .resource_arn(arn)
        .tags(
            aws_sdk_ecs::types::Tag::builder()
                .key("debug-toolkit:allowed-users")
                .value(format!("{ALLOWED_USER} {GROUP}"))
                .build(),
        )
        .send()
        .await
        .expect("TagResource");
}

fn group_reads(world: &LaunchWorld) -> Vec<serde_json::Value> {
    world
        .slack
        .posts()
        .into_iter()
        .filter(|p| p.path == format!("/api/{METHOD}"))
        .map(|p| json!({"body": p.body, "authorization": p.authorization}))
        .collect()
}

#[tokio::test]
async fn a_groups_members_are_admitted_and_others_are_refused_saying_why() {
    let token = [("SLACK_BOT_TOKEN", "xoxb-test-bot-token-DO-NOT-LOG")];
    let world = LaunchWorld::start_with(&token, &token).await;
    admit_group(&world).await;
    world.slack.answer(
        METHOD,
        json!({"ok": true, "users": [MEMBER, "U0OTHERMEMBER"]}),
    );

    // A member: `list` names the cluster, and `start` is accepted and launched.
    let listed = world.slash(MEMBER, "C0X", "list").await;
    assert!(
        listed
            .body
            .to_string()
            .contains("You may use `payments-dev`."),
        "{listed:?}"
    );
    let answer = world.slash(MEMBER, "C0X", "start payments-dev 30m").await;
    assert!(answer.text.contains("Starting a debug task"), "{answer:?}");
    let events = world.bus.drain().await;
    let outcome = world.launch(events[0].clone()).await;
    assert_eq!(outcome["outcome"], "launched", "{outcome:#}");

    // One read by each function (slack-command's second use came from its cache), with the token.
    let reads = group_reads(&world);
    assert_eq!(reads.len(), 2, "{reads:#?}");
    for read in &reads {
        assert_eq!(read["body"], format!("usergroup={GROUP}"));
        assert_eq!(
            read["authorization"],
            "Bearer xoxb-test-bot-token-DO-NOT-LOG"
        );
    }

    // Someone else: refused, as before groups.
    let refused = world.slash("U0OUTSIDER", "C0X", "start payments-dev").await;
    assert!(
        refused
            .text
            .contains("you are not allowed to use debug tasks"),
        "{refused:?}"
    );
    assert!(world.bus.drain().await.is_empty());
    assert_no_secrets_logged(&world);
}

#[tokio::test]
async fn a_group_slack_will_not_list_or_without_a_bot_token_admits_nobody() {
    let token = [("SLACK_BOT_TOKEN", "xoxb-test-bot-token-DO-NOT-LOG")];
    let world = LaunchWorld::start_with(&token, &token).await;
    admit_group(&world).await;
    world
        .slack
        .answer(METHOD, json!({"ok": false, "error": "missing_scope"}));
    let refused = world.slash(MEMBER, "C0X", "start payments-dev").await;
    assert!(
        refused.text.contains(
            "its user groups could not be read (S0PLATFORM: Slack refused usergroups.users.list: missing_scope)"
        ),
        "{refused:?}"
    );
    assert!(world.bus.drain().await.is_empty());
    // The id still admits its user: a broken group takes nothing away.
    let allowed = world.slash(ALLOWED_USER, "C0X", "list").await;
    assert!(allowed
        .body
        .to_string()
        .contains("You may use `payments-dev`."));

    let tokenless = LaunchWorld::start().await;
    admit_group(&tokenless).await;
    let refused = tokenless.slash(MEMBER, "C0X", "start payments-dev").await;
    assert!(
        refused
            .text
            .contains("S0PLATFORM: no bot token is configured to read it"),
        "{refused:?}"
    );
    assert!(
        group_reads(&tokenless).is_empty(),
        "no Slack call without a token"
    );
}
