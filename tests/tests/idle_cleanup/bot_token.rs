//! The bot token as a real deploy keeps it, in Secrets Manager (contract section 3): a token
//! replaced while task-events is warm works at the next notice (Slack's `invalid_auth` for the old
//! one: read again once, posted again, so the notice arrives exactly once), and Slack's
//! `ratelimited` (HTTP 429) is retried after its `Retry-After`, or given up at once, saying so,
//! when the wait does not fit in the invocation.

use crate::*;
use integration_tests::lambda::Lambda;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const OLD: &str = "xoxb-old-bot-token-DO-NOT-LOG-51c2";
const NEW: &str = "xoxb-new-bot-token-DO-NOT-LOG-9e07";
const POST: &str = "/api/chat.postMessage";

/// A second task-events whose bot token is the secret (holding [`OLD`]) it reads from Secrets
/// Manager; the secret's ARN.
async fn with_token_in_secret(world: &ReapWorld) -> (Lambda, String) {
    let arn = aws_sdk_secretsmanager::Client::new(&world.aws)
        .create_secret()
        .name("slack/bot-token")
        .secret_string(OLD)
        .send()
        .await
        .expect("CreateSecret")
        .arn()
        .unwrap()
        .to_string();
    let mut env = world.function_env();
    env.push(("SLACK_BOT_TOKEN_ARN".into(), arn.clone()));
    env.push(("SLACK_API_BASE_URL".into(), world.slack.api_base()));
    (Lambda::start("task-events", &env).await, arn)
}

/// ECS's event for `task` having stopped (the task itself is left running: the notice is what
/// is tested).
fn stopped_event(world: &ReapWorld, task: &str) -> Value {
    let mut event: Value = integration_tests::samples::sample("task-events/task-stopped");
    event["detail"]["taskArn"] = json!(task);
    event["detail"]["clusterArn"] = json!(world.data("ClusterArn"));
    event["detail"]["startedBy"] = json!("debug-toolkit");
    event["resources"] = json!([task]);
    event
}

/// The posts of the notice about `task`, with the token each carried.
fn posts_about(world: &ReapWorld, task: &str) -> Vec<String> {
    let id = task.rsplit('/').next().unwrap();
    world
        .slack
        .posts()
        .into_iter()
        .filter(|p| p.path == POST && p.body["text"].as_str().unwrap_or("").contains(id))
        .map(|p| p.authorization.unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn a_token_replaced_while_warm_is_read_again_and_the_notice_arrives_once() {
    let world = ReapWorld::start_with(false).await;
    let (task_events, arn) = with_token_in_secret(&world).await;
    let t0 = now();
    let (first, second) = (
        debug_task(&world, t0, 0, 60, &[]).await,
        debug_task(&world, t0, 0, 60, &[]).await,
    );
    let call = |task: &str| task_events.call(stopped_event(&world, task), Duration::from_secs(30));

    // Warm: the token read at the first notice.
    assert_eq!(call(&first).await["outcome"], "posted");
    assert_eq!(posts_about(&world, &first), [format!("Bearer {OLD}")]);

    // The token is replaced; Slack refuses the old one from now on.
    aws_sdk_secretsmanager::Client::new(&world.aws)
        .put_secret_value()
        .secret_id(&arn)
        .secret_string(NEW)
        .send()
        .await
        .expect("PutSecretValue");
    world.slack.revoke(OLD);
    let reads = world.proxy.calls().get("GetSecretValue").copied();

    let outcome = call(&second).await;
    assert_eq!(outcome["outcome"], "posted", "{outcome:#}");
    assert_eq!(
        posts_about(&world, &second),
        [format!("Bearer {OLD}"), format!("Bearer {NEW}")],
        "refused once with the old token, then posted once with the new one"
    );
    assert_eq!(
        world.proxy.calls().get("GetSecretValue").copied(),
        reads.map(|n| n + 1),
        "the secret read again once"
    );
    let logs = task_events.logs();
    assert!(
        !logs.contains(OLD) && !logs.contains(NEW),
        "a token was logged"
    );
    integration_tests::function::assert_json_and_no_secrets(&logs);
}

#[tokio::test]
async fn a_rate_limited_post_is_retried_after_retry_after_or_given_up_when_it_cannot_wait() {
    let world = ReapWorld::start_with(false).await;
    let t0 = now();
    let (waited, refused) = (
        debug_task(&world, t0, 0, 60, &[]).await,
        debug_task(&world, t0, 0, 60, &[]).await,
    );
    let call = |task: &str| {
        world
            .task_events
            .call(stopped_event(&world, task), Duration::from_secs(30))
    };

    world.slack.rate_limit("chat.postMessage", 1, 1);
    let started = Instant::now();
    let outcome = call(&waited).await;
    assert_eq!(outcome["outcome"], "posted", "{outcome:#}");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "retried before Retry-After: {:?}",
        started.elapsed()
    );
    assert_eq!(posts_about(&world, &waited).len(), 2, "429, then posted");

    // Asked to wait an hour, longer than the invocation's 30 s: no wait, the failure says why.
    world.slack.rate_limit("chat.postMessage", 1, 3600);
    let started = Instant::now();
    let outcome = call(&refused).await;
    assert!(started.elapsed() < Duration::from_secs(10), "it waited");
    assert_eq!(outcome["outcome"], "failed", "{outcome:#}");
    let reason = outcome["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("asked to wait 3600s, more than this invocation has left"),
        "{reason}"
    );
    assert_eq!(posts_about(&world, &refused).len(), 1);
    assert_clean_logs(&world);
}
