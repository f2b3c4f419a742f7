//! A notice's Slack message: the one place the ready, stopped, shell and launch messages are
//! written, by a function in one account and by the hub alike. `alias`: the spoke's, so that
//! messages name the cluster as Slack knows it (`<alias>/<cluster>`).

use super::{About, Notice};
use crate::address::qualified;
use crate::commands;
use crate::debug_task::{cluster_of_task_arn, task_id};
use crate::duration::format_minutes;
use crate::slack::{escape, Message};
use crate::timestamp;

/// Said under a launch reply when the copied service has a public IP.
pub const PUBLIC_IP_WITHHELD: &str = ":information_source: The service has a public IP; a debug task never gets one. In a subnet whose way out is an internet gateway, it then reaches AWS (its image, ECS Exec) only through VPC endpoints.";

/// A text a spoke sent (AWS's stop reason, who opened a shell, a refusal's reason), as the hub
/// shows it inside its sentence: escaped, on one line and without a backquote, so that it can
/// open no code span or block of its own (nor a quote or a line that looks like the hub's).
/// Every control, format (bidirectional overrides, zero-width characters) and line or paragraph
/// separator character becomes a space.
fn flattened(text: &str) -> String {
    use unicode_general_category::{get_general_category, GeneralCategory as G};
    let flat: String = text
        .chars()
        .map(|c| match (c, get_general_category(c)) {
            ('`', _) => '\'',
            (_, G::Control | G::Format | G::LineSeparator | G::ParagraphSeparator) => ' ',
            (other, _) => other,
        })
        .collect();
    escape(&flat)
}

/// The message `notice` is posted as by the function that made it (one account): its texts
/// escaped.
pub fn message(notice: &Notice, alias: Option<&str>) -> Message {
    written(notice, alias, escape)
}

/// The message a hub posts for its spoke `alias`: the spoke's texts also flattened.
pub fn message_from_spoke(notice: &Notice, alias: &str) -> Message {
    written(notice, Some(alias), flattened)
}

/// `words`: how a text the notice carries (not one of ours) is written into the message.
fn written(notice: &Notice, alias: Option<&str>, words: fn(&str) -> String) -> Message {
    let named = |task_arn: &str| {
        let cluster = cluster_of_task_arn(task_arn).unwrap_or("<cluster>");
        (
            cluster.to_string(),
            qualified(alias, cluster),
            task_id(task_arn).to_string(),
        )
    };
    match &notice.about {
        About::Ready {
            task_arn,
            image,
            exec_agent,
        } => {
            let (cluster, written, id) = named(task_arn);
            let text = match exec_agent {
                Some(status) => format!(
                    ":hourglass_flowing_sand: Debug task `{}` on `{}` is running, but ECS Exec is not ready yet (ExecuteCommandAgent: {}). Try in a minute with:",
                    escape(&id),
                    escape(&written),
                    words(status)
                ),
                None => format!(
                    ":white_check_mark: Debug task `{}` on `{}` is running and ECS Exec is ready. Connect with:",
                    escape(&id),
                    escape(&written)
                ),
            };
            Message::new(text)
                .command(&commands::connect(&cluster, task_arn, image.as_deref()))
                .task_buttons(&written, &id)
        }
        About::Stopped {
            task_arn,
            stopped_reason,
        } => {
            let (_, written, id) = named(task_arn);
            Message::new(format!(
                ":stop_sign: Debug task `{}` on `{}` stopped: {}",
                escape(&id),
                escape(&written),
                words(stopped_reason.as_deref().unwrap_or("no reason given"))
            ))
        }
        About::ShellOpened {
            task_arn,
            opened_by,
        } => {
            let (_, written, id) = named(task_arn);
            Message::new(format!(
                ":eyes: `{}` opened a shell on debug task `{}` on `{}`.",
                words(opened_by),
                escape(&id),
                escape(&written)
            ))
        }
        About::Launched {
            task_arn,
            image,
            expires_at,
            ttl_minutes,
            already_running,
            capped,
            public_ip_withheld,
        } => {
            let (cluster, written, id) = named(task_arn);
            let (state, capped) = match (already_running, capped) {
                (true, _) => ("is already running for this request", ""),
                (false, true) => ("is starting", " (capped at the cluster's max lifetime)"),
                (false, false) => ("is starting", ""),
            };
            let message = Message::new(format!(
                ":toolbox: Debug task `{}` on `{}` {state}. It expires at {} ({} after the request){capped}. Connect with ECS Exec once it is RUNNING:",
                escape(&id),
                escape(&written),
                timestamp::format(*expires_at),
                format_minutes(*ttl_minutes),
            ))
            .command(&commands::connect(&cluster, task_arn, image.as_deref()))
            .task_buttons(&written, &id);
            if *public_ip_withheld {
                message.section(PUBLIC_IP_WITHHELD)
            } else {
                message
            }
        }
        About::NotLaunched { cluster, reason } => Message::new(format!(
            ":x: No debug task was started on `{}`: {}",
            escape(&qualified(alias, cluster)),
            words(reason)
        )),
        About::Refused { reason } => Message::new(format!(
            ":warning: No debug task was started: {}",
            words(reason)
        )),
    }
}
