//! `list` across many spokes (docs/interface.md, "Many accounts"): a hub whose `SPOKES` names 20
//! accounts, each with a managed cluster, every AWS call delayed 100 ms by the fault proxy (a
//! far-away region's round trip). The hub asks all spokes at once, so the answer should take a
//! few calls' time, not 20 times that. Measured cold (each spoke's role assumed first) and warm
//! (credentials cached): the answer is due within 1 s. Uses the binaries in `$DEBUG_TOOLKIT_BIN_DIR` (the release ones, via
//! `./scripts/bench.sh`).

use integration_tests::fakes::fault_proxy::Fault;
use integration_tests::fakes::slack::{
    form, function_url_event, Delivery, SlackServer, SIGNING_SECRET,
};
use integration_tests::lambda::Lambda;
use integration_tests::strict::register_spoke;
use integration_tests::worlds::hub::{CHANNEL, HUB_BUS_ARN, HUB_ROLE_ARN, USER};
use integration_tests::worlds::spoke::view_of;
use integration_tests::worlds::LocalAws;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const SPOKES: usize = 20;
const DELAY: Duration = Duration::from_millis(100);
const WARM_RUNS: usize = 20;

#[tokio::main]
async fn main() {
    let local = LocalAws::start("10.70.0.0/16").await;
    let slack = SlackServer::start().await;
    let endpoint = local.moto.endpoint();
    let mut spokes = Vec::new();
    for n in 0..SPOKES {
        let (alias, account) = (
            format!("spoke-{n:02}"),
            format!("{:012}", 300_000_000_000u64 + n as u64),
        );
        let region = if n % 2 == 0 { "eu-west-1" } else { "us-east-1" };
        let parameters =
            json!({"SpokeAlias": alias, "HubRoleArn": HUB_ROLE_ARN, "HubEventBusArn": HUB_BUS_ARN});
        register_spoke(&endpoint, &account, region, &parameters, None).await;
        managed_cluster(&view_of(&endpoint, &account, region), &alias).await;
        spokes.push(format!("{alias}={account}/{region}"));
    }
    let mut env = local.function_env();
    env.extend(
        [
            ("SPOKES", spokes.join(",")),
            ("SLACK_SIGNING_SECRET", SIGNING_SECRET.to_string()),
            ("SLACK_API_BASE_URL", slack.api_base()),
        ]
        .map(|(k, v)| (k.to_string(), v)),
    );
    // A first instance warms the test world (the strict gate's IAM simulator answers each new
    // principal once, serially, which AWS does not); a fresh one is then measured cold.
    let primer = Lambda::start("slack-command", &env).await;
    list(&primer, &slack).await;
    drop(primer);
    let command = Lambda::start("slack-command", &env).await;
    local.proxy.reset_counts();
    local.proxy.inject("*", Fault::Delay(DELAY), None);
    println!("`list` from a hub with {SPOKES} spokes (one managed cluster each), every AWS call delayed {} ms", DELAY.as_millis());
    let (cold, text) = list(&command, &slack).await;
    assert!(
        text.contains("and 0 more") || text.contains("spoke-19"),
        "{text}"
    );
    assert!(!text.contains("Not listed"), "every spoke answers: {text}");
    let calls = local.proxy.calls();
    println!(
        "cold (each spoke's role assumed):  {:>5} ms   AssumeRole {}, ListClusters {}, DescribeClusters {}",
        cold.as_millis(),
        calls.get("AssumeRole").unwrap_or(&0),
        calls.get("ListClusters").unwrap_or(&0),
        calls.get("DescribeClusters").unwrap_or(&0),
    );
    local.proxy.reset_counts();
    let mut warm: Vec<Duration> = Vec::new();
    for _ in 0..WARM_RUNS {
        warm.push(list(&command, &slack).await.0);
    }
    warm.sort();
    let calls = local.proxy.calls();
    println!(
        "warm, {WARM_RUNS} runs:  median {:>5} ms   worst {:>5} ms   AssumeRole calls {}",
        warm[WARM_RUNS / 2].as_millis(),
        warm[WARM_RUNS - 1].as_millis(),
        calls.get("AssumeRole").unwrap_or(&0),
    );
}

async fn list(command: &Lambda, slack: &SlackServer) -> (Duration, String) {
    let body = form(USER, CHANNEL, "list", &slack.response_url("bench"));
    let started = Instant::now();
    let reply = command
        .call(
            function_url_event(&body, &Delivery::signed(&body)),
            Duration::from_secs(10),
        )
        .await;
    let took = started.elapsed();
    let answer: Value =
        serde_json::from_str(reply["body"].as_str().unwrap_or_default()).unwrap_or(Value::Null);
    let mut text = answer["text"].to_string();
    for block in answer["blocks"].as_array().into_iter().flatten() {
        text.push_str(block["text"]["text"].as_str().unwrap_or_default());
    }
    (took, text)
}

/// A cluster tagged as ecs-environment tags one, in the spoke's own account.
async fn managed_cluster(aws: &aws_config::SdkConfig, alias: &str) {
    let tag = |k: &str, v: &str| aws_sdk_ecs::types::Tag::builder().key(k).value(v).build();
    aws_sdk_ecs::Client::new(aws)
        .create_cluster()
        .cluster_name(format!("{alias}-payments"))
        .tags(tag("debug-toolkit:managed-by", "ecs-debug-toolkit"))
        .tags(tag("debug-toolkit:allowed-users", USER))
        .tags(tag(
            "debug-toolkit:task-family",
            &format!("{alias}-payments-debug-toolkit"),
        ))
        .send()
        .await
        .expect("CreateCluster in a spoke");
}
