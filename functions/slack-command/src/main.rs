use debug_toolkit::deadline::Deadline;
use debug_toolkit::timestamp;
use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::Value;
use slack_command::{handle, App, Config};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    debug_toolkit::metrics::init();
    let config = Config::from_env()?;
    let sdk = debug_toolkit::aws::load_sdk_config().await;
    let app = App::new(config, &sdk).await;
    // Read once per cold start, before any request: a forged request then causes no AWS call.
    if let Err(error) = app.signing_secret.get(&app.secrets_manager).await {
        tracing::error!(%error, "the Slack signing secret is unavailable; requests will be refused until it can be read");
    }
    let app = &app;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        // Slack's Retry-After is waited within it (debug_toolkit::slack::decide).
        let deadline = Deadline::from_epoch_millis(event.context.deadline);
        let reply = deadline.scope(handle(app, event.payload, timestamp::now()));
        Ok::<_, Error>(debug_toolkit::metrics::flushed(reply).await)
    }))
    .await
}
