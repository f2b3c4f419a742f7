//! The clean-up world: moto (behind the fault proxy), an environment created by the real
//! `ecs-environment` (idle timeout 30 min, max lifetime 240 min), debug tasks run straight in moto
//! with the launcher's tags, Slack's Web API played locally, and the `idle-reaper` (also a dry-run
//! one) and `task-events` binaries under their own Runtime API emulators; `task-events` also gets
//! the ECS Task State Change events of every task started or stopped, as EventBridge delivers them.

use super::LocalAws;
use crate::fakes::slack::SlackServer;
use crate::lambda::Lambda;
use crate::moto::Network;
use crate::strict::{deliver_ecs_events, Deliveries};
use crate::user_tasks::{run_tasks, Run};
use serde_json::{json, Value};
use std::ops::Deref;
use std::time::Duration;

pub const CLUSTER: &str = "payments-dev";
pub const FAMILY: &str = "payments-dev-debug-toolkit";
pub const CHANNEL: &str = "C0DEBUG";
pub const BOT_TOKEN: &str = "xoxb-test-bot-token-DO-NOT-LOG";

pub struct ReapWorld {
    pub local: LocalAws,
    pub slack: SlackServer,
    pub environment: Lambda,
    pub reaper: Lambda,
    pub dry_reaper: Lambda,
    pub task_events: Lambda,
    /// The ECS Task State Change events delivered to `task_events` (by the strict gate).
    pub ecs_events: Deliveries,
    pub created: Value,
}

impl Deref for ReapWorld {
    type Target = LocalAws;

    fn deref(&self) -> &LocalAws {
        &self.local
    }
}

impl ReapWorld {
    pub async fn start() -> Self {
        Self::start_with(true).await
    }

    /// `ecs_events`: whether task-events gets ECS's events (a scale test of the reaper alone
    /// leaves them out: thousands of invocations of another function are not what it measures).
    pub async fn start_with(ecs_events: bool) -> Self {
        Self::start_in(ecs_events, Network::Anywhere).await
    }

    /// A world whose moto brings a task's Exec agent up only where its network allows.
    pub async fn start_in(ecs_events: bool, network: Network) -> Self {
        Self::start_with_props(ecs_events, network, json!({})).await
    }

    /// The same, the environment created with `extra` properties besides the world's own.
    pub async fn start_with_props(ecs_events: bool, network: Network, extra: Value) -> Self {
        let local = LocalAws::start_with("10.40.0.0/16", network).await;
        let slack = SlackServer::start().await;
        let base = local.function_env();
        let mut with_slack = base.clone();
        with_slack.push(("SLACK_BOT_TOKEN".into(), BOT_TOKEN.into()));
        with_slack.push(("SLACK_API_BASE_URL".into(), slack.api_base()));
        let mut dry = with_slack.clone();
        dry.push(("DRY_RUN".into(), "true".into()));
        let environment = Lambda::start("ecs-environment", &base).await;
        let reaper = Lambda::start("idle-reaper", &with_slack).await;
        let dry_reaper = Lambda::start("idle-reaper", &dry).await;
        let task_events = Lambda::start("task-events", &with_slack).await;
        let ecs_events = if ecs_events {
            deliver_ecs_events(&local.moto.endpoint(), "task-events", &task_events.runtime).await
        } else {
            Deliveries::default()
        };
        let mut props = json!({
            "ClusterName": CLUSTER, "VpcId": local.vpc.id, "Environment": "dev",
            "AllowedSlackChannels": CHANNEL, "IdleTimeoutMinutes": "30", "MaxLifetimeMinutes": "240",
        });
        for (key, value) in extra.as_object().into_iter().flatten() {
            props[key] = value.clone();
        }
        let created = local.create_environment(&environment, &props).await;
        Self {
            local,
            slack,
            environment,
            reaper,
            dry_reaper,
            task_events,
            ecs_events,
            created,
        }
    }

    pub fn data(&self, key: &str) -> String {
        self.created["Data"][key]
            .as_str()
            .unwrap_or_else(|| panic!("Data.{key}"))
            .to_string()
    }

    /// Runs `count` (≤ 10) tasks of the debug-toolkit family straight in moto, as `started_by`,
    /// with these tags; returns their ARNs.
    pub async fn run_tasks(
        &self,
        count: i32,
        started_by: &str,
        tags: &[(&str, String)],
    ) -> Vec<String> {
        let run = Run {
            cluster: CLUSTER,
            task_definition: FAMILY,
            started_by,
            subnets: self.vpc.private_subnets.clone(),
            security_groups: vec![self.data("SecurityGroupId")],
            tags: tags.to_vec(),
        };
        run_tasks(&aws_sdk_ecs::Client::new(&self.aws), &run, count).await
    }

    /// A scheduled event as EventBridge sends it, for `time`.
    pub fn scheduled_event(time: &str) -> Value {
        let mut event: Value = crate::samples::sample("idle-reaper/scheduled");
        event["time"] = json!(time);
        event
    }

    pub async fn reap(&self, time: &str) -> Value {
        self.reaper
            .call(Self::scheduled_event(time), Duration::from_secs(120))
            .await
    }

    /// [`Self::reap`] with the deadline of the stack's `Timeout` (120 s) stretched under an
    /// emulator (`$DEBUG_TOOLKIT_BIN_RUNNER`, CI's qemu-user), where the same work runs several
    /// times slower than on Lambda's arm64 (5,001 tasks: ~110 s alone on a 2-core machine). For
    /// the scale test, which checks what is called and stopped; its time is bench-reaper's.
    pub async fn reap_at_scale(&self, time: &str) -> Value {
        let emulated =
            std::env::var("DEBUG_TOOLKIT_BIN_RUNNER").is_ok_and(|r| !r.trim().is_empty());
        let deadline = Duration::from_secs(if emulated { 300 } else { 120 });
        self.reaper
            .call(Self::scheduled_event(time), deadline)
            .await
    }

    pub async fn dry_reap(&self, time: &str) -> Value {
        self.dry_reaper
            .call(Self::scheduled_event(time), Duration::from_secs(120))
            .await
    }

    /// Everything the functions logged, line by line (each function's lines end in a newline).
    pub fn all_logs(&self) -> String {
        [
            &self.environment,
            &self.reaper,
            &self.dry_reaper,
            &self.task_events,
        ]
        .iter()
        .map(|l| l.logs())
        .collect::<String>()
    }
}
