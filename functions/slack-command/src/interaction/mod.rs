//! A click on a debug task's button: Slack's `block_actions` interaction, a form with one field
//! `payload` (JSON), signed like a slash command (docs/interface.md, "Buttons").

use crate::grammar::{Command, TaskRef};
use crate::teams::ClickTeams;
use debug_toolkit::slack::buttons::{self, Place, EXTEND, EXTEND_MINUTES, STOP};
use debug_toolkit::slack::sealed::{open_value, ButtonKey, SealError};
use serde::Deserialize;

/// One click, as the commands need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Click {
    pub user: String,
    pub channel: Option<String>,
    /// Where the outcome goes: it replaces the clicked message, or (a refusal) is shown to the
    /// clicker alone.
    pub response_url: String,
    /// Unique per click (the action's `action_ts`), for the logs.
    pub request_id: String,
    pub command: Command,
    /// Where the buttons were (their block's `block_id`): what the outcome may replace.
    pub place: Place,
    /// The workspaces the click came from (`AllowedSlackTeams`).
    pub teams: ClickTeams,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClickError {
    #[error("the interaction payload is not JSON Slack sends: {0}")]
    Shape(String),
    #[error("interactions of type `{0}` are not handled (only block_actions)")]
    NotBlockActions(String),
    #[error("the click names no action")]
    NoAction,
    #[error("`{0}` is not one of our buttons")]
    UnknownAction(String),
    #[error("the button's value {0:?} does not name a debug task as <cluster>/<task-id>")]
    BadValue(String),
    /// In a hub: a value without this hub's seal (made up, or by a spoke). The clicker is told
    /// on `response_url`; nothing is read or changed in AWS.
    #[error("{why}")]
    NotSealed {
        why: SealError,
        user: String,
        response_url: String,
    },
}

#[derive(Deserialize)]
struct Payload {
    #[serde(rename = "type")]
    kind: String,
    user: User,
    channel: Option<Named>,
    team: Option<Team>,
    enterprise: Option<Named>,
    response_url: String,
    #[serde(default)]
    actions: Vec<Action>,
}

#[derive(Deserialize)]
struct Named {
    id: String,
}

#[derive(Deserialize)]
struct User {
    id: String,
    team_id: Option<String>,
}

#[derive(Deserialize)]
struct Team {
    id: String,
    enterprise_id: Option<String>,
}

#[derive(Deserialize)]
struct Action {
    action_id: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    action_ts: String,
    #[serde(default)]
    block_id: String,
}

/// `Ok(None)` when the form has no `payload` field: a slash command, not a click. One account:
/// button values as built.
pub fn parse(body: &[u8]) -> Result<Option<Click>, ClickError> {
    parse_with(body, None)
}

/// Whether the form is a click (has a `payload` field), before anything is read to open it.
pub fn is_click(body: &[u8]) -> bool {
    payload_field(body).is_some()
}

fn payload_field(body: &[u8]) -> Option<String> {
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    fields
        .into_iter()
        .find(|(name, _)| name == "payload")
        .map(|(_, payload)| payload)
}

/// [`parse`], with a hub's button key: a value must carry its seal.
pub fn parse_with(body: &[u8], key: Option<&ButtonKey>) -> Result<Option<Click>, ClickError> {
    let Some(payload) = payload_field(body) else {
        return Ok(None);
    };
    let payload: Payload =
        serde_json::from_str(&payload).map_err(|e| ClickError::Shape(e.to_string()))?;
    if payload.kind != "block_actions" {
        return Err(ClickError::NotBlockActions(payload.kind));
    }
    // Slack sends the one action that was clicked.
    let action = payload
        .actions
        .into_iter()
        .next()
        .ok_or(ClickError::NoAction)?;
    let value = open_value(key, &action.value).map_err(|why| ClickError::NotSealed {
        why,
        user: payload.user.id.clone(),
        response_url: payload.response_url.clone(),
    })?;
    let (cluster, task) =
        buttons::parse_value(value).ok_or_else(|| ClickError::BadValue(action.value.clone()))?;
    let task = TaskRef::InCluster {
        cluster: cluster.to_string(),
        id: task.to_string(),
    };
    let command = match action.action_id.as_str() {
        STOP => Command::Stop { task },
        EXTEND => Command::Extend {
            task,
            minutes: Some(EXTEND_MINUTES),
        },
        other => return Err(ClickError::UnknownAction(other.to_string())),
    };
    // An org-wide install sends `team: null`: the place is then the org (top-level `enterprise`).
    let (team, team_enterprise) = match payload.team {
        Some(team) => (Some(team.id), team.enterprise_id),
        None => (None, payload.enterprise.map(|e| e.id)),
    };
    let teams = ClickTeams {
        user_team: payload.user.team_id.filter(|t| !t.is_empty()),
        team: team.filter(|t| !t.is_empty()),
        enterprise: team_enterprise.filter(|e| !e.is_empty()),
    };
    Ok(Some(Click {
        user: payload.user.id,
        channel: payload.channel.map(|c| c.id),
        response_url: payload.response_url,
        request_id: action.action_ts,
        command,
        place: Place::of_block_id(&action.block_id),
        teams,
    }))
}

#[cfg(test)]
mod tests;
