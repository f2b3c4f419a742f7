//! The worlds the suites run in. [`LocalAws`] is built the same way for every one of them: a moto
//! of its own behind the strict gate, the fault proxy in front of it, the test's own view of AWS
//! (straight to moto), a VPC with private subnets, and CloudFormation's `ResponseURL` server. Each
//! world adds only its functions (and Slack, where it talks to Slack).

pub mod environment;
pub mod hub;
pub mod launch;
pub mod reap;
pub mod spoke;

use crate::fakes::cfn::{self, CfnRequest, ResponseServer, Shown};
use crate::fakes::fault_proxy::FaultProxy;
use crate::fixtures::Vpc;
use crate::lambda::Lambda;
use crate::moto::{function_env, sdk_config, Moto, Network};
use aws_config::SdkConfig;
use serde_json::Value;
use std::time::Duration;

pub struct LocalAws {
    pub moto: Moto,
    pub proxy: FaultProxy,
    /// The test's own view of AWS (straight to moto, no faults, no gate).
    pub aws: SdkConfig,
    pub vpc: Vpc,
    pub responses: ResponseServer,
}

impl LocalAws {
    /// Everything started; the VPC gets `cidr` (worlds differ only to tell their logs apart).
    pub async fn start(cidr: &str) -> Self {
        Self::start_with(cidr, Network::Anywhere).await
    }

    /// The same, with moto's Exec agents following their task's network when `Network::Modelled`.
    pub async fn start_with(cidr: &str, network: Network) -> Self {
        let moto = Moto::start_with(network).await;
        let proxy = FaultProxy::start(&moto.endpoint()).await;
        let aws = sdk_config(&moto.endpoint());
        let ec2 = aws_sdk_ec2::Client::new(&aws);
        let (vpc, responses) = tokio::join!(Vpc::create(&ec2, cidr), ResponseServer::start());
        Self {
            moto,
            proxy,
            aws,
            vpc,
            responses,
        }
    }

    /// The environment a function process starts with: AWS through the fault proxy, and
    /// CloudFormation's responses to this world's `ResponseURL` server.
    pub fn function_env(&self) -> Vec<(String, String)> {
        let mut env = function_env(&self.proxy.endpoint());
        env.push(("CFN_RESPONSE_URL_PREFIXES".into(), self.responses.prefix()));
        env
    }

    /// Tells the strict gate what CloudFormation shows of `request`'s stack resource.
    pub async fn show(&self, request: &Value, shown: Option<Shown>) {
        if let Some(shown) = shown {
            cfn::show(&self.moto.endpoint(), request, &shown).await;
        }
    }

    /// Plays CloudFormation for `request` (answered at `key`) with `lambda` in the plain
    /// sequence: the stack resource shown in progress, the request, then shown as answered.
    /// Returns the answer.
    pub async fn cloudformation(
        &self,
        lambda: &Lambda,
        request: Value,
        key: &str,
        timeout: Duration,
    ) -> Value {
        self.show(&request, Shown::while_waiting(&request)).await;
        lambda.call(request.clone(), timeout).await;
        let answer = self.responses.wait(key, Duration::from_secs(5)).await.body;
        self.show(&request, Shown::once_answered(&request, &answer))
            .await;
        answer
    }

    /// Creates an environment through the real `ecs-environment` (a CloudFormation Create,
    /// answered to this world's `ResponseURL` server); returns the SUCCESS (`Data` has the ids).
    pub async fn create_environment(&self, environment: &Lambda, props: &Value) -> Value {
        let url = self.responses.url("create");
        let create = CfnRequest::create("create", &url, props);
        let answer = self
            .cloudformation(environment, create, "create", Duration::from_secs(60))
            .await;
        assert_eq!(answer["Status"], "SUCCESS", "environment: {answer:#}");
        answer
    }
}
