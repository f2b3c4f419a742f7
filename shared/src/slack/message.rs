//! Slack messages: plain text for notifications plus Block Kit sections, always escaped.

use serde_json::{json, Value};

/// Escapes text for Slack's mrkdwn so that nothing a user typed becomes a mention (`<!channel>`),
/// a link or markup.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Slack shows at most 3,000 characters in one section's text.
const SECTION_LIMIT: usize = 3000;
/// A message may hold at most 50 blocks.
const MAX_BLOCKS: usize = 50;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Message {
    /// Shown in notifications and where blocks cannot be; mrkdwn, already escaped.
    pub text: String,
    pub blocks: Vec<Value>,
}

impl Message {
    /// A message whose text is `mrkdwn` (the caller escaped what users typed).
    pub fn new(mrkdwn: impl Into<String>) -> Self {
        let text = mrkdwn.into();
        Self {
            blocks: vec![section(&text)],
            text,
        }
    }

    /// Adds a section of mrkdwn.
    pub fn section(mut self, mrkdwn: &str) -> Self {
        if self.blocks.len() < MAX_BLOCKS {
            self.blocks.push(section(mrkdwn));
        }
        self
    }

    /// Adds a copyable command as a code block.
    pub fn command(self, command: &str) -> Self {
        self.section(&format!("```{}```", escape(command)))
    }

    /// Adds the `Stop` and `Extend 1h` buttons of one debug task.
    pub fn task_buttons(mut self, cluster: &str, task_id: &str) -> Self {
        if self.blocks.len() < MAX_BLOCKS {
            self.blocks.push(super::buttons::actions(cluster, task_id));
        }
        self
    }

    /// The body of a `response_url` post that replaces the message a button was clicked on.
    pub fn replacing(&self) -> Value {
        json!({
            "replace_original": true,
            "text": self.text,
            "blocks": self.blocks,
        })
    }

    /// The body of a slash-command answer or a `response_url` post: only the requester sees it.
    pub fn ephemeral(&self) -> Value {
        json!({
            "response_type": "ephemeral",
            "replace_original": false,
            "text": self.text,
            "blocks": self.blocks,
        })
    }

    /// The body of `chat.postMessage` to a channel.
    pub fn to_channel(&self, channel: &str) -> Value {
        json!({ "channel": channel, "text": self.text, "blocks": self.blocks })
    }
}

/// Every section is `verbatim`: Slack then links no URL or channel name and parses no mention in
/// plain text (an `@here` in a task's stop reason from AWS pings nobody), while our own markup
/// (`<@U…>`, code spans) still renders. What we did not write is escaped besides ([`escape`]).
fn section(mrkdwn: &str) -> Value {
    let text = crate::text::shorten(mrkdwn, SECTION_LIMIT - 1);
    json!({ "type": "section", "text": { "type": "mrkdwn", "text": text, "verbatim": true } })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_defuses_mentions_and_links() {
        assert_eq!(
            escape("<!channel> <@U1> <https://x|y> a&b"),
            "&lt;!channel&gt; &lt;@U1&gt; &lt;https://x|y&gt; a&amp;b"
        );
    }

    #[test]
    fn ephemeral_shape() {
        let body = Message::new("hello")
            .command("aws ecs execute-command --task <t>")
            .ephemeral();
        assert_eq!(body["response_type"], "ephemeral");
        assert_eq!(body["text"], "hello");
        assert_eq!(
            body["blocks"][1]["text"]["text"],
            "```aws ecs execute-command --task &lt;t&gt;```"
        );
    }

    #[test]
    fn every_section_is_verbatim_so_text_from_aws_pings_nobody() {
        let stop_reason = "Essential container exited @here <!channel> & <https://x|y>";
        let message = Message::new(format!("stopped: {}", escape(stop_reason)))
            .section("more")
            .command("aws ecs execute-command");
        for block in &message.blocks {
            assert_eq!(block["text"]["verbatim"], true, "{block}");
        }
        assert_eq!(
            message.blocks[0]["text"]["text"],
            "stopped: Essential container exited @here &lt;!channel&gt; &amp; &lt;https://x|y&gt;"
        );
    }

    #[test]
    fn sections_and_blocks_stay_within_slack_limits() {
        let mut message = Message::new("x".repeat(10_000));
        for _ in 0..100 {
            message = message.section("more");
        }
        assert_eq!(message.blocks.len(), MAX_BLOCKS);
        let first = message.blocks[0]["text"]["text"].as_str().unwrap();
        assert_eq!(first.chars().count(), SECTION_LIMIT);
    }
}
