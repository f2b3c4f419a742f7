//! Telling the requester what happened: their `response_url` when the allow-list admits it, else
//! the channel through the bot token when there is one. Never both, never anywhere else.

use crate::App;
use debug_toolkit::slack::{redact, Message};

pub async fn tell(app: &App, response_url: Option<&str>, channel: Option<&str>, message: &Message) {
    if let Some(url) = response_url {
        match app.slack.slack.respond(url, message).await {
            Ok(()) => tracing::info!(response_url = %redact(url), "requester told"),
            Err(error) => tracing::warn!(%error, "requester could not be told"),
        }
        return;
    }
    let Some(channel) = channel else {
        tracing::info!("no response_url and no channel: nobody to tell");
        return;
    };
    match app.slack.post(channel, message).await {
        Ok(()) => tracing::info!(channel, "channel told"),
        Err(error) => tracing::info!(%error, channel, "the channel was not told"),
    }
}
