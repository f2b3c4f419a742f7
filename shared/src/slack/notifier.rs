//! Telling a Slack channel something with the bot token (`SLACK_BOT_TOKEN` or
//! `SLACK_BOT_TOKEN_ARN`), for the functions that may: without a token, nothing is posted. A token
//! Slack refuses (`invalid_auth`, `token_revoked`: rotated or reinstalled) is read again from its
//! secret once and the post made again with it, so a replaced token needs no new instance.

use super::decide::{next, Answer, Next};
use super::{Message, SlackClient, SlackError};
use crate::secrets::{Secret, SecretCell, SecretError, SecretSource};
use std::time::Duration;

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

    /// `chat.postMessage` to `channel`; with the token read again once if Slack refuses it.
    pub async fn post(&self, channel: &str, message: &Message) -> Result<(), NotifyError> {
        let token = self.token().await?;
        let refused = match self.slack.post_message(&token, channel, message).await {
            Err(refused @ SlackError::Api { .. }) if of_the_token(&refused) => refused,
            other => return Ok(other?),
        };
        let Some(renewed) = self
            .bot_token
            .read_again(&self.secrets_manager, &token)
            .await
        else {
            tracing::warn!(%refused, "the bot token was refused and its secret holds no other");
            return Err(refused.into());
        };
        tracing::info!(%refused, "the bot token was refused: read again from its secret, posting again");
        Ok(self.slack.post_message(&renewed, channel, message).await?)
    }

    /// The bot token, read once and kept until Slack refuses it (a placeholder or an unreadable
    /// secret is an error).
    pub async fn token(&self) -> Result<Secret, NotifyError> {
        self.bot_token
            .get(&self.secrets_manager)
            .await
            .map_err(NotifyError::NoToken)
    }
}

/// Whether Slack refused the token itself (so reading it again may help).
fn of_the_token(refused: &SlackError) -> bool {
    matches!(refused, SlackError::Api { error, .. }
        if next(Answer::Refused(error), false, Duration::MAX) == Next::ReadTokenAgain)
}
