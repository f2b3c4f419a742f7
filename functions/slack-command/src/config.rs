//! Configuration, read once from the environment.

use crate::spokes::{self, SpokeSpec, SpokesError};
use crate::teams::{AllowedTeams, TeamsError};
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
    /// `SLACK_BUTTON_KEY` or `SLACK_BUTTON_KEY_ARN`: a hub's key for button values; unset, values
    /// are not sealed.
    pub button_key: SecretSource,
    /// `SLACK_TEAM_IDS` (`AllowedSlackTeams`): the workspaces and orgs served; empty, any.
    pub allowed_teams: AllowedTeams,
    /// `SLACK_COMMAND_NAME` (`SlackCommandName`): how clicks' hints name the command (a slash
    /// command names itself in its `command` field).
    pub command_name: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigProblem {
    #[error(transparent)]
    Env(#[from] ConfigError),
    #[error("environment variable SPOKES is invalid: {0}")]
    Spokes(#[from] SpokesError),
    #[error("environment variable SLACK_TEAM_IDS is invalid: {0}")]
    Teams(#[from] TeamsError),
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
            button_key: {
                let (plain, arn) = debug_toolkit::slack::sealed::KEY_VARIABLES;
                SecretSource::from_env(plain, arn)
            },
            allowed_teams: AllowedTeams::parse(&var("SLACK_TEAM_IDS").unwrap_or_default())?,
            command_name: crate::commands::command_name(
                &var("SLACK_COMMAND_NAME").unwrap_or_default(),
            )
            .to_string(),
        })
    }
}
