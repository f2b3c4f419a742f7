#![recursion_limit = "256"]

use debug_toolkit::timestamp;
use idle_reaper::{handle, App, Config};
use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    debug_toolkit::metrics::init();
    let config = Config::from_env()?;
    let sdk = debug_toolkit::aws::load_sdk_config().await;
    let app = App::new(config, &sdk);
    let app = &app;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let summary = handle(app, event.payload, timestamp::now());
        Ok::<_, Error>(debug_toolkit::metrics::flushed(summary).await)
    }))
    .await
}
