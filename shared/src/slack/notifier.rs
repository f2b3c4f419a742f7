//! Telling a Slack channel something with the bot token (`SLACK_BOT_TOKEN` or
//! `SLACK_BOT_TOKEN_ARN`), for the functions that may: without a token, nothing is posted.

use super::{Message, SlackClient, SlackError};
use crate::secrets::{Secret, SecretCell, SecretError, SecretSource};

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("no bot token: {0}")]
    NoToken(SecretError),
    #[error(transparent)]
    Slack(#[from] SlackError),
}

#[derive(Debug)]
pub struct Notifier {
    pub slack: SlackClient,
    bot_token: SecretCell,
    secrets_manager: aws_sdk_secretsmanager::Client,
}

impl Notifier {
    /// `SLACK_API_BASE_URL`, `SLACK_RESPONSE_URL_PREFIXES` and the bot-token variables.
    pub fn from_env(sdk: &aws_config::SdkConfig) -> Self {
        Self::new(
            SlackClient::from_env(),
            SecretSource::from_env("SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN_ARN"),
            aws_sdk_secretsmanager::Client::new(sdk),
        )
    }

    pub fn new(
        slack: SlackClient,
        bot_token: SecretSource,
        secrets_manager: aws_sdk_secretsmanager::Client,
    ) -> Self {
        Self {
            slack,
            bot_token: SecretCell::new(bot_token, "botToken"),
            secrets_manager,
        }
    }

    pub fn has_token(&self) -> bool {
        self.bot_token.source().is_configured()
    }

    /// `chat.postMessage` to `channel`.
    pub async fn post(&self, channel: &str, message: &Message) -> Result<(), NotifyError> {
        let token = self.token().await?;
        Ok(self.slack.post_message(&token, channel, message).await?)
    }

    /// The bot token, read once and kept (a placeholder or an unreadable secret is an error).
    pub async fn token(&self) -> Result<Secret, NotifyError> {
        self.bot_token
            .get(&self.secrets_manager)
            .await
            .map_err(NotifyError::NoToken)
    }
}
