//! One function's world (the `ecs-environment` suite's): the local AWS, and the function binary
//! polling a Runtime API emulator of its own.

use super::LocalAws;
use crate::fakes::cfn::{Received, Shown};
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

    /// Plays CloudFormation for a custom-resource request (its `ResponseURL` pointing at `key`)
    /// in the plain sequence: the strict gate is told that CloudFormation shows the stack resource
    /// in progress, then, once answered, what follows the answer. Returns the one response
    /// CloudFormation received, checking that exactly one arrived.
    pub async fn cloudformation(&self, event: Value, key: &str, deadline: Duration) -> Value {
        self.show(&event, Shown::while_waiting(&event)).await;
        let answer = self.answered(event.clone(), key, deadline).await;
        self.show(&event, Shown::once_answered(&event, &answer))
            .await;
        answer
    }

    /// The same with the stack resource shown as `shown` while the request is handled (None: as
    /// it was, for a forged request CloudFormation knows nothing of), and left so afterwards.
    pub async fn cloudformation_showing(
        &self,
        event: Value,
        key: &str,
        deadline: Duration,
        shown: Option<Shown>,
    ) -> Value {
        self.show(&event, shown).await;
        self.answered(event, key, deadline).await
    }

    async fn answered(&self, event: Value, key: &str, deadline: Duration) -> Value {
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
