//! What each command does, given a verified caller. Every outcome is a message for the caller.

mod doctor;
mod egress;
mod extend;
mod forward;
mod list;
mod locate;
mod site_failure;
mod start;
mod stop;

use crate::grammar::{Command, GrammarError};
use crate::App;
use debug_toolkit::aws::AwsError;
use debug_toolkit::cluster::Refusal;
use debug_toolkit::slack::{escape, Message};
use debug_toolkit::timestamp::EpochSeconds;

/// Who asked, from where, and how to answer them later.
#[derive(Clone, Debug)]
pub struct Caller<'a> {
    pub user: &'a str,
    pub channel: Option<&'a str>,
    pub response_url: Option<&'a str>,
    /// Unique per slash command (Slack's `trigger_id`, else the HTTP request id).
    pub request_id: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Grammar(#[from] GrammarError),
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("no task `{0}` in the clusters you may use")]
    NotFound(String),
    #[error("task `{task}` on `{cluster}` is not a debug task; it was left untouched")]
    NotDebug { task: String, cluster: String },
    #[error("debug task `{0}` has not started yet (its container has no runtime id); try again in a minute")]
    NotStarted(String),
    #[error("task `{task}` cannot be extended: {why}")]
    CannotExtend { task: String, why: String },
    #[error("AWS refused the request ({0}); nothing was changed")]
    Aws(#[from] AwsError),
    #[error(transparent)]
    Site(#[from] crate::sites::SiteError),
    #[error("the launch request was not accepted by EventBridge ({0}); nothing was launched")]
    NotQueued(String),
}

impl CommandError {
    pub fn message(&self) -> Message {
        let text = match site_failure::without_arns(self) {
            Some(words) => format!(":warning: {}", escape(&words)),
            None => format!(":warning: {}", escape(&self.to_string())),
        };
        match self {
            Self::Grammar(_) => Message::new(text).section(&usage()),
            _ => Message::new(text),
        }
    }
}

pub async fn run(
    app: &App,
    caller: &Caller<'_>,
    command: Command,
    now: EpochSeconds,
) -> Result<Message, CommandError> {
    match command {
        Command::Help => Ok(Message::new(usage())),
        Command::Start {
            cluster,
            ttl_minutes,
            reason,
            like_service,
        } => {
            let asked = start::Asked {
                ttl_minutes,
                reason: &reason,
                like_service: like_service.as_deref(),
            };
            start::start(app, caller, &cluster, &asked).await
        }
        Command::List { cluster } => list::list(app, caller, cluster.as_deref(), now).await,
        Command::Stop { task } => stop::stop(app, caller, &task).await,
        Command::Extend { task, minutes } => extend::extend(app, caller, &task, minutes, now).await,
        Command::Forward { task, to } => forward::forward(app, caller, &task, &to).await,
        Command::Doctor { cluster } => doctor::doctor(app, caller, &cluster).await,
    }
}

pub fn usage() -> String {
    [
        "*Debug tasks on ECS* (`/debug …`)",
        "• `start <cluster> [<ttl>] [reason…]`: launch a debug-toolkit task (ttl like `45m`, `2h`, `1h30m`; default 1h)",
        "• `start <cluster> --like <service> [<ttl>] [reason…]`: the same, placed like that service (its subnets and security groups)",
        "• `list [<cluster>]`: running debug tasks with their connect command",
        "• `stop <task-id>`: stop a debug task",
        "• `extend <task-id> [<duration>]`: push its expiry (default 1h, never past the cluster's max lifetime)",
        "• `forward <task-id> <host>:<port> [<local-port>]`: the command that forwards a local port through a debug task",
        "• `doctor <cluster>`: the ECS Exec checklist of a cluster, each line ok or what to change",
        "• `help`: this message",
    ]
    .join("\n")
}

/// `<@U123>` for a well-formed user id, else the id as escaped text.
pub fn mention(user: &str) -> String {
    if debug_toolkit::slack_ids::is_plain_id(user) {
        format!("<@{user}>")
    } else {
        format!("`{}`", escape(user))
    }
}
