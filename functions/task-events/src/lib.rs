//! `task-events` (docs/interface.md, `task-events`): records ECS Exec activity on debug tasks
//! (CloudTrail `ExecuteCommand`) and, with a bot token, tells a debug task's channel when it is
//! running (with the connect command) and when it stopped (with the reason). Other tasks are left
//! alone. In a spoke those notices go to the hub ([`debug_toolkit::notice`]); in a hub, this
//! function posts its spokes' notices ([`hub`]).

pub mod activity;
pub mod cloudtrail;
pub mod events;
pub mod handler;
pub mod hub;
pub mod notice;
pub mod notify;
pub mod outcome;
pub mod overrides;
pub mod readiness;
pub mod stopped;

pub use handler::handle;
pub use outcome::Outcome;

use debug_toolkit::notice::tell::HubBus;
use debug_toolkit::secrets::{SecretCell, SecretSource};
use debug_toolkit::slack::{sealed, Notifier};
use debug_toolkit::spokes::SpokeSpec;
use debug_toolkit::{config, stop_record};

/// Clients built once per cold start. Configuration: Slack's (the bot token,
/// `SLACK_API_BASE_URL`; see [`Notifier::from_env`]) and the log group of the stop claims
/// (`NOTICE_CLAIMS_LOG_GROUP`, see [`stopped`]).
#[derive(Debug)]
pub struct App {
    pub ecs: aws_sdk_ecs::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub slack: Notifier,
    pub claims_log_group: Option<String>,
    /// `SPOKE_ALIAS`: in a spoke, notices and buttons name clusters `<alias>/<cluster>`.
    pub spoke_alias: Option<String>,
    /// In a spoke (`NOTICE_BUS_NAME`): the bus its notices go on, for the hub to post.
    pub hub: Option<HubBus>,
    /// In a hub (`SPOKES`): the spokes whose notices it posts.
    pub spokes: Vec<SpokeSpec>,
    /// In a hub: the key its buttons and sealed `response_url`s are made with.
    pub button_key: SecretCell,
    pub secrets_manager: aws_sdk_secretsmanager::Client,
}

impl App {
    pub fn new(sdk: &aws_config::SdkConfig, slack: Notifier) -> Self {
        Self {
            ecs: aws_sdk_ecs::Client::new(sdk),
            logs: aws_sdk_cloudwatchlogs::Client::new(sdk),
            slack,
            claims_log_group: config::var(stop_record::CLAIMS_LOG_GROUP_VARIABLE),
            spoke_alias: None,
            hub: HubBus::from_env(sdk),
            spokes: Vec::new(),
            button_key: SecretCell::new(
                SecretSource::from_env(sealed::KEY_VARIABLES.0, sealed::KEY_VARIABLES.1),
                sealed::KEY_JSON_KEY,
            ),
            secrets_manager: aws_sdk_secretsmanager::Client::new(sdk),
        }
    }
}
