//! The many-accounts world (docs/interface.md, "Many accounts"): one moto serving three accounts
//! behind the strict gate, a hub (`slack-command` with `SPOKES`, in the tests' default account)
//! and two spokes in other accounts and regions, each deployed as `infra/spoke.yaml` would:
//! `ecs-environment`, `debug-launcher`, `task-events` (given its own account's ECS events) and
//! `idle-reaper`, its bus `ecs-debug-toolkit` (routed to a queue the test drains) and its hub
//! role, whose trust and policies the gate evaluates as AWS would (the bus has no policy: the hub
//! puts launch requests as that role, in the spoke's account).

use super::spoke::Spoke;
use super::LocalAws;
use crate::fakes::slack::{click, form, function_url_event, Delivery, SlackServer, SIGNING_SECRET};
use crate::lambda::Lambda;
use crate::strict::register_spoke;
use serde_json::{json, Value};
use std::time::Duration;

pub const CLUSTER: &str = "payments";
pub const USER: &str = "U0ALLOWED";
pub const CHANNEL: &str = "C0DEBUG";
pub const BOT_TOKEN: &str = "xoxb-hub-test-bot-token-DO-NOT-LOG";
/// The role the gate knows the hub's `slack-command` by (`arn:aws:iam::<account>:role/<binary>`),
/// which each spoke's `HubRoleArn` names.
pub const HUB_ROLE_ARN: &str = "arn:aws:iam::123456789012:role/slack-command";
/// (alias, account, region, VPC CIDR) of the two spokes.
pub const SPOKES: [(&str, &str, &str, &str); 2] = [
    ("prod", "111111111111", "eu-west-1", "10.61.0.0/16"),
    ("staging", "222222222222", "us-east-1", "10.62.0.0/16"),
];

pub struct HubWorld {
    pub local: LocalAws,
    pub slack: SlackServer,
    pub command: Lambda,
    pub spokes: Vec<Spoke>,
}

impl HubWorld {
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// The two spokes, and in `SPOKES` also these `(alias, account, region, HubRoleArn)`: spoke
    /// stacks that trust the role given (and run no functions), for the hub's refusals.
    pub async fn start_with(others: &[(&str, &str, &str, &str)]) -> Self {
        Self::start_full(others, !others.is_empty(), &[]).await
    }

    /// A hub whose button values are sealed with `key` (`SLACK_BUTTON_KEY`).
    pub async fn start_sealed(key: &str) -> Self {
        Self::start_full(&[], false, &[("SLACK_BUTTON_KEY", key)]).await
    }

    async fn start_full(
        others: &[(&str, &str, &str, &str)],
        unreported: bool,
        extra: &[(&str, &str)],
    ) -> Self {
        let local = LocalAws::start("10.60.0.0/16").await;
        let slack = SlackServer::start().await;
        let mut spokes = Vec::new();
        for (alias, account, region, cidr) in SPOKES {
            spokes.push(Spoke::deploy(&local, &slack, alias, account, region, cidr).await);
        }
        let mut entries: Vec<String> = SPOKES
            .iter()
            .map(|(alias, account, region, _)| format!("{alias}={account}/{region}"))
            .collect();
        for (alias, account, region, trusted) in others {
            let parameters = json!({"SpokeAlias": alias, "HubRoleArn": trusted});
            register_spoke(&local.moto.endpoint(), account, region, &parameters, None).await;
            entries.push(format!("{alias}={account}/{region}"));
        }
        let spokes_var = entries.join(",");
        // A hub with a spoke that refuses it makes denied calls on purpose (the test asserts
        // them): judged as usual, left out of the run's report of denials.
        let unreported = if !unreported {
            vec![]
        } else {
            let template = concat!(env!("CARGO_MANIFEST_DIR"), "/../infra/template.yaml");
            vec![(crate::strict::TEMPLATE_OVERRIDE, template.to_string())]
        };
        let mut env = local.function_env();
        env.extend(
            [
                ("SPOKES", spokes_var),
                ("SLACK_SIGNING_SECRET", SIGNING_SECRET.to_string()),
                ("SLACK_BOT_TOKEN", BOT_TOKEN.to_string()),
                ("SLACK_RESPONSE_URL_PREFIXES", slack.hooks_prefix()),
                ("SLACK_API_BASE_URL", slack.api_base()),
            ]
            .map(|(k, v)| (k.to_string(), v)),
        );
        env.extend(unreported.into_iter().map(|(k, v)| (k.to_string(), v)));
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let command = Lambda::start("slack-command", &env).await;
        Self {
            local,
            slack,
            command,
            spokes,
        }
    }

    pub fn spoke(&self, alias: &str) -> &Spoke {
        self.spokes
            .iter()
            .find(|s| s.alias == alias)
            .expect("spoke")
    }

    /// A signed slash command from the allowed user; the answer's text (after checking Slack
    /// got a 200).
    pub async fn slash(&self, text: &str) -> Value {
        let body = form(USER, CHANNEL, text, &self.slack.response_url("cmd"));
        self.deliver(&body).await
    }

    /// A signed click on a button of ours.
    pub async fn click(&self, action_id: &str, value: &str) -> Value {
        let url = self.slack.response_url("click");
        self.deliver(&click(USER, CHANNEL, action_id, value, &url))
            .await
    }

    async fn deliver(&self, body: &str) -> Value {
        let event = function_url_event(body, &Delivery::signed(body));
        let reply = self.command.call(event, Duration::from_secs(10)).await;
        assert_eq!(reply["statusCode"], 200, "{reply:#}");
        let raw = reply["body"].as_str().unwrap_or_default();
        serde_json::from_str(raw).unwrap_or(Value::Null)
    }

    pub fn all_logs(&self) -> String {
        let mut logs = self.command.logs();
        for spoke in &self.spokes {
            for function in [
                &spoke.environment,
                &spoke.launcher,
                &spoke.task_events,
                &spoke.reaper,
            ] {
                logs.push_str(&function.logs());
            }
        }
        logs
    }
}
