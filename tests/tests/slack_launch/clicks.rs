//! Clicks and messages that tell the truth (contract section 3, [v4]), through the Function URL
//! with Slack-shaped payloads: a replacement keeps the connect command and the buttons; a click in
//! `list` (ephemeral) answers beside it; each message iteration has new `block_id`s; a task the
//! reaper stopped answers "already stopped" with no AWS write; a click whose StopTask outlives the
//! budget still tells the clicker; other workspaces are refused with no AWS call; `help` names the
//! command as the request did. Run with --nocapture to read the transcript.

use crate::buttons::{block_ids, buttons, posted_to};
use crate::click_helpers::*;
use crate::*;
use integration_tests::fakes::fault_proxy::Fault;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn clicks_and_messages_tell_the_truth() {
    let world = LaunchWorld::start_with(&[("SLACK_TEAM_IDS", TEAMS)], &[]).await;
    let debug = start_debug_task(&world, "start payments-dev 45m").await;
    let id = task_id(&debug).to_string();
    let value = format!("{CLUSTER}/{id}");
    let mut keys = vec![("launch reply", "cmd".to_string())];

    // The launch reply: the project's image, so the connect command opens bash.
    let reply = posted_to(&world, "cmd")
        .last()
        .expect("launch reply")
        .body
        .clone();
    assert!(
        text(&reply).contains("--interactive --command /bin/bash"),
        "{reply}"
    );
    let reply_block = block_ids(&reply)[0].clone();

    // Extend 1h on the (ephemeral) launch reply: replaced by a message that still has the connect
    // command and the buttons, under a new block_id.
    let answer = click_in(
        &world,
        (EXTEND, &value, &reply_block),
        "extend-reply",
        |_| {},
    )
    .await;
    assert_eq!(
        (answer.status, answer.text.as_str()),
        (200, ""),
        "{answer:?}"
    );
    let extend_took = answer.took;
    let extended = only(&world, "extend-reply");
    keys.push(("Extend 1h on the launch reply", "extend-reply".into()));
    assert_eq!(extended["replace_original"], true);
    assert!(text(&extended).contains("now expires at"), "{extended}");
    assert!(
        text(&extended).contains(&format!("aws ecs execute-command --region eu-west-1 --cluster {CLUSTER} --task {id} --container debug-toolkit --interactive --command /bin/bash")),
        "{extended}"
    );
    assert_eq!(buttons(&extended).len(), 2, "{extended}");
    let extended_block = block_ids(&extended)[0].clone();
    assert_ne!(
        extended_block, reply_block,
        "a new iteration, new block_ids"
    );

    // The same on an in-channel message (the ready notice): Slack sends the message back.
    let answer = click_in(
        &world,
        (EXTEND, &value, &extended_block),
        "extend-notice",
        |p| {
            p["container"]["is_ephemeral"] = json!(false);
            p["message"] =
                json!({"type": "message", "ts": "1700000000.000100", "blocks": extended["blocks"]});
        },
    )
    .await;
    assert_eq!(answer.status, 200);
    let notice = only(&world, "extend-notice");
    keys.push(("Extend 1h on the ready notice", "extend-notice".into()));
    assert_eq!(notice["replace_original"], true);
    assert!(text(&notice).contains("--command /bin/bash"), "{notice}");
    assert_eq!(buttons(&notice).len(), 2);
    assert!(!block_ids(&notice).contains(&extended_block));

    // Time passes: the two extensions reached the cluster's max lifetime (2h from the start);
    // the expiry is near again, so the row's Extend below has room.
    let soon = (time::OffsetDateTime::now_utc() + time::Duration::minutes(5))
        .replace_nanosecond(0)
        .expect("0 ns")
        .format(&time::format_description::well_known::Rfc3339)
        .expect("RFC 3339");
    ecs(&world)
        .tag_resource()
        .resource_arn(&debug)
        .tags(
            aws_sdk_ecs::types::Tag::builder()
                .key("debug-toolkit:expires-at")
                .value(soon)
                .build(),
        )
        .send()
        .await
        .expect("TagResource");

    // A click on a row of `list` (ephemeral, not sent back): answered beside the list, which
    // stays as it was.
    let listed = world.slash(ALLOWED_USER, "C0X", "list").await;
    let row_block = block_ids(&listed.body)[0].clone();
    assert!(
        text(&listed.body).contains("--command /bin/bash"),
        "{listed:?}"
    );
    let answer = click_in(&world, (EXTEND, &value, &row_block), "list-extend", |_| {}).await;
    assert_eq!(answer.status, 200);
    let beside = only(&world, "list-extend");
    keys.push(("Extend 1h on a row of list", "list-extend".into()));
    assert_eq!(
        (&beside["replace_original"], &beside["response_type"]),
        (&json!(false), &json!("ephemeral"))
    );
    assert!(text(&beside).contains("now expires at"), "{beside}");

    // Other workspaces: a command from T0GUEST, a Slack Connect guest's click (their own
    // workspace is T0GUEST, the channel ours): refused, no AWS call.
    world.proxy.reset_counts();
    let guest = slash_as(&world, "list", &[("team_id", "T0GUEST")]).await;
    assert_eq!(guest.status, 200);
    assert_eq!(guest.body["response_type"], "ephemeral");
    assert!(
        guest.text.contains("serves only its own Slack workspaces"),
        "{guest:?}"
    );
    let answer = click_in(&world, (STOP, &value, &row_block), "guest-click", |p| {
        p["user"]["team_id"] = json!("T0GUEST");
    })
    .await;
    assert_eq!(answer.status, 200);
    let refused = only(&world, "guest-click");
    keys.push(("a Slack Connect guest's Stop", "guest-click".into()));
    assert_eq!(refused["replace_original"], false);
    assert!(
        text(&refused).contains("serves only its own Slack workspaces"),
        "{refused}"
    );
    // A click that does not say whose it is (no `user.team_id`): refused too.
    click_in(&world, (STOP, &value, &row_block), "anonymous-click", |p| {
        p["user"].as_object_mut().expect("user").remove("team_id");
    })
    .await;
    let anonymous = only(&world, "anonymous-click");
    assert!(
        text(&anonymous).contains("serves only its own Slack workspaces"),
        "{anonymous}"
    );
    assert!(world.proxy.calls().is_empty(), "{:?}", world.proxy.calls());

    // help names the command as the request did (and doctor), from a workspace of our org.
    let help = slash_as(
        &world,
        "help",
        &[
            ("command", "/ecsdebug"),
            ("team_id", "T0ORGWS"),
            ("enterprise_id", "E0ORG"),
        ],
    )
    .await;
    assert!(help.text.contains("(`/ecsdebug …`)"), "{help:?}");
    assert!(text(&help.body).contains("`doctor <cluster>`"), "{help:?}");
    assert!(!text(&help.body).contains("/debug "), "{help:?}");

    // The reaper stops the task (StopTask deletes its tags): every button and command says
    // "already stopped", with the reason, and writes nothing.
    ecs(&world)
        .stop_task()
        .cluster(CLUSTER)
        .task(&debug)
        .reason(REAPER_REASON)
        .send()
        .await
        .expect("StopTask");
    world.proxy.reset_counts();
    let notice_block = block_ids(&notice)[0].clone();
    click_in(
        &world,
        (STOP, &value, &notice_block),
        "stopped-stop",
        |_| {},
    )
    .await;
    click_in(
        &world,
        (EXTEND, &value, &row_block),
        "stopped-extend",
        |_| {},
    )
    .await;
    let typed_stop = world
        .slash(ALLOWED_USER, "C0X", &format!("stop {id}"))
        .await;
    let typed_extend = world
        .slash(ALLOWED_USER, "C0X", &format!("extend {id}"))
        .await;
    let stop_click = only(&world, "stopped-stop");
    let extend_click = only(&world, "stopped-extend");
    keys.push(("Stop on the notice after the reaper", "stopped-stop".into()));
    keys.push((
        "Extend 1h on a list row after the reaper",
        "stopped-extend".into(),
    ));
    assert_eq!(
        stop_click["replace_original"], true,
        "the notice loses its buttons"
    );
    assert!(buttons(&stop_click).is_empty(), "{stop_click}");
    assert_eq!(extend_click["replace_original"], false);
    for said in [
        text(&stop_click),
        text(&extend_click),
        typed_stop.text.clone(),
        typed_extend.text.clone(),
    ] {
        assert!(said.contains("is already stopped"), "{said}");
        assert!(said.contains("idle for 30m"), "{said}");
        assert!(!said.contains("not a debug task"), "{said}");
    }
    // A notice about a task ECS no longer returns (stopped over an hour ago): its buttons go, and
    // the message says it has stopped.
    let forgotten = format!("{CLUSTER}/0123456789abcdef0123456789abcdef");
    click_in(
        &world,
        (EXTEND, &forgotten, &notice_block),
        "forgotten",
        |_| {},
    )
    .await;
    let gone = only(&world, "forgotten");
    keys.push(("Extend 1h on a task ECS forgot", "forgotten".into()));
    assert_eq!(gone["replace_original"], true, "{gone}");
    assert!(buttons(&gone).is_empty(), "{gone}");
    assert!(text(&gone).contains("ECS no longer knows it"), "{gone}");
    let calls = world.proxy.calls();
    assert_eq!(
        (calls.get("StopTask"), calls.get("TagResource")),
        (None, None),
        "{calls:?}"
    );

    // A second task, whose StopTask ECS answers only after the ack budget: the clicker hears, in
    // time, that it may or may not have happened and how to check.
    let slow = start_debug_task(&world, "start payments-dev 30m").await;
    let slow_value = format!("{CLUSTER}/{}", task_id(&slow));
    world
        .proxy
        .inject("StopTask", Fault::Delay(Duration::from_secs(4)), Some(1));
    let answer = click_in(&world, (STOP, &slow_value, &row_block), "slow-stop", |_| {}).await;
    world.proxy.clear();
    assert_eq!((answer.status, answer.text.as_str()), (200, ""));
    assert!(
        answer.took < Duration::from_millis(3000),
        "ack took {:?}",
        answer.took
    );
    let unsure = only(&world, "slow-stop");
    keys.push((
        "Stop whose StopTask is slower than the budget",
        "slow-stop".into(),
    ));
    assert_eq!(unsure["replace_original"], false);
    assert_eq!(unsure["response_type"], "ephemeral");
    assert!(
        text(&unsure).contains("may or may not have reached ECS"),
        "{unsure}"
    );
    assert!(text(&unsure).contains("Run `/debug list`"), "{unsure}");
    assert_no_secrets_logged(&world);

    for (what, key) in &keys {
        for post in posted_to(&world, key) {
            println!(
                "[{what}] replace_original={} response_type={} text={:?} buttons={:?} block_ids={:?}",
                post.body["replace_original"],
                post.body["response_type"],
                post.body["text"].as_str().unwrap_or_default(),
                buttons(&post.body),
                block_ids(&post.body),
            );
        }
    }
    println!(
        "[acks] Extend 1h {extend_took:?}; Stop with StopTask delayed 4 s {:?}",
        answer.took
    );
    println!("[a command from another workspace] {:?}", guest.text);
    println!("[typed stop after the reaper] {:?}", typed_stop.text);
    println!("[/ecsdebug help] {:?}", help.text);
}
