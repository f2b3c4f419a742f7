//! One function as Lambda runs it: its own Runtime API emulator and the real binary polling it.

use crate::fakes::runtime_api::{Reply, RuntimeApi};
use crate::function::FunctionProcess;
use serde_json::Value;
use std::time::Duration;

pub struct Lambda {
    pub runtime: RuntimeApi,
    pub process: FunctionProcess,
}

impl Lambda {
    pub async fn start(name: &str, env: &[(String, String)]) -> Self {
        let runtime = RuntimeApi::start().await;
        let process = FunctionProcess::spawn(name, &runtime, env).await;
        Self { runtime, process }
    }

    /// Waits until the function's init is done (its first poll of `/next`), at most `within`;
    /// panics with its logs if it is not.
    pub async fn ready(&self, within: Duration) {
        if self.runtime.first_poll(within).await.is_none() {
            panic!(
                "the function did not finish its init within {within:?}; logs:\n{}",
                self.process.logs()
            );
        }
    }

    pub async fn invoke(&self, event: Value, timeout: Duration) -> Reply {
        self.runtime.invoke(event, timeout).await
    }

    /// The function's answer; panics when it reported an error instead.
    pub async fn call(&self, event: Value, timeout: Duration) -> Value {
        match self.invoke(event, timeout).await {
            Reply::Response(value) => value,
            Reply::Error(error) => panic!(
                "the function failed: {error}\nlogs:\n{}",
                self.process.logs()
            ),
        }
    }

    pub fn logs(&self) -> String {
        self.process.logs()
    }
}
