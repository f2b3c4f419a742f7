//! The slash command's form fields (Slack sends them `application/x-www-form-urlencoded`).

use serde::Deserialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct SlashCommand {
    pub team_id: String,
    /// The Enterprise org of `team_id`, in an Enterprise org.
    pub enterprise_id: String,
    pub channel_id: String,
    pub user_id: String,
    pub command: String,
    pub text: String,
    pub response_url: String,
    pub trigger_id: String,
}

#[derive(Debug, thiserror::Error)]
#[error("the request body is not a slash-command form: {0}")]
pub struct FormError(String);

impl SlashCommand {
    pub fn parse(body: &[u8]) -> Result<Self, FormError> {
        let command: Self =
            serde_urlencoded::from_bytes(body).map_err(|e| FormError(e.to_string()))?;
        if command.user_id.is_empty() {
            return Err(FormError("it has no user_id".into()));
        }
        Ok(command)
    }

    pub fn channel(&self) -> Option<&str> {
        Some(self.channel_id.as_str()).filter(|c| !c.is_empty())
    }

    pub fn enterprise(&self) -> Option<&str> {
        Some(self.enterprise_id.as_str()).filter(|e| !e.is_empty())
    }

    pub fn response_url(&self) -> Option<&str> {
        Some(self.response_url.as_str()).filter(|u| !u.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_slacks_fields() {
        let body = b"token=x&team_id=T1&channel_id=C9&user_id=U1&command=%2Fdebug&text=start+payments-dev+1h30m+db+%22timeouts%22+%26+more&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1&trigger_id=123.456";
        let command = SlashCommand::parse(body).unwrap();
        assert_eq!(command.user_id, "U1");
        assert_eq!(command.channel(), Some("C9"));
        assert_eq!(
            command.text,
            "start payments-dev 1h30m db \"timeouts\" & more"
        );
        assert_eq!(
            command.response_url(),
            Some("https://hooks.slack.com/commands/1")
        );
        assert_eq!(command.trigger_id, "123.456");
    }

    #[test]
    fn refuses_what_is_not_a_command() {
        assert!(SlashCommand::parse(b"text=help").is_err(), "no user");
        assert!(SlashCommand::parse(b"").is_err());
    }

    #[test]
    fn repeated_fields_do_not_confuse() {
        let result = SlashCommand::parse(b"user_id=U1&user_id=U2&text=help");
        // serde_urlencoded refuses duplicates of a scalar field: either answer is safe, as long
        // as a repeated user_id is never read as the first one alone.
        if let Ok(command) = result {
            assert_ne!(command.user_id, "U1 U2");
        }
    }
}
