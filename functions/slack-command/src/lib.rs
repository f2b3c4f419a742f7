//! `slack-command`: the Slack slash command behind a Lambda Function URL (docs/interface.md,
//! `slack-command`).
//!
//! Every request is checked for size and Slack's signature before anything else; a verified
//! command is parsed, authorised from the cluster's tags and answered within Slack's 3 s. `start`
//! only puts a `Debug Task Requested` event on the bus: `debug-launcher` does the slow part.

pub mod budget;
pub mod click;
pub mod commands;
pub mod config;
pub mod form;
pub mod grammar;
pub mod handler;
pub mod http;
pub mod interaction;
pub mod seal;
pub mod signature;
pub mod sites;
pub use debug_toolkit::spokes;
pub mod target;
pub mod teams;

pub use config::Config;
pub use handler::handle;

use debug_toolkit::secrets::SecretCell;
use debug_toolkit::slack::groups::GroupCache;
use debug_toolkit::slack::Notifier;
use sites::{Site, Sites};

/// The key of the signing secret in a secret stored as a JSON object.
pub const SIGNING_SECRET_KEY: &str = "signingSecret";

/// Clients and settings built once per cold start.
#[derive(Debug)]
pub struct App {
    pub config: Config,
    /// Where commands act: this account, or each spoke of a hub.
    pub sites: Sites,
    pub secrets_manager: aws_sdk_secretsmanager::Client,
    pub signing_secret: SecretCell,
    /// Where a click's outcome goes (its `response_url`, within `SLACK_RESPONSE_URL_PREFIXES`),
    /// and the bot token that reads user groups.
    pub slack: Notifier,
    /// Members of the user groups in clusters' allowed users, kept at most five minutes.
    pub groups: GroupCache,
    /// A hub's button key (its secret, read once), when configured.
    pub button_key: Option<SecretCell>,
}

impl App {
    pub async fn new(config: Config, sdk: &aws_config::SdkConfig) -> Self {
        let sites = if config.spokes.is_empty() {
            Sites::one(Site::local(sdk, &config.event_bus_name))
        } else {
            let mut sites = Vec::with_capacity(config.spokes.len());
            for spoke in &config.spokes {
                sites.push(Site::spoke(sdk, spoke).await);
            }
            Sites::spokes(sites)
        };
        Self {
            sites,
            signing_secret: SecretCell::new(config.signing_secret.clone(), SIGNING_SECRET_KEY),
            button_key: config.button_key.is_configured().then(|| {
                SecretCell::new(
                    config.button_key.clone(),
                    debug_toolkit::slack::sealed::KEY_JSON_KEY,
                )
            }),
            config,
            secrets_manager: aws_sdk_secretsmanager::Client::new(sdk),
            slack: Notifier::from_env(sdk),
            groups: GroupCache::default(),
        }
    }
}
