//! The Slack-to-task world: moto (behind the fault proxy), an environment created by the real
//! `ecs-environment` binary, a bus routed to SQS, Slack played by a local server, and the
//! `slack-command` and `debug-launcher` binaries under their own Runtime API emulators.

use super::LocalAws;
use crate::fakes::bus::Bus;
use crate::fakes::slack::{form, function_url_event, Delivery, SlackServer, SIGNING_SECRET};
use crate::lambda::Lambda;
use serde_json::{json, Value};
use std::ops::Deref;
use std::time::{Duration, Instant};

pub const CLUSTER: &str = "payments-dev";
pub const ALLOWED_USER: &str = "U0ALLOWED";
pub const ALLOWED_CHANNEL: &str = "C0DEBUG";
pub const BUS: &str = "debug-requests";
pub const MAX_LIFETIME_MINUTES: u32 = 120;
pub const INVOKE_TIMEOUT: Duration = Duration::from_secs(60);

pub struct LaunchWorld {
    pub local: LocalAws,
    pub slack: SlackServer,
    pub bus: Bus,
    pub environment: Lambda,
    pub command: Lambda,
    pub launcher: Lambda,
    /// What the environment's Create answered (`Data` has the ids).
    pub created: Value,
}

impl Deref for LaunchWorld {
    type Target = LocalAws;

    fn deref(&self) -> &LocalAws {
        &self.local
    }
}

/// A slash command's answer as Slack would see it.
#[derive(Debug)]
pub struct SlashAnswer {
    pub status: u16,
    pub body: Value,
    pub text: String,
    pub took: Duration,
}

impl LaunchWorld {
    pub async fn start() -> Self {
        Self::start_with(&[], &[]).await
    }

    /// `command_env` / `launcher_env` are added to (or override) each function's environment.
    pub async fn start_with(command_env: &[(&str, &str)], launcher_env: &[(&str, &str)]) -> Self {
        Self::start_with_properties(command_env, launcher_env, json!({})).await
    }

    /// As [`Self::start_with`], the environment created with `properties` added to (or
    /// overriding) the world's own.
    pub async fn start_with_properties(
        command_env: &[(&str, &str)],
        launcher_env: &[(&str, &str)],
        properties: Value,
    ) -> Self {
        let local = LocalAws::start("10.30.0.0/16").await;
        let (bus, slack) = tokio::join!(Bus::create(&local.aws, BUS), SlackServer::start());
        let base = local.function_env();
        let with = |extra: Vec<(&str, String)>, overrides: &[(&str, &str)]| {
            let mut env = base.clone();
            env.extend(extra.into_iter().map(|(k, v)| (k.to_string(), v)));
            env.extend(
                overrides
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string())),
            );
            env
        };
        let command_env = with(
            vec![
                ("SLACK_SIGNING_SECRET", SIGNING_SECRET.to_string()),
                ("EVENT_BUS_NAME", BUS.to_string()),
                ("SLACK_RESPONSE_URL_PREFIXES", slack.hooks_prefix()),
                ("SLACK_API_BASE_URL", slack.api_base()),
            ],
            command_env,
        );
        let launcher_env = with(
            vec![
                ("SLACK_RESPONSE_URL_PREFIXES", slack.hooks_prefix()),
                ("SLACK_API_BASE_URL", slack.api_base()),
            ],
            launcher_env,
        );
        let environment = Lambda::start("ecs-environment", &base).await;
        let command = Lambda::start("slack-command", &command_env).await;
        let launcher = Lambda::start("debug-launcher", &launcher_env).await;
        let mut world = Self {
            local,
            slack,
            bus,
            environment,
            command,
            launcher,
            created: Value::Null,
        };
        world.created = world.create_environment(properties).await;
        world
    }

    async fn create_environment(&self, properties: Value) -> Value {
        let mut props = json!({
            "ClusterName": CLUSTER,
            "VpcId": self.vpc.id,
            "Environment": "dev",
            "AllowedSlackUsers": ALLOWED_USER,
            "AllowedSlackChannels": ALLOWED_CHANNEL,
            "MaxLifetimeMinutes": MAX_LIFETIME_MINUTES.to_string(),
        });
        if let (Some(props), Value::Object(extra)) = (props.as_object_mut(), properties) {
            props.extend(extra);
        }
        self.local
            .create_environment(&self.environment, &props)
            .await
    }

    pub fn data(&self, key: &str) -> String {
        self.created["Data"][key]
            .as_str()
            .unwrap_or_else(|| panic!("Data.{key}"))
            .to_string()
    }

    /// Sends a signed slash command and returns Slack's view of the answer.
    pub async fn slash(&self, user: &str, channel: &str, text: &str) -> SlashAnswer {
        let body = form(user, channel, text, &self.slack.response_url("cmd"));
        self.deliver(&body, &Delivery::signed(&body)).await
    }

    /// Delivers a body to the Function URL exactly as given.
    pub async fn deliver(&self, body: &str, delivery: &Delivery) -> SlashAnswer {
        let started = Instant::now();
        let reply = self
            .command
            .call(function_url_event(body, delivery), Duration::from_secs(10))
            .await;
        let took = started.elapsed();
        let status = reply["statusCode"].as_u64().expect("statusCode") as u16;
        let raw = reply["body"].as_str().unwrap_or_default();
        let body: Value = serde_json::from_str(raw).unwrap_or_else(|_| json!(raw));
        let text = body["text"].as_str().unwrap_or(raw).to_string();
        SlashAnswer {
            status,
            body,
            text,
            took,
        }
    }

    /// Runs one EventBridge event through `debug-launcher`.
    pub async fn launch(&self, event: Value) -> Value {
        self.launcher.call(event, INVOKE_TIMEOUT).await
    }

    /// Everything the functions logged.
    pub fn all_logs(&self) -> String {
        [&self.environment, &self.command, &self.launcher]
            .iter()
            .map(|l| l.logs())
            .collect::<String>()
    }
}
