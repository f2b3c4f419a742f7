//! In a hub (`SPOKES`): a spoke's `Debug Task Notice` (docs/interface.md, "Notices through the
//! hub"). Who sent it is what EventBridge says (`account`, `region`: the sender cannot choose
//! them), which must be one of the hub's spokes; every task it names must be of that account and
//! Region. The hub renders it itself (the spoke chooses no word of a command and no button value),
//! seals its buttons with its key, posts only to the `response_url` it sealed for that spoke or in
//! a channel whose seal it made for that spoke (one its requests came from), claims it once (by
//! the notice's own id: a redelivery, or the same notice put again, posts nothing) and posts it
//! with its own bot token.

use crate::notice::can_tell;
use crate::outcome::Outcome;
use crate::App;
use debug_toolkit::aws::AwsError;
use debug_toolkit::notice::tell::{post_here, Told};
use debug_toolkit::notice::{render, Notice};
use debug_toolkit::slack::sealed::{read_key, ButtonKey};
use debug_toolkit::spokes;
use serde_json::Value;

/// The claim stream of one notice (its spoke's account and the notice's own id) in the claims
/// log group.
pub fn claim_stream(account: &str, notice_id: &str) -> String {
    format!("hub-notice/{account}/{notice_id}")
}

pub async fn notice_from_spoke(
    app: &App,
    from: (Option<String>, Option<String>),
    detail: Value,
) -> Result<Outcome, AwsError> {
    let (Some(account), Some(region)) = from else {
        return Ok(refused("the notice names no account or Region"));
    };
    let Some(spoke) = spokes::at(&app.spokes, &account, &region) else {
        return Ok(refused(&format!(
            "the notice came from {account}/{region}, which is not a spoke of this hub"
        )));
    };
    let notice: Notice = match serde_json::from_value(detail) {
        Ok(notice) => notice,
        Err(error) => {
            return Ok(refused(&format!(
                "the notice of {} cannot be read: {error}",
                spoke.alias
            )))
        }
    };
    if let Err(error) = notice.check(&account, &region) {
        return Ok(refused(&format!(
            "the notice of {} is refused: {error}",
            spoke.alias
        )));
    }
    if !can_tell(app) {
        return Ok(Outcome::ignored("no bot token"));
    }
    // Unread, nothing could be checked: the invocation fails (nothing is claimed yet) for
    // Lambda's retry, rather than the notice be lost.
    let key = read_key(&app.button_key, &app.secrets_manager)
        .await
        .map_err(|message| AwsError {
            action: "GetSecretValue",
            code: None,
            message: format!("the button key cannot be read: {message}"),
        })?;
    let Some(to) = recipient(&notice, key.as_ref(), &spoke.alias) else {
        return Ok(refused(&format!(
            "the notice of {} names no channel this hub's requests came from and no response_url it sealed",
            spoke.alias
        )));
    };
    let id = notice.notice_id.as_deref().unwrap_or_default();
    if let Some(group) = app.claims_log_group.as_deref() {
        if !crate::notice::claim(app, group, &claim_stream(&account, id)).await? {
            return Ok(Outcome::ignored("already told"));
        }
    }
    let mut message = render::message_from_spoke(&notice, &spoke.alias);
    if let Some(key) = &key {
        key.seal_blocks(&mut message.blocks);
    }
    let task = notice.about.task_arn().unwrap_or_default().to_string();
    match post_here(&app.slack, &to, &message).await {
        Ok(Told::Nobody(reason)) => Ok(Outcome::ignored(reason)),
        Ok(told) => {
            tracing::info!(spoke = %spoke.alias, task, ?told, "a spoke's notice told");
            Ok(Outcome::Posted {
                task_arn: task,
                status: notice.about.kind().to_string(),
            })
        }
        Err(error) => {
            tracing::warn!(%error, spoke = %spoke.alias, "a spoke's notice could not be told; it stays claimed");
            Ok(Outcome::Failed {
                reason: error.to_string(),
            })
        }
    }
}

/// Where the hub posts, if anywhere: the `response_url` it sealed for this spoke, else the
/// channel when the notice carries the hub's seal of it for this spoke (a channel one of its
/// requests to that spoke came from). Without the key, nowhere.
fn recipient(notice: &Notice, key: Option<&ButtonKey>, alias: &str) -> Option<Notice> {
    let key = key?;
    let mut to = notice.clone();
    to.response_url = None;
    if let Some(sealed) = &notice.sealed_response_url {
        match key.open_url(sealed, alias, debug_toolkit::timestamp::now()) {
            Ok(url) => to.response_url = Some(url),
            Err(error) => {
                tracing::warn!(%error, spoke = alias, "a sealed response_url does not open");
            }
        }
    }
    let sealed_channel = match (&notice.channel, &notice.channel_seal) {
        (Some(channel), Some(seal)) => key.opens_channel(alias, channel, seal),
        _ => false,
    };
    if !sealed_channel {
        if notice.channel.is_some() {
            tracing::warn!(spoke = alias, channel = ?notice.channel, "a channel without this hub's seal for the spoke: not posted there");
        }
        to.channel = None;
    }
    (to.response_url.is_some() || to.channel.is_some()).then_some(to)
}

fn refused(reason: &str) -> Outcome {
    tracing::warn!(reason, "a notice refused");
    Outcome::ignored(reason)
}
