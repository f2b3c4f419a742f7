#![recursion_limit = "256"]

use ecs_environment::cfn::ResponseSender;
use ecs_environment::context::Clients;
use ecs_environment::spec::Defaults;
use ecs_environment::verify::Verifier;
use ecs_environment::{handle, Function};
use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    debug_toolkit::metrics::init();
    let config = debug_toolkit::aws::load_sdk_config().await;
    let function = Function {
        clients: Clients::new(&config, Defaults::from_env()?),
        sender: ResponseSender::new(),
        verifier: Verifier::new(&config),
    };
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| {
        debug_toolkit::metrics::flushed(handle(&function, event))
    }))
    .await
}
