//! A spoke of the many-accounts world (`infra/spoke.yaml` in another account and region): the
//! tests' own view of its account, its four functions, its bus routed to a queue the test drains,
//! and the gate told of its hub role (the bus admits no other account) and its rule NoticesToTheHub (made on
//! the bus as CloudFormation would). It holds no bot token: its notices go to the hub.

use super::LocalAws;
use crate::fakes::bus::Bus;
use crate::fakes::cfn::CfnRequest;
use crate::fakes::slack::SlackServer;
use crate::fixtures::Vpc;
use crate::lambda::Lambda;
use crate::moto::{ACCOUNT, NOTICE_CLAIMS_LOG_GROUP};
use crate::strict::{deliver_ecs_events_of, register_spoke, Deliveries, ACCOUNT_VAR, STACK_VAR};
use crate::worlds::hub::{CHANNEL, CLUSTER, HUB_BUS_ARN, HUB_ROLE_ARN, USER};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use serde_json::{json, Value};
use std::time::Duration;

/// The tests' own view of `account` in `region` (straight to moto, no evaluation).
pub fn view_of(endpoint: &str, account: &str, region: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_ecs::config::SharedCredentialsProvider::new(
            aws_sdk_ecs::config::Credentials::new(
                format!("acct-{account}"),
                "testing",
                None,
                None,
                "tests",
            ),
        ))
        .build()
}

pub struct Spoke {
    pub alias: &'static str,
    pub account: &'static str,
    pub region: &'static str,
    pub aws: SdkConfig,
    pub vpc: Vpc,
    pub bus: Bus,
    pub environment: Lambda,
    pub launcher: Lambda,
    pub task_events: Lambda,
    pub reaper: Lambda,
    pub ecs_events: Deliveries,
}

impl Spoke {
    /// Its four functions.
    pub fn functions(&self) -> [&Lambda; 4] {
        [
            &self.environment,
            &self.launcher,
            &self.task_events,
            &self.reaper,
        ]
    }

    pub fn ecs(&self) -> aws_sdk_ecs::Client {
        aws_sdk_ecs::Client::new(&self.aws)
    }

    pub async fn reap(&self, time: &str) -> Value {
        let mut event: Value = crate::samples::sample("idle-reaper/scheduled");
        event["time"] = json!(time);
        event["account"] = json!(self.account);
        event["region"] = json!(self.region);
        self.reaper.call(event, Duration::from_secs(120)).await
    }

    /// Deploys a spoke as `infra/spoke.yaml` would, its environment `payments` included.
    pub async fn deploy(
        local: &LocalAws,
        slack: &SlackServer,
        alias: &'static str,
        account: &'static str,
        region: &'static str,
        cidr: &str,
    ) -> Spoke {
        let endpoint = local.moto.endpoint();
        let aws = view_of(&endpoint, account, region);
        let ec2 = aws_sdk_ec2::Client::new(&aws);
        let (vpc, bus) = tokio::join!(
            Vpc::create(&ec2, cidr),
            Bus::create(&aws, "ecs-debug-toolkit"),
        );
        let parameters =
            json!({"SpokeAlias": alias, "HubRoleArn": HUB_ROLE_ARN, "HubEventBusArn": HUB_BUS_ARN});
        register_spoke(&endpoint, account, region, &parameters, None).await;
        aws_sdk_cloudwatchlogs::Client::new(&aws)
            .create_log_group()
            .log_group_name(NOTICE_CLAIMS_LOG_GROUP)
            .send()
            .await
            .expect("CreateLogGroup of the spoke's claims group");
        let image = format!(
            "{account}.dkr.ecr.{region}.amazonaws.com/ecs-debug-toolkit/debug-toolkit:1.0.0"
        );
        let mut env = local.function_env();
        env.retain(|(k, _)| {
            ![
                "AWS_REGION",
                "AWS_DEFAULT_REGION",
                "DEFAULT_DEBUG_TOOLKIT_IMAGE",
            ]
            .contains(&k.as_str())
        });
        env.extend(
            [
                ("AWS_REGION", region.to_string()),
                ("AWS_DEFAULT_REGION", region.to_string()),
                ("DEFAULT_DEBUG_TOOLKIT_IMAGE", image),
                (ACCOUNT_VAR, account.to_string()),
                (STACK_VAR, "spoke".to_string()),
                ("SPOKE_ALIAS", alias.to_string()),
                ("NOTICE_BUS_NAME", "ecs-debug-toolkit".to_string()),
                // Where Slack would be, were a spoke to call it (it must not: no token).
                ("SLACK_API_BASE_URL", slack.api_base()),
            ]
            .map(|(k, v)| (k.to_string(), v)),
        );
        let (environment, launcher, task_events, reaper) = tokio::join!(
            Lambda::start("ecs-environment", &env),
            Lambda::start("debug-launcher", &env),
            Lambda::start("task-events", &env),
            Lambda::start("idle-reaper", &env),
        );
        let ecs_events = deliver_ecs_events_of(
            &endpoint,
            "task-events",
            &task_events.runtime,
            account,
            region,
        )
        .await;
        let props = json!({
            "ClusterName": CLUSTER, "VpcId": vpc.id, "Environment": alias,
            "AllowedSlackUsers": USER, "AllowedSlackChannels": CHANNEL,
            "IdleTimeoutMinutes": "30", "MaxLifetimeMinutes": "240",
        });
        create_in_spoke(local, &environment, &props, account, region).await;
        Spoke {
            alias,
            account,
            region,
            aws,
            vpc,
            bus,
            environment,
            launcher,
            task_events,
            reaper,
            ecs_events,
        }
    }
}

/// A CloudFormation Create as a stack of the spoke's own account and region sends it (its
/// `StackId` and `ServiceToken` there: ecs-environment reads its account and region from them).
async fn create_in_spoke(
    local: &LocalAws,
    environment: &Lambda,
    props: &Value,
    account: &str,
    region: &str,
) {
    let key = format!("create-{account}");
    let url = local.responses.url(&key);
    let request = CfnRequest::create(&key, &url, props).to_string();
    let here = format!("{region}:{account}:");
    let request: Value = serde_json::from_str(
        &request.replace(&format!("{}:{ACCOUNT}:", crate::moto::REGION), &here),
    )
    .expect("the request stays JSON");
    assert!(request["StackId"].as_str().unwrap().contains(&here));
    let answer = local
        .cloudformation(environment, request, &key, Duration::from_secs(60))
        .await;
    assert_eq!(
        answer["Status"], "SUCCESS",
        "environment in {account}: {answer:#}"
    );
}
