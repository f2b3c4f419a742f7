//! What the hub's tests read from its answers, its clicks' outcomes and the spokes.

use integration_tests::fakes::slack::Posted;
use integration_tests::worlds::hub::{HubWorld, CLUSTER};
use integration_tests::worlds::spoke::Spoke;
use serde_json::Value;
use std::time::Duration;

/// A message as Slack shows it: its blocks' text, else its text.
pub(crate) fn text(answer: &Value) -> String {
    let blocks: Vec<&str> = answer["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["text"]["text"].as_str())
        .collect();
    if blocks.is_empty() {
        answer["text"].as_str().unwrap_or_default().to_string()
    } else {
        blocks.join("\n    ")
    }
}

/// Every button value in a message.
pub(crate) fn buttons(body: &Value) -> Vec<String> {
    body["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e["value"].as_str().map(str::to_string))
        .collect()
}

/// The running debug tasks of a spoke's cluster, straight from its account.
pub(crate) async fn running(spoke: &Spoke) -> Vec<String> {
    integration_tests::user_tasks::running_task_arns(&spoke.ecs(), CLUSTER).await
}

/// The `n`th outcome posted to the clicks' `response_url` (the click answers Slack with an empty
/// 200 and replaces the message there).
pub(crate) async fn clicked_outcome(world: &HubWorld, n: usize) -> Value {
    for _ in 0..500 {
        let outcomes: Vec<Posted> = world
            .slack
            .posts()
            .into_iter()
            .filter(|p| p.path.contains("/click/"))
            .collect();
        if let Some(post) = outcomes.get(n - 1) {
            return post.body.clone();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no outcome {n} of a click was posted")
}
