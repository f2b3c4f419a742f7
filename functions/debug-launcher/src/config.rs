//! Configuration, read once from the environment.

use debug_toolkit::cluster::Limits;
use debug_toolkit::config::{limits_from_env, ConfigError};

#[derive(Clone, Debug)]
pub struct Config {
    /// `MAX_LIFETIME_MINUTES` (and `IDLE_TIMEOUT_MINUTES`), for clusters without their tags.
    /// (Slack's variables are read by [`debug_toolkit::slack::Notifier::from_env`].)
    pub limits: Limits,
    /// `SPOKE_ALIAS`: in a spoke, messages and buttons name clusters `<alias>/<cluster>`.
    pub spoke_alias: Option<String>,
    /// `MAX_DEBUG_TASKS_PER_USER` ([`crate::cap`]): `None` is no cap.
    pub max_tasks_per_user: Option<u32>,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            limits: limits_from_env()?,
            spoke_alias: debug_toolkit::address::alias_from_env()?,
            max_tasks_per_user: crate::cap::from_env()?,
        })
    }
}
