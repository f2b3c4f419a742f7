//! Buttons: the launch reply, the list and an extension carry `Stop` and `Extend 1h`; a click comes
//! to the same Function URL, signed like a command, is authorised as the typed command would be,
//! answered with an empty 200, and its outcome replaces the clicked message (a refusal is shown to
//! the clicker alone). Forged and stale clicks get 401 and cause no AWS call.

use crate::start_to_task::parse_time;
use crate::*;
use integration_tests::emf;
use integration_tests::fakes::slack::{
    click, click_body, click_payload, now, sign, Delivery, Posted,
};
use integration_tests::worlds::launch::SlashAnswer;
use serde_json::Value;

const EXTEND: &str = "debug_extend";
const STOP: &str = "debug_stop";

/// The buttons' values in a message body, per action id.
pub fn buttons(body: &Value) -> Vec<(String, String)> {
    body["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .map(|e| {
            (
                e["action_id"].as_str().unwrap_or_default().to_string(),
                e["value"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The `block_id`s of a message body's actions blocks.
pub fn block_ids(body: &Value) -> Vec<String> {
    body["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "actions")
        .map(|b| b["block_id"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The POSTs to the `response_url` handed out under `key`.
pub fn posted_to(world: &LaunchWorld, key: &str) -> Vec<Posted> {
    world
        .slack
        .posts()
        .into_iter()
        .filter(|p| p.path.contains(&format!("/{key}/")))
        .collect()
}

/// A click on a button of the launch reply (a message about one task: its `block_id` says so).
async fn press(
    world: &LaunchWorld,
    user: &str,
    action: &str,
    value: &str,
    key: &str,
) -> SlashAnswer {
    let reply = posted_to(world, "cmd")
        .last()
        .expect("launch reply")
        .body
        .clone();
    let mut payload = click_payload(user, "C0X", action, value, &world.slack.response_url(key));
    payload["actions"][0]["block_id"] = block_ids(&reply)[0].clone().into();
    let body = click_body(&payload);
    world.deliver(&body, &Delivery::signed(&body)).await
}

#[tokio::test]
async fn clicks_extend_and_stop_a_debug_task_and_replace_the_message() {
    let world = LaunchWorld::start().await;
    let debug = start_debug_task(&world, "start payments-dev 45m").await;
    let id = task_id(&debug).to_string();
    let value = format!("{CLUSTER}/{id}");
    let ours = vec![
        (STOP.to_string(), value.clone()),
        (EXTEND.to_string(), value.clone()),
    ];

    // The launch reply (debug-launcher, through the command's response_url) carries the buttons,
    // and so does each task in `list`.
    let launch_reply = posted_to(&world, "cmd");
    assert_eq!(
        buttons(&launch_reply.last().expect("launch reply").body),
        ours
    );
    let listed = world.slash(ALLOWED_USER, "C0X", "list").await;
    assert_eq!(buttons(&listed.body), ours, "{listed:?}");
    assert!(
        listed
            .body
            .to_string()
            .contains("You may use `payments-dev`."),
        "{listed:?}"
    );

    // Extend 1h by button: 200 with no body, the message replaced with the new expiry (and the
    // buttons again), the task's expiry one hour later.
    let expiry =
        |task: &aws_sdk_ecs::types::Task| parse_time(&tags(task)["debug-toolkit:expires-at"]);
    let before = expiry(&task(&world, &debug).await);
    let answer = press(&world, ALLOWED_USER, EXTEND, &value, "extend").await;
    assert_eq!(
        (answer.status, answer.text.as_str()),
        (200, ""),
        "{answer:?}"
    );
    let replaced = posted_to(&world, "extend");
    assert_eq!(replaced.len(), 1, "{replaced:?}");
    assert_eq!(replaced[0].body["replace_original"], true);
    assert!(replaced[0].body["text"]
        .as_str()
        .unwrap()
        .contains("now expires at"));
    assert_eq!(buttons(&replaced[0].body), ours);
    assert_eq!(expiry(&task(&world, &debug).await) - before, 3600);

    // A stranger's click: refused to them alone (the message stays), the task untouched.
    world.proxy.reset_counts();
    let answer = press(&world, "U0STRANGER", STOP, &value, "stranger").await;
    assert_eq!(answer.status, 200);
    let refused = posted_to(&world, "stranger");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].body["replace_original"], false);
    assert_eq!(refused[0].body["response_type"], "ephemeral");
    assert!(
        refused[0].body["text"]
            .as_str()
            .unwrap()
            .contains("not allowed"),
        "{:?}",
        refused[0].body
    );
    assert_eq!(world.proxy.calls().get("StopTask"), None);

    // Forged (another secret) and stale (signed six minutes ago): 401, no AWS call, no post.
    world.proxy.reset_counts();
    let body = click(
        ALLOWED_USER,
        "C0X",
        STOP,
        &value,
        &world.slack.response_url("forged"),
    );
    let timestamp = now().to_string();
    let forged = Delivery {
        signature: Some(sign("not-the-signing-secret", &timestamp, body.as_bytes())),
        timestamp: Some(timestamp),
        base64: false,
    };
    assert_eq!(world.deliver(&body, &forged).await.status, 401);
    let old = (now() - 360).to_string();
    let stale = Delivery {
        signature: Some(sign(SIGNING_SECRET, &old, body.as_bytes())),
        timestamp: Some(old),
        base64: true,
    };
    assert_eq!(world.deliver(&body, &stale).await.status, 401);
    assert!(world.proxy.calls().is_empty(), "{:?}", world.proxy.calls());
    assert!(posted_to(&world, "forged").is_empty());
    assert_eq!(task(&world, &debug).await.desired_status(), Some("RUNNING"));

    // Stop by button: the message replaced, without buttons; the task stopping.
    let answer = press(&world, ALLOWED_USER, STOP, &value, "stop").await;
    assert_eq!((answer.status, answer.text.as_str()), (200, ""));
    let stopped = posted_to(&world, "stop");
    assert_eq!(stopped[0].body["replace_original"], true);
    assert!(stopped[0].body["text"]
        .as_str()
        .unwrap()
        .contains("Stopping debug task"));
    assert!(buttons(&stopped[0].body).is_empty());
    assert_eq!(task(&world, &debug).await.desired_status(), Some("STOPPED"));
    assert_no_secrets_logged(&world);

    // The launch was counted (EMF, as CloudWatch's specification admits it).
    let launched = emf::values(&emf::records(&world.launcher.logs()), "DebugTasksLaunched");
    assert_eq!(
        launched,
        vec![(vec![format!("Cluster={CLUSTER}")], serde_json::json!(1))]
    );

    // What Slack showed, in order (run with --nocapture to read it).
    for (what, key) in [
        ("launch reply", "cmd"),
        ("Extend 1h clicked", "extend"),
        ("a stranger's Stop", "stranger"),
        ("Stop clicked", "stop"),
    ] {
        for post in posted_to(&world, key) {
            println!(
                "[{what}] replace_original={} text={:?} buttons={:?}",
                post.body["replace_original"],
                post.body["text"].as_str().unwrap_or_default(),
                buttons(&post.body)
            );
        }
    }
}

#[tokio::test]
async fn a_click_that_is_not_one_of_our_buttons_is_acknowledged_and_changes_nothing() {
    let world = LaunchWorld::start().await;
    world.proxy.reset_counts();
    for (action, value) in [
        ("approve_deploy", "payments-dev/0123456789abcdef"),
        (STOP, "payments-dev"),
        (STOP, "not a cluster/0123"),
    ] {
        let body = click(
            ALLOWED_USER,
            "C0X",
            action,
            value,
            &world.slack.response_url("odd"),
        );
        let answer = world.deliver(&body, &Delivery::signed(&body)).await;
        assert_eq!(
            (answer.status, answer.text.as_str()),
            (200, ""),
            "{action} {value}"
        );
    }
    assert!(world.proxy.calls().is_empty());
    assert!(posted_to(&world, "odd").is_empty());
}
