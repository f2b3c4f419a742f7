//! What the click tests share: the buttons' action ids, the allowed workspaces, a click with a
//! given block id, the one post a `response_url` got.

use crate::buttons::posted_to;
use crate::*;
use integration_tests::fakes::slack::{click_body, click_payload, form_with, Delivery};
use integration_tests::worlds::launch::SlashAnswer;
use serde_json::{json, Value};

pub const EXTEND: &str = "debug_extend";
pub const STOP: &str = "debug_stop";
/// Our workspace and our Enterprise org (`AllowedSlackTeams`); the harness's requests come from
/// `T0TEST`.
pub const TEAMS: &str = "T0TEST,E0ORG";
/// What the reaper gives StopTask for an idle task (functions/idle-reaper).
pub const REAPER_REASON: &str = "ecs-debug-toolkit idle-reaper: idle for 30m";

/// A click on `action` in a message whose actions block was `block_id`; `shape` changes the
/// payload further (container, teams).
pub async fn click_in(
    world: &LaunchWorld,
    (action, value, block_id): (&str, &str, &str),
    key: &str,
    shape: impl FnOnce(&mut Value),
) -> SlashAnswer {
    let url = world.slack.response_url(key);
    let mut payload = click_payload(ALLOWED_USER, "C0X", action, value, &url);
    payload["actions"][0]["block_id"] = json!(block_id);
    shape(&mut payload);
    let body = click_body(&payload);
    world.deliver(&body, &Delivery::signed(&body)).await
}

pub fn only(world: &LaunchWorld, key: &str) -> Value {
    let posts = posted_to(world, key);
    assert_eq!(posts.len(), 1, "{key}: {posts:?}");
    posts[0].body.clone()
}

pub fn text(body: &Value) -> String {
    body.to_string()
}

pub async fn slash_as(world: &LaunchWorld, text: &str, overrides: &[(&str, &str)]) -> SlashAnswer {
    let url = world.slack.response_url("cmd");
    let body = form_with(ALLOWED_USER, "C0X", text, &url, overrides);
    world.deliver(&body, &Delivery::signed(&body)).await
}
