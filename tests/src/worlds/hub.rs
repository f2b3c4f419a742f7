//! The many-accounts world (docs/interface.md, "Many accounts"): one moto serving three accounts
//! behind the strict gate, a hub (`slack-command` with `SPOKES`, in the tests' default account)
//! and two spokes in other accounts and regions, each deployed as `infra/spoke.yaml` would:
//! `ecs-environment`, `debug-launcher`, `task-events` (given its own account's ECS events) and
//! `idle-reaper`, its bus `ecs-debug-toolkit` (routed to a queue the test drains) and its hub
//! role, whose trust and policies the gate evaluates as AWS would (the bus admits no other account: the hub
//! puts launch requests as that role, in the spoke's account). Only the hub holds the bot token:
//! the spokes' notices reach the hub's bus through their rule NoticesToTheHub (judged by the gate:
//! the rule's role, the hub bus's policy `NoticesFromSpokes`), and a queue there relays them to
//! the hub's task-events, which posts them. The hub seals buttons and `response_url`s with
//! [`HUB_KEY`], as the hub stack's `SlackButtonKey` does.

mod commands;

use super::spoke::Spoke;
use super::LocalAws;
use crate::fakes::bus::{relay, Bus, NOTICES};
use crate::fakes::slack::{form, SlackServer, SIGNING_SECRET};
use crate::lambda::Lambda;
use crate::moto::{ACCOUNT, REGION};
use crate::strict::{register_buses, register_spoke, Deliveries};
use hmac::{Hmac, Mac};
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::time::Duration;

pub const CLUSTER: &str = "payments";
pub const USER: &str = "U0ALLOWED";
pub const CHANNEL: &str = "C0DEBUG";
pub const BOT_TOKEN: &str = "xoxb-hub-test-bot-token-DO-NOT-LOG";
/// The role the gate knows the hub's `slack-command` by (`arn:aws:iam::<account>:role/<binary>`),
/// which each spoke's `HubRoleArn` names.
pub const HUB_ROLE_ARN: &str = "arn:aws:iam::123456789012:role/slack-command";
/// The hub stack's bus (`<stack>-debug-requests`), where spokes send their notices.
pub const HUB_BUS: &str = "ecs-debug-toolkit-debug-requests";
pub const HUB_BUS_ARN: &str =
    "arn:aws:events:eu-west-1:123456789012:event-bus/ecs-debug-toolkit-debug-requests";
/// The hub's button key (the hub stack's SlackButtonKey).
pub const HUB_KEY: &str = "hub-button-key-for-tests-0123456789abcdef0123456789";

/// `value` as the hub seals it (`<value>.<hex HMAC-SHA256 under HUB_KEY>`), computed here.
pub fn seal(value: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(HUB_KEY.as_bytes()).expect("any key");
    mac.update(value.as_bytes());
    format!("{value}.{}", hex::encode(mac.finalize().into_bytes()))
}

/// The hub's seal of `channel` for the spoke `alias` (hex HMAC-SHA256 of
/// `channel\n<alias>\n<channel>` under HUB_KEY), computed here.
pub fn channel_seal(alias: &str, channel: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(HUB_KEY.as_bytes()).expect("any key");
    mac.update(format!("channel\n{alias}\n{channel}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The value a sealed button value carries, checked against [`seal`] (panics on a forgery).
pub fn opened(sealed: &str) -> String {
    let (value, _) = sealed
        .rsplit_once('.')
        .unwrap_or_else(|| panic!("unsealed: {sealed}"));
    assert_eq!(seal(value), sealed, "a seal the hub did not make");
    value.to_string()
}

/// (alias, account, region, VPC CIDR) of the two spokes.
pub const SPOKES: [(&str, &str, &str, &str); 2] = [
    ("prod", "111111111111", "eu-west-1", "10.61.0.0/16"),
    ("staging", "222222222222", "us-east-1", "10.62.0.0/16"),
];

pub struct HubWorld {
    pub local: LocalAws,
    pub slack: SlackServer,
    pub command: Lambda,
    /// The hub's task-events: it posts what the spokes' notices say.
    pub task_events: Lambda,
    /// The notices relayed to it from the hub's bus, with its answers.
    pub notices: Deliveries,
    pub spokes: Vec<Spoke>,
    /// The hub's answers that came too late, so far, and whether one came in time (see
    /// [`commands`]).
    late: AtomicUsize,
    in_time: AtomicBool,
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

    async fn start_full(
        others: &[(&str, &str, &str, &str)],
        unreported: bool,
        extra: &[(&str, &str)],
    ) -> Self {
        let local = LocalAws::start("10.60.0.0/16").await;
        let slack = SlackServer::start().await;
        let hub_bus = Bus::create_for(&local.aws, HUB_BUS, NOTICES).await;
        let spoke_accounts: Vec<&str> = SPOKES.iter().map(|s| s.1).collect();
        let listed: Vec<String> = SPOKES
            .iter()
            .map(|(alias, account, region, _)| format!("{alias}={account}/{region}"))
            .collect();
        let parameters =
            json!({"Spokes": listed.join(","), "SpokeAccounts": spoke_accounts.join(",")});
        register_buses(&local.moto.endpoint(), ACCOUNT, REGION, &parameters).await;
        let mut spokes = Vec::new();
        for (alias, account, region, cidr) in SPOKES {
            spokes.push(Spoke::deploy(&local, &slack, alias, account, region, cidr).await);
        }
        let mut entries: Vec<String> = SPOKES
            .iter()
            .map(|(alias, account, region, _)| format!("{alias}={account}/{region}"))
            .collect();
        for (alias, account, region, trusted) in others {
            let parameters =
                json!({"SpokeAlias": alias, "HubRoleArn": trusted, "HubEventBusArn": HUB_BUS_ARN});
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
                ("SLACK_BUTTON_KEY", HUB_KEY.to_string()),
            ]
            .map(|(k, v)| (k.to_string(), v)),
        );
        env.extend(unreported.into_iter().map(|(k, v)| (k.to_string(), v)));
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let (command, task_events, primer) = tokio::join!(
            Lambda::start("slack-command", &env),
            Lambda::start("task-events", &env),
            Lambda::start("slack-command", &env),
        );
        // Every function's init done before the test's first request, as in a warm account:
        // under an emulator (CI's qemu-user) a dozen inits at once would otherwise eat into the
        // first command's 2.4 s (cold starts are bench-cold-init's to measure).
        let functions = spokes.iter().flat_map(Spoke::functions);
        for function in [&command, &task_events, &primer]
            .into_iter()
            .chain(functions)
        {
            function.ready(Duration::from_secs(120)).await;
        }
        // A first instance of the hub's command warms the test world, as hub-list-bench's does
        // (the strict gate judges each new principal's first calls one at a time and moto makes
        // its backends on first use; AWS does neither): the command under test meets it as a
        // warm account, itself cold (no role assumed, nothing cached).
        commands::deliver_to(
            &primer,
            &form(USER, CHANNEL, "list", &slack.response_url("warm-up")),
        )
        .await;
        drop(primer);
        // The test counts its own calls (the primer's and the deploys' are not its).
        local.proxy.reset_counts();
        let notices = relay(hub_bus, task_events.runtime.clone());
        Self {
            local,
            slack,
            command,
            task_events,
            notices,
            spokes,
            late: AtomicUsize::new(0),
            in_time: AtomicBool::new(false),
        }
    }

    pub fn spoke(&self, alias: &str) -> &Spoke {
        self.spokes
            .iter()
            .find(|s| s.alias == alias)
            .expect("spoke")
    }

    pub fn all_logs(&self) -> String {
        let mut logs = self.command.logs();
        logs.push_str(&self.task_events.logs());
        for spoke in &self.spokes {
            for function in spoke.functions() {
                logs.push_str(&function.logs());
            }
        }
        logs
    }
}
