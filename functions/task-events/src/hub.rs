//! In a hub (`SPOKES`): a spoke's `Debug Task Notice` (docs/interface.md, "Notices through the
//! hub"). Who sent it is what EventBridge says (`account`, `region`: the sender cannot choose
//! them), which must be one of the hub's spokes; every task it names must be of that account and
//! Region. The hub renders it itself (the spoke chooses no word of a command and no button value),
//! seals its buttons with its key, opens the `response_url` it sealed for that spoke, claims it
//! once per event and posts it with its own bot token.

use crate::notice::can_tell;
use crate::outcome::Outcome;
use crate::App;
use debug_toolkit::aws::AwsError;
use debug_toolkit::notice::tell::{post_here, Told};
use debug_toolkit::notice::{render, Notice};
use debug_toolkit::slack::sealed::{read_key, ButtonKey};
use debug_toolkit::spokes;
use serde_json::Value;

/// The claim stream of one notice event (its EventBridge id) in the claims log group.
pub fn claim_stream(event_id: &str) -> String {
    format!("hub-notice/{event_id}")
}

pub async fn notice_from_spoke(
    app: &App,
    from: (Option<String>, Option<String>),
    event_id: Option<String>,
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
    if let (Some(group), Some(id)) = (app.claims_log_group.as_deref(), event_id.as_deref()) {
        if !crate::stopped::claim(app, group, &claim_stream(id)).await? {
            return Ok(Outcome::ignored("already told"));
        }
    }
    let key = match read_key(&app.button_key, &app.secrets_manager).await {
        Ok(key) => key,
        Err(error) => {
            tracing::error!(%error, "the button key cannot be read: buttons left unsealed (their clicks will be refused), no sealed response_url opened");
            None
        }
    };
    let mut message = render::message(&notice, Some(&spoke.alias));
    if let Some(key) = &key {
        key.seal_blocks(&mut message.blocks);
    }
    let to = recipient(&notice, key.as_ref(), &spoke.alias);
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

/// Where the hub posts: the `response_url` it sealed for this spoke, else the channel.
fn recipient(notice: &Notice, key: Option<&ButtonKey>, alias: &str) -> Notice {
    let mut to = notice.clone();
    to.response_url = None;
    if let (Some(sealed), Some(key)) = (&notice.sealed_response_url, key) {
        match key.open_url(sealed, alias) {
            Ok(url) => to.response_url = Some(url),
            Err(error) => {
                tracing::warn!(%error, spoke = alias, "a sealed response_url does not open: the channel is told instead");
            }
        }
    }
    to
}

fn refused(reason: &str) -> Outcome {
    tracing::warn!(reason, "a notice refused");
    Outcome::ignored(reason)
}
