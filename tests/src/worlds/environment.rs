//! One function's world (the `ecs-environment` suite's): the local AWS, and the function binary
//! polling a Runtime API emulator of its own.

use super::LocalAws;
use crate::fakes::cfn::Received;
use crate::fakes::runtime_api::{Reply, RuntimeApi};
use crate::function::FunctionProcess;
use serde_json::Value;
use std::ops::Deref;
use std::time::Duration;

pub struct World {
    pub local: LocalAws,
    pub runtime: RuntimeApi,
    pub function: FunctionProcess,
}

impl Deref for World {
    type Target = LocalAws;

    fn deref(&self) -> &LocalAws {
        &self.local
    }
}

impl World {
    /// Starts everything for function `name`, with `env` added to its environment.
    pub async fn start(name: &str, env: &[(&str, &str)]) -> Self {
        let local = LocalAws::start("10.20.0.0/16").await;
        let runtime = RuntimeApi::start().await;
        let mut function_env = local.function_env();
        function_env.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let function = FunctionProcess::spawn(name, &runtime, &function_env).await;
        Self {
            local,
            runtime,
            function,
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
