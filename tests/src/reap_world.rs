//! The clean-up world: moto (behind the fault proxy), an environment created by the real
//! `ecs-environment` (idle timeout 30 min, max lifetime 240 min), debug tasks run straight in moto
//! with the launcher's tags, Slack's Web API played locally, and the `idle-reaper` (also a dry-run
//! one) and `task-events` binaries under their own Runtime API emulators; `task-events` also gets
//! the ECS Task State Change events of every task started or stopped, as EventBridge delivers them.

use crate::cfn::ResponseServer;
use crate::fault_proxy::FaultProxy;
use crate::fixtures::Vpc;
use crate::lambda::{create_environment, Lambda};
use crate::moto::{function_env, sdk_config, Moto};
use crate::slack::SlackServer;
use crate::strict::{deliver_ecs_events, Deliveries};
use aws_config::SdkConfig;
use aws_sdk_ecs::types::{AwsVpcConfiguration, LaunchType, NetworkConfiguration, Tag};
use serde_json::{json, Value};
use std::time::Duration;

pub const CLUSTER: &str = "payments-dev";
pub const FAMILY: &str = "payments-dev-debug-toolkit";
pub const CHANNEL: &str = "C0DEBUG";
pub const BOT_TOKEN: &str = "xoxb-test-bot-token-DO-NOT-LOG";

pub struct ReapWorld {
    pub moto: Moto,
    pub proxy: FaultProxy,
    pub aws: SdkConfig,
    pub vpc: Vpc,
    pub slack: SlackServer,
    pub environment: Lambda,
    pub reaper: Lambda,
    pub dry_reaper: Lambda,
    pub task_events: Lambda,
    /// The ECS Task State Change events delivered to `task_events` (by the strict gate).
    pub ecs_events: Deliveries,
    pub created: Value,
}

impl ReapWorld {
    pub async fn start() -> Self {
        Self::start_with(true).await
    }

    /// `ecs_events`: whether task-events gets ECS's events (a scale test of the reaper alone
    /// leaves them out: thousands of invocations of another function are not what it measures).
    pub async fn start_with(ecs_events: bool) -> Self {
        let moto = Moto::start().await;
        let proxy = FaultProxy::start(&moto.endpoint()).await;
        let aws = sdk_config(&moto.endpoint());
        let (vpc, responses, slack) = tokio::join!(
            async { Vpc::create(&aws_sdk_ec2::Client::new(&aws), "10.40.0.0/16").await },
            ResponseServer::start(),
            SlackServer::start(),
        );
        let base = function_env(&proxy.endpoint());
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
            deliver_ecs_events(&moto.endpoint(), "task-events", &task_events.runtime).await
        } else {
            Deliveries::default()
        };
        let props = json!({
            "ClusterName": CLUSTER, "VpcId": vpc.id, "Environment": "dev",
            "AllowedSlackChannels": CHANNEL, "IdleTimeoutMinutes": "30", "MaxLifetimeMinutes": "240",
        });
        let created = create_environment(&environment, &responses, &props).await;
        Self {
            moto,
            proxy,
            aws,
            vpc,
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
        let network = AwsVpcConfiguration::builder()
            .set_subnets(Some(self.vpc.private_subnets.clone()))
            .security_groups(self.data("SecurityGroupId"))
            .build()
            .unwrap();
        let mut request = aws_sdk_ecs::Client::new(&self.aws)
            .run_task()
            .cluster(CLUSTER)
            .task_definition(FAMILY)
            .launch_type(LaunchType::Fargate)
            .count(count)
            .started_by(started_by)
            .network_configuration(
                NetworkConfiguration::builder()
                    .awsvpc_configuration(network)
                    .build(),
            );
        for (key, value) in tags {
            request = request.tags(Tag::builder().key(*key).value(value).build());
        }
        let run = request.send().await.expect("RunTask");
        run.tasks()
            .iter()
            .map(|t| t.task_arn().unwrap().to_string())
            .collect()
    }

    /// A scheduled event as EventBridge sends it, for `time`.
    pub fn scheduled_event(time: &str) -> Value {
        let mut event: Value =
            serde_json::from_str(include_str!("../../events/idle-reaper/scheduled.json")).unwrap();
        event["time"] = json!(time);
        event
    }

    pub async fn reap(&self, time: &str) -> Value {
        self.reaper
            .call(Self::scheduled_event(time), Duration::from_secs(120))
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
