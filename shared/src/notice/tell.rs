//! Telling a notice: in one account, posted here (the requester's `response_url`, else the
//! channel with the bot token); in a spoke (`NOTICE_BUS_NAME` set), put on the spoke's own bus as
//! a `Debug Task Notice` for the hub, the one holder of the bot token.

use super::{render, Notice, DETAIL_TYPE, SOURCE};
use crate::bus::{put_one, PutError};
use crate::slack::{redact, Notifier, NotifyError, SlackError};

/// The spoke's bus, where notices for the hub are put (infra/spoke.yaml sets it).
pub const NOTICE_BUS_VARIABLE: &str = "NOTICE_BUS_NAME";

/// The bus notices go on in a spoke.
#[derive(Clone, Debug)]
pub struct HubBus {
    pub events: aws_sdk_eventbridge::Client,
    pub bus: String,
}

impl HubBus {
    /// `Some` in a spoke (`NOTICE_BUS_NAME` set).
    pub fn from_env(sdk: &aws_config::SdkConfig) -> Option<Self> {
        crate::config::var(NOTICE_BUS_VARIABLE).map(|bus| Self {
            events: aws_sdk_eventbridge::Client::new(sdk),
            bus,
        })
    }
}

/// Where a notice went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Told {
    /// Put on the spoke's bus for the hub.
    ForTheHub,
    /// Answered on the requester's `response_url`.
    Requester,
    /// Posted in the channel.
    Channel,
    /// Nobody: no bot token, or no recipient (`reason`).
    Nobody(&'static str),
}

#[derive(Debug, thiserror::Error)]
pub enum TellError {
    #[error("the notice could not be put for the hub: {0}")]
    Put(#[from] PutError),
    #[error(transparent)]
    Post(#[from] NotifyError),
    #[error(transparent)]
    Respond(#[from] SlackError),
}

/// Tells `notice` where it belongs: for the hub when there is `hub`, else here.
pub async fn tell(
    slack: &Notifier,
    hub: Option<&HubBus>,
    notice: &Notice,
    alias: Option<&str>,
) -> Result<Told, TellError> {
    if let Some(hub) = hub {
        let mut notice = notice.clone();
        notice.notice_id.get_or_insert_with(Notice::new_id);
        put(hub, &notice).await?;
        return Ok(Told::ForTheHub);
    }
    post_here(slack, notice, &render::message(notice, alias)).await
}

/// Posts an already rendered `notice` here (the one-account path, and the hub's).
pub async fn post_here(
    slack: &Notifier,
    notice: &Notice,
    message: &crate::slack::Message,
) -> Result<Told, TellError> {
    if let Some(url) = &notice.response_url {
        slack.slack.respond(url, message).await?;
        tracing::info!(response_url = %redact(url), "requester told");
        return Ok(Told::Requester);
    }
    let Some(channel) = &notice.channel else {
        return Ok(Told::Nobody("no response_url and no channel"));
    };
    if !slack.has_token() {
        return Ok(Told::Nobody("no bot token"));
    }
    slack.post(channel, message).await?;
    tracing::info!(channel, "channel told");
    Ok(Told::Channel)
}

async fn put(hub: &HubBus, notice: &Notice) -> Result<(), TellError> {
    let detail = serde_json::to_string(notice).expect("a notice serialises");
    put_one(&hub.events, &hub.bus, (SOURCE, DETAIL_TYPE), detail).await?;
    tracing::info!(bus = %hub.bus, "notice put for the hub");
    Ok(())
}
