//! `slack-command`: the Slack slash command behind a Lambda Function URL (docs/interface.md,
//! `slack-command`).
//!
//! Every request is checked for size and Slack's signature before anything else; a verified
//! command is parsed, authorised from the cluster's tags and answered within Slack's 3 s. `start`
//! only puts a `Debug Task Requested` event on the bus: `debug-launcher` does the slow part.

pub mod commands;
pub mod config;
pub mod form;
pub mod grammar;
pub mod handler;
pub mod http;
pub mod interaction;
pub mod signature;
pub mod target;

pub use config::Config;
pub use handler::handle;

use debug_toolkit::secrets::SecretCell;
use debug_toolkit::slack::groups::GroupCache;
use debug_toolkit::slack::Notifier;

/// The key of the signing secret in a secret stored as a JSON object.
pub const SIGNING_SECRET_KEY: &str = "signingSecret";

/// Clients and settings built once per cold start.
#[derive(Debug)]
pub struct App {
    pub config: Config,
    /// The function's region (the SDK's), for the network preflight of `doctor`.
    pub region: String,
    pub ecs: aws_sdk_ecs::Client,
    /// `forward` reads the task's security groups (does any let the port out?).
    pub ec2: aws_sdk_ec2::Client,
    /// `doctor`: the task role's inline policies and the exec log group.
    pub iam: aws_sdk_iam::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub events: aws_sdk_eventbridge::Client,
    pub secrets_manager: aws_sdk_secretsmanager::Client,
    pub signing_secret: SecretCell,
    /// Where a click's outcome goes (its `response_url`, within `SLACK_RESPONSE_URL_PREFIXES`),
    /// and the bot token that reads user groups.
    pub slack: Notifier,
    /// Members of the user groups in clusters' allowed users, kept at most five minutes.
    pub groups: GroupCache,
}

impl App {
    pub fn new(config: Config, sdk: &aws_config::SdkConfig) -> Self {
        Self {
            region: sdk.region().map(|r| r.to_string()).unwrap_or_default(),
            signing_secret: SecretCell::new(config.signing_secret.clone(), SIGNING_SECRET_KEY),
            config,
            ecs: aws_sdk_ecs::Client::new(sdk),
            ec2: aws_sdk_ec2::Client::new(sdk),
            iam: aws_sdk_iam::Client::new(sdk),
            logs: aws_sdk_cloudwatchlogs::Client::new(sdk),
            events: aws_sdk_eventbridge::Client::new(sdk),
            secrets_manager: aws_sdk_secretsmanager::Client::new(sdk),
            slack: Notifier::from_env(sdk),
            groups: GroupCache::default(),
        }
    }
}
