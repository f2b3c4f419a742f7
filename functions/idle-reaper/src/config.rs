//! Configuration, read once from the environment.

use debug_toolkit::cluster::Limits;
use debug_toolkit::config::{flag, limits_from_env, ConfigError};

#[derive(Clone, Debug)]
pub struct Config {
    /// `IDLE_TIMEOUT_MINUTES` / `MAX_LIFETIME_MINUTES`, for clusters without their tags.
    pub limits: Limits,
    /// `DRY_RUN`: decide and report, stop nothing.
    pub dry_run: bool,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            limits: limits_from_env()?,
            dry_run: flag("DRY_RUN")?,
        })
    }
}
