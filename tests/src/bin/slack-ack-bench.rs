//! Slack's 3-second rule, measured: the time from the Function URL event to `slack-command`'s
//! answer for signed requests against a warm function and a local moto, plus the AWS calls each
//! command costs. `start` puts its events on a bus with no rules: moto delivers to a rule's
//! targets inside `PutEvents` (~270 ms with an SQS target, against ~6 ms without), which AWS does
//! asynchronously, so a routed bus would measure moto rather than the function. Uses the binaries in `$DEBUG_TOOLKIT_BIN_DIR` (the release ones, via
//! `./scripts/bench.sh`).

use integration_tests::fakes::slack::{click, Delivery};
use integration_tests::worlds::launch::{LaunchWorld, ALLOWED_USER};
use std::time::Duration;

const REQUESTS: usize = 100;
const ACK_BUS: &str = "ack-bench";

#[tokio::main]
async fn main() {
    // `start --like payments-api` needs the environment to list the service (LikeServices).
    let world = LaunchWorld::start_with_properties(
        &[("EVENT_BUS_NAME", ACK_BUS)],
        &[],
        serde_json::json!({ "LikeServices": "payments-api" }),
    )
    .await;
    aws_sdk_eventbridge::Client::new(&world.aws)
        .create_event_bus()
        .name(ACK_BUS)
        .send()
        .await
        .expect("CreateEventBus");
    for _ in 0..5 {
        world.slash(ALLOWED_USER, "C0X", "help").await;
    }
    println!("slack-command ack latency, warm, {REQUESTS} signed requests each (Runtime API emulator + local moto)");
    println!(
        "{:<32} {:>8} {:>8} {:>8} {:>8}   AWS calls per command",
        "command", "median", "p95", "worst", "status"
    );
    let debug_task = launch_one(&world).await;
    let forward = format!("forward {debug_task} db.internal:5432 15432");
    for text in [
        "start payments-dev 30m bench",
        "start payments-dev --like payments-api 30m bench",
        forward.as_str(),
        "list",
        "list payments-dev",
        "doctor payments-dev",
        "help",
    ] {
        let mut times = Vec::with_capacity(REQUESTS);
        let mut statuses = std::collections::BTreeSet::new();
        world.proxy.reset_counts();
        for _ in 0..REQUESTS {
            let answer = world.slash(ALLOWED_USER, "C0X", text).await;
            statuses.insert(answer.status);
            if text.starts_with("forward") {
                assert!(answer.text.contains("localhost:15432"), "{}", answer.text);
            }
            if text.starts_with("start") {
                assert!(
                    answer.text.contains("Starting a debug task"),
                    "start was not queued: {}",
                    answer.text
                );
            }
            times.push(answer.took);
        }
        report(&world, text, times, statuses);
    }
    // Clicks: Extend 1h on the debug task (the answer is an empty 200 once the message is
    // replaced through the click's response_url), then capped at the max lifetime, still answered.
    let value = format!("payments-dev/{debug_task}");
    let mut times = Vec::with_capacity(REQUESTS);
    let mut statuses = std::collections::BTreeSet::new();
    world.proxy.reset_counts();
    for i in 0..REQUESTS {
        let url = world.slack.response_url(&format!("click{i}"));
        let body = click(ALLOWED_USER, "C0X", "debug_extend", &value, &url);
        let answer = world.deliver(&body, &Delivery::signed(&body)).await;
        statuses.insert(answer.status);
        times.push(answer.took);
    }
    report(&world, "click: Extend 1h", times, statuses);
}

fn report(
    world: &LaunchWorld,
    text: &str,
    mut times: Vec<Duration>,
    statuses: std::collections::BTreeSet<u16>,
) {
    {
        let calls = world.proxy.calls();
        times.sort();
        let per_command: Vec<String> = calls
            .iter()
            .map(|(action, n)| format!("{action}×{}", *n as f64 / REQUESTS as f64))
            .collect();
        println!(
            "{:<32} {:>8} {:>8} {:>8} {:>8}   {}",
            text,
            ms(times[REQUESTS / 2]),
            ms(times[REQUESTS * 95 / 100]),
            ms(times[REQUESTS - 1]),
            format!("{statuses:?}"),
            if per_command.is_empty() {
                "none".to_string()
            } else {
                per_command.join(" ")
            }
        );
    }
}

/// One debug task through the real launcher (for `forward`); its id.
async fn launch_one(world: &LaunchWorld) -> String {
    let mut event: serde_json::Value = integration_tests::samples::sample("debug-launcher/launch");
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    event["time"] = serde_json::json!(now);
    event["detail"]["requestedBy"] = serde_json::json!(ALLOWED_USER);
    event["detail"]["responseUrl"] = serde_json::Value::Null;
    let outcome = world.launch(event).await;
    let arn = outcome["taskArn"]
        .as_str()
        .expect("a debug task for forward");
    arn.rsplit('/').next().unwrap().to_string()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
