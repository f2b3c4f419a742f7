//! One test's whole world: its own moto, a fault proxy in front of it, a CloudFormation
//! `ResponseURL` server, the Runtime API emulator and the function binary polling it.

use crate::cfn::{Received, ResponseServer};
use crate::fault_proxy::FaultProxy;
use crate::fixtures::Vpc;
use crate::function::FunctionProcess;
use crate::moto::{function_env, sdk_config, Moto};
use crate::runtime_api::{Reply, RuntimeApi};
use aws_config::SdkConfig;
use serde_json::Value;
use std::time::Duration;

pub struct World {
    pub moto: Moto,
    pub proxy: FaultProxy,
    pub responses: ResponseServer,
    pub runtime: RuntimeApi,
    pub function: FunctionProcess,
    /// The test's own view of AWS (straight to moto, no faults).
    pub aws: SdkConfig,
    pub vpc: Vpc,
}

impl World {
    /// Starts everything for function `name`, with `env` added to its environment.
    pub async fn start(name: &str, env: &[(&str, &str)]) -> Self {
        let moto = Moto::start().await;
        let proxy = FaultProxy::start(&moto.endpoint()).await;
        let responses = ResponseServer::start().await;
        let runtime = RuntimeApi::start().await;
        let mut function_env = function_env(&proxy.endpoint());
        function_env.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let function = FunctionProcess::spawn(name, &runtime, &function_env).await;
        let aws = sdk_config(&moto.endpoint());
        let vpc = Vpc::create(&aws_sdk_ec2::Client::new(&aws), "10.20.0.0/16").await;
        Self {
            moto,
            proxy,
            responses,
            runtime,
            function,
            aws,
            vpc,
        }
    }

    /// Sends a custom-resource request (its `ResponseURL` pointing at `key`) and returns the one
    /// response CloudFormation received, checking that exactly one arrived.
    pub async fn cloudformation(&self, event: Value, key: &str, deadline: Duration) -> Value {
        let reply = self.runtime.invoke(event, deadline).await;
        let received: Received = self.responses.wait(key, Duration::from_secs(5)).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(
            self.responses.received(key).len(),
            1,
            "exactly one response for {key}"
        );
        assert!(
            matches!(reply, Reply::Response(_)),
            "the invocation itself succeeds once answered: {reply:?}"
        );
        received.body
    }
}
