//! Telling the requester what happened (`debug_toolkit::notice`): in one account their
//! `response_url` when the allow-list admits it, else the channel through the bot token (never
//! both, never anywhere else); in a spoke, a `Debug Task Notice` for the hub, carrying the
//! `response_url` the hub sealed as it came (a plain one is never put on the bus).

use crate::request::ReplyTo;
use crate::App;
use debug_toolkit::notice::tell::tell as tell_notice;
use debug_toolkit::notice::{About, Notice};

pub async fn tell(app: &App, to: &ReplyTo, about: About) {
    let notice = Notice {
        channel: to.channel.clone(),
        channel_seal: to.channel_seal.clone(),
        response_url: to.response_url.clone(),
        sealed_response_url: to.sealed_response_url.clone(),
        notice_id: None,
        about,
    };
    let alias = app.config.spoke_alias.as_deref();
    match tell_notice(&app.slack, app.hub.as_ref(), &notice, alias).await {
        Ok(told) => tracing::info!(?told, "requester's notice told"),
        Err(error) => tracing::warn!(%error, "requester could not be told"),
    }
}
