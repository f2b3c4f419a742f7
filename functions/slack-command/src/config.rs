//! Configuration, read once from the environment.

use crate::spokes::{self, SpokeSpec, SpokesError};
use debug_toolkit::cluster::Limits;
use debug_toolkit::config::{limits_from_env, var, ConfigError};
use debug_toolkit::secrets::SecretSource;

#[derive(Clone, Debug)]
pub struct Config {
    /// `EVENT_BUS_NAME` (default `default`).
    pub event_bus_name: String,
    /// `SLACK_SIGNING_SECRET` or `SLACK_SIGNING_SECRET_ARN`.
    pub signing_secret: SecretSource,
    /// `MAX_LIFETIME_MINUTES` / `IDLE_TIMEOUT_MINUTES`, for clusters without their tags.
    pub limits: Limits,
    /// `SPOKES`: the accounts and regions a hub serves; empty in a one-account deploy.
    pub spokes: Vec<SpokeSpec>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigProblem {
    #[error(transparent)]
    Env(#[from] ConfigError),
    #[error("environment variable SPOKES is invalid: {0}")]
    Spokes(#[from] SpokesError),
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigProblem> {
        Ok(Self {
            event_bus_name: var("EVENT_BUS_NAME").unwrap_or_else(|| "default".to_string()),
            signing_secret: SecretSource::from_env(
                "SLACK_SIGNING_SECRET",
                "SLACK_SIGNING_SECRET_ARN",
            ),
            limits: limits_from_env()?,
            spokes: spokes::parse(&var("SPOKES").unwrap_or_default())?,
        })
    }
}
