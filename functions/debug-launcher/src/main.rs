#![recursion_limit = "256"]

use debug_launcher::{handle, App, Config};
use debug_toolkit::deadline::Deadline;
use debug_toolkit::slack::Notifier;
use debug_toolkit::timestamp;
use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    debug_toolkit::metrics::init();
    let config = Config::from_env()?;
    let sdk = debug_toolkit::aws::load_sdk_config().await;
    let app = App::new(config, &sdk, Notifier::from_env(&sdk));
    let app = &app;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let deadline = Deadline::from_epoch_millis(event.context.deadline);
        let work = deadline.scope(handle(app, event.payload, deadline, timestamp::now()));
        debug_toolkit::metrics::flushed(work)
            .await
            .map_err(Error::from)
    }))
    .await
}
