//! What each command does, given a verified caller. Every outcome is a message for the caller.

mod doctor;
mod egress;
mod egress_rules;
mod extend;
mod forward;
mod list;
mod locate;
mod outside_vpc;
mod site_failure;
mod start;
mod stop;
mod stopped;

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
    /// The command as the app names it (the request's `command`, `/ecsdebug` perhaps), for
    /// usage hints; a click has none, and uses `SLACK_COMMAND_NAME`.
    pub command: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Grammar(#[from] GrammarError),
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("no task `{0}` in the clusters you may use")]
    NotFound(String),
    #[error("task `{0}` is not a running debug task I may read in the clusters you may use (in a spoke the hub reads running debug tasks only: a stopped one's tags are gone); nothing was changed")]
    NotReadable(String),
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
    /// What the caller sees; a usage error ends with the usage of `command`.
    pub fn message(&self, command: &str) -> Message {
        let text = match site_failure::without_arns(self) {
            Some(words) => format!(":warning: {}", escape(&words)),
            None => format!(":warning: {}", escape(&self.to_string())),
        };
        match self {
            Self::Grammar(_) => Message::new(text).section(&usage(command)),
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
        Command::Help => Ok(Message::new(usage(caller.command))),
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

/// The usage of `command` (the slash command as the app names it; `/debug` when unknown).
pub fn usage(command: &str) -> String {
    let command = escape(command_name(command));
    let lines = [
        "• `start <cluster> [<ttl>] [reason…]`: launch a debug-toolkit task (ttl like `45m`, `2h`, `1h30m`; default 1h)",
        "• `start <cluster> --like <service> [<ttl>] [reason…]`: the same, placed like that service (its subnets and security groups)",
        "• `list [<cluster>]`: running debug tasks with their connect command",
        "• `stop <task-id>`: stop a debug task",
        "• `extend <task-id> [<duration>]`: push its expiry (default 1h, never past the cluster's max lifetime)",
        "• `forward <task-id> <host>:<port> [<local-port>]`: the command that forwards a local port through a debug task",
        "• `doctor <cluster>`: the ECS Exec checklist of a cluster, each line ok or what to change",
        "• `help`: this message",
    ];
    format!("*Debug tasks on ECS* (`{command} …`)\n{}", lines.join("\n"))
}

/// `command` when it looks like a slash command (`/` then a name), else `/debug`.
pub fn command_name(command: &str) -> &str {
    let ok = command.len() > 1
        && command.len() <= 32
        && command.starts_with('/')
        && command[1..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        command
    } else {
        DEFAULT_COMMAND
    }
}

/// What Slack apps of this toolkit call the command unless told otherwise (`SlackCommandName`).
pub const DEFAULT_COMMAND: &str = "/debug";

/// `<@U123>` for a well-formed user id, else the id as escaped text.
pub fn mention(user: &str) -> String {
    if debug_toolkit::slack_ids::is_plain_id(user) {
        format!("<@{user}>")
    } else {
        format!("`{}`", escape(user))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_names_the_command_as_the_app_calls_it() {
        let help = usage("/ecsdebug");
        assert!(
            help.starts_with("*Debug tasks on ECS* (`/ecsdebug …`)"),
            "{help}"
        );
        assert!(help.contains("`doctor <cluster>`"), "{help}");
        assert!(!help.contains("/debug"), "{help}");
        for (given, used) in [
            ("/debug", "/debug"),
            ("/ecs-debug_2", "/ecs-debug_2"),
            ("", "/debug"),
            ("/", "/debug"),
            ("ecsdebug", "/debug"),
            ("/<!channel>", "/debug"),
        ] {
            assert_eq!(command_name(given), used, "{given:?}");
        }
    }
}
