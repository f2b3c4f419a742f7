//! A task's `stoppedReason` as Slack shows it: escaped, and the user named in ours
//! ("Stopped from Slack by U…") as a mention, so people see who it was.

use super::message::escape;
use crate::metrics::SLACK_REASON_PREFIX;
use crate::slack_ids::is_plain_id;

/// mrkdwn for `reason`; AWS's and anyone's text stays escaped.
pub fn shown(reason: &str) -> String {
    match reason.strip_prefix(SLACK_REASON_PREFIX) {
        Some(user) if is_plain_id(user) => format!("{SLACK_REASON_PREFIX}<@{user}>"),
        _ => escape(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_reason_names_the_user_and_any_other_is_escaped() {
        for (reason, shown_as) in [
            (
                "Stopped from Slack by U0ALLOWED",
                "Stopped from Slack by <@U0ALLOWED>",
            ),
            (
                "Stopped from Slack by <!channel>",
                "Stopped from Slack by &lt;!channel&gt;",
            ),
            (
                "Stopped from Slack by U1 and more",
                "Stopped from Slack by U1 and more",
            ),
            (
                "Essential container exited <@U1>",
                "Essential container exited &lt;@U1&gt;",
            ),
        ] {
            assert_eq!(shown(reason), shown_as, "{reason}");
        }
    }
}
