//! A button: the command it stands for, authorised and run as if typed. Slack gets an empty 200;
//! the clicker hears through the click's `response_url`, always before that 200 (Lambda freezes
//! the instance once it answers):
//! - the outcome replaces a message about the one task (rebuilt whole: how to connect, and the
//!   buttons while it runs), or, for a row of a `list` (ephemeral, not sent back by Slack, so not
//!   rebuildable), goes beside the list (`replace_original: false`) and the other rows stay;
//! - a refusal goes to the clicker alone, beside the message;
//! - when AWS outlives [`CLICK_WORK_BUDGET`], an ephemeral message says the action may or may not
//!   have happened and how to check.

use crate::budget::COMMAND_BUDGET;
use crate::commands::{self, Caller};
use crate::grammar::{Command, TaskRef};
use crate::http::HttpReply;
use crate::interaction::{self, Click, ClickError};
use crate::teams::other_workspace;
use crate::App;
use debug_toolkit::slack::buttons::Place;
use debug_toolkit::slack::{escape, Message};
use debug_toolkit::timestamp::EpochSeconds;
use std::time::{Duration, Instant};
use tokio::time::timeout_at;

/// What the command may take of [`COMMAND_BUDGET`]; the rest is for telling the clicker.
pub const CLICK_WORK_BUDGET: Duration = Duration::from_millis(1800);
/// What is kept of the budget for telling the clicker.
const TELLING: Duration = COMMAND_BUDGET.saturating_sub(CLICK_WORK_BUDGET);

/// How the clicker hears of it.
#[derive(Debug, PartialEq)]
enum Answer {
    /// Replaces the clicked message.
    Replace(Message),
    /// Ephemeral, beside the clicked message.
    Beside(Message),
}

/// A click (`None`: the body is a slash command). In a hub a value without the hub's seal is
/// refused to the clicker alone, before any AWS call. The key is read for clicks only, so a key
/// that cannot be read fails the clicks, not the slash commands.
pub async fn from_body(
    app: &App,
    body: &[u8],
    now: EpochSeconds,
    deadline: Instant,
) -> Option<HttpReply> {
    if !interaction::is_click(body) {
        return None;
    }
    let key = match timeout_at(deadline.into(), crate::seal::key(app)).await {
        Ok(key) => key,
        Err(_) => Err(crate::seal::KeyUnavailable(
            "not read within Slack's time limit".into(),
        )),
    };
    let key = match key {
        Ok(key) => key,
        Err(error) => {
            tracing::error!(%error, "clicks cannot be verified");
            return Some(HttpReply::text(500, "the button key is not configured"));
        }
    };
    match interaction::parse_with(body, key.as_ref()) {
        Ok(Some(click)) => Some(clicked(app, click, now, deadline).await),
        Ok(None) => None,
        Err(ClickError::NotSealed {
            why,
            user,
            response_url,
        }) => {
            tracing::warn!(%why, user, "click refused: its button's value has no seal of this hub");
            let refusal = Message::new(not_sealed(&app.config.command_name));
            let once = app
                .slack
                .slack
                .respond_at_most_once(&response_url, &refusal);
            if !matches!(timeout_at(deadline.into(), once).await, Ok(Ok(()))) {
                tracing::warn!("the refusal did not reach Slack");
            }
            Some(HttpReply::empty(200))
        }
        Err(error) => {
            tracing::warn!(%error, "signed interaction that is not one of our buttons");
            Some(HttpReply::empty(200))
        }
    }
}

/// What the clicker of a button without this hub's seal is told.
fn not_sealed(command: &str) -> String {
    format!(
        ":warning: That button was not made by this Slack app, so it was refused; nothing was done. `{} list` gives buttons that work.",
        escape(command)
    )
}

/// `deadline`: when Slack's budget ([`COMMAND_BUDGET`]) runs out for this request.
pub async fn clicked(app: &App, click: Click, now: EpochSeconds, deadline: Instant) -> HttpReply {
    let verb = click.command.verb();
    let answer = if !app.config.allowed_teams.admits_click(&click.teams) {
        tracing::warn!(verb, user = %click.user, teams = ?click.teams, "click refused: its workspace is not in SLACK_TEAM_IDS");
        Answer::Beside(other_workspace())
    } else {
        let work_deadline = deadline.checked_sub(TELLING).unwrap_or(deadline);
        act(app, &click, now, work_deadline).await
    };
    let slack = &app.slack.slack;
    let told = match &answer {
        Answer::Replace(message) => {
            timeout_at(deadline.into(), slack.replace(&click.response_url, message)).await
        }
        Answer::Beside(message) => {
            let once = slack.respond_at_most_once(&click.response_url, message);
            timeout_at(deadline.into(), once).await
        }
    };
    match told {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::warn!(verb, %error, "the click's outcome did not reach Slack"),
        Err(_) => tracing::error!(verb, "the click's outcome did not reach Slack in time"),
    }
    HttpReply::empty(200)
}

async fn act(app: &App, click: &Click, now: EpochSeconds, work_deadline: Instant) -> Answer {
    let caller = Caller {
        user: &click.user,
        channel: click.channel.as_deref(),
        response_url: Some(&click.response_url),
        request_id: &click.request_id,
        command: &app.config.command_name,
    };
    let verb = click.command.verb();
    let work = commands::run(app, &caller, click.command.clone(), now);
    match timeout_at(work_deadline.into(), work).await {
        Ok(Ok(message)) => {
            tracing::info!(verb, user = caller.user, channel = ?caller.channel, place = ?click.place, "button acted on");
            let message = crate::seal::sealed(app, message).await;
            match click.place {
                Place::Message => Answer::Replace(message),
                Place::Row => Answer::Beside(message),
            }
        }
        Ok(Err(commands::CommandError::NotFound(id))) if click.place == Place::Message => {
            // ECS forgets a stopped task about an hour after it stops; the buttons go with it.
            tracing::info!(verb, user = caller.user, task = %id, "button on a task ECS no longer knows: the buttons are taken away");
            Answer::Replace(Message::new(forgotten(&click.command, &id)))
        }
        Ok(Err(error)) => {
            tracing::warn!(verb, user = caller.user, channel = ?caller.channel, %error, "button refused or failed");
            Answer::Beside(error.message(caller.command))
        }
        Err(_) => {
            tracing::error!(verb, user = caller.user, "click did not finish within Slack's time limit; the clicker is told it may or may not have happened");
            Answer::Beside(Message::new(uncertain(&click.command, caller.command)))
        }
    }
}

/// A click on a message about a task ECS no longer returns (stopped over about an hour ago).
fn forgotten(command: &Command, id: &str) -> String {
    let on = match command {
        Command::Stop { task } | Command::Extend { task, .. } => match task {
            TaskRef::InCluster { cluster, .. } => format!(" on `{}`", escape(cluster)),
            _ => String::new(),
        },
        _ => String::new(),
    };
    format!(
        ":information_source: Debug task `{}`{on} has stopped: ECS no longer knows it (it keeps stopped tasks for about an hour), so nothing was changed.",
        escape(id)
    )
}

/// What a click whose AWS work did not finish in time may have done, and how to find out.
fn uncertain(command: &Command, name: &str) -> String {
    let (task, cluster) = match command {
        Command::Stop { task } | Command::Extend { task, .. } => match task {
            TaskRef::InCluster { cluster, id } => (id.as_str(), cluster.as_str()),
            other => (other.id(), "its cluster"),
        },
        _ => ("?", "?"),
    };
    let (what, check) = match command {
        Command::Stop { .. } => (
            "the stop may or may not have reached ECS",
            "a task that is stopping is no longer listed",
        ),
        _ => (
            "its expiry may or may not have moved",
            "the list shows each task's expiry",
        ),
    };
    format!(
        ":hourglass: AWS did not answer within Slack's time limit, so I cannot tell what became of your click on debug task `{}` on `{}`: {what}. Run `{} list` in a minute to see ({check}), and click again if need be.",
        escape(task),
        escape(cluster),
        escape(name),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_click_on_a_forgotten_task_says_it_has_stopped() {
        let task = TaskRef::InCluster {
            cluster: "prod/payments".into(),
            id: "abc".into(),
        };
        assert_eq!(
            forgotten(&Command::Stop { task }, "abc"),
            ":information_source: Debug task `abc` on `prod/payments` has stopped: ECS no longer knows it (it keeps stopped tasks for about an hour), so nothing was changed."
        );
    }

    #[test]
    fn an_unfinished_click_says_what_may_have_happened_and_how_to_check() {
        let task = TaskRef::InCluster {
            cluster: "prod/payments".into(),
            id: "abc".into(),
        };
        let stop = uncertain(&Command::Stop { task: task.clone() }, "/ecsdebug");
        assert!(
            stop.contains("debug task `abc` on `prod/payments`"),
            "{stop}"
        );
        assert!(stop.contains("may or may not have reached ECS"), "{stop}");
        assert!(stop.contains("Run `/ecsdebug list`"), "{stop}");
        let extend = uncertain(
            &Command::Extend {
                task,
                minutes: Some(60),
            },
            "/debug",
        );
        assert!(
            extend.contains("expiry may or may not have moved"),
            "{extend}"
        );
    }
}
