//! `debug-launcher`: runs one debug-toolkit task per `Debug Task Requested` event
//! (docs/interface.md, `debug-launcher`) and tells the requester the task id and the exact ECS
//! Exec command.
//!
//! The event comes from a bus others may write to, so nothing in it is trusted: ids are checked,
//! the cluster must be managed and must allow the requester, the reason is sanitised into a tag,
//! and the `responseUrl` is contacted only when `SLACK_RESPONSE_URL_PREFIXES` admits it. In a
//! spoke, which holds no bot token, the outcome goes to the hub as a `Debug Task Notice`.

pub mod cap;
pub mod config;
pub mod handler;
pub mod like;
pub mod outcome;
pub mod plan;
pub mod report;
pub mod request;
pub mod run;

pub use config::Config;
pub use handler::handle;
pub use outcome::Outcome;

use debug_toolkit::notice::tell::HubBus;
use debug_toolkit::slack::groups::GroupCache;
use debug_toolkit::slack::Notifier;

/// Clients and settings built once per cold start.
#[derive(Debug)]
pub struct App {
    pub config: Config,
    pub ecs: aws_sdk_ecs::Client,
    /// `response_url`s and, with a bot token, channels.
    pub slack: Notifier,
    /// Members of the user groups in clusters' allowed users (read with the bot token).
    pub groups: GroupCache,
    /// In a spoke (`NOTICE_BUS_NAME`): the bus its notices go on, for the hub to post.
    pub hub: Option<HubBus>,
}

impl App {
    pub fn new(config: Config, sdk: &aws_config::SdkConfig, slack: Notifier) -> Self {
        Self {
            config,
            ecs: aws_sdk_ecs::Client::new(sdk),
            slack,
            groups: GroupCache::default(),
            hub: HubBus::from_env(sdk),
        }
    }
}
