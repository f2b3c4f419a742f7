//! Configuration, read once from the environment.

use debug_toolkit::cluster::Limits;
use debug_toolkit::config::{limits_from_env, ConfigError};
use debug_toolkit::secrets::SecretSource;

#[derive(Clone, Debug)]
pub struct Config {
    /// `MAX_LIFETIME_MINUTES` (and `IDLE_TIMEOUT_MINUTES`), for clusters without their tags.
    pub limits: Limits,
    /// `SLACK_BOT_TOKEN` or `SLACK_BOT_TOKEN_ARN`: optional, for requests without a `responseUrl`.
    pub bot_token: SecretSource,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            limits: limits_from_env()?,
            bot_token: SecretSource::from_env("SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN_ARN"),
        })
    }
}
