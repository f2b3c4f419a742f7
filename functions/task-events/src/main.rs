#![recursion_limit = "256"]

use debug_toolkit::deadline::Deadline;
use debug_toolkit::slack::Notifier;
use debug_toolkit::timestamp;
use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::Value;
use task_events::{handle, App};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    debug_toolkit::metrics::init();
    let sdk = debug_toolkit::aws::load_sdk_config().await;
    let app = App {
        spoke_alias: debug_toolkit::address::alias_from_env()?,
        spokes: debug_toolkit::spokes::parse(
            &debug_toolkit::config::var("SPOKES").unwrap_or_default(),
        )?,
        ..App::new(&sdk, Notifier::from_env(&sdk))
    };
    let app = &app;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let deadline = Deadline::from_epoch_millis(event.context.deadline);
        let work = deadline.scope(handle(app, event.payload, timestamp::now(), deadline));
        debug_toolkit::metrics::flushed(work)
            .await
            .map_err(Error::from)
    }))
    .await
}
