//! `task-events` (docs/interface.md, `task-events`): records ECS Exec activity on debug tasks
//! (CloudTrail `ExecuteCommand`) and, with a bot token, tells a debug task's channel when it is
//! running (with the connect command) and when it stopped (with the reason). Other tasks are left
//! alone.

pub mod activity;
pub mod events;
pub mod handler;
pub mod notify;
pub mod outcome;
pub mod readiness;

pub use handler::handle;
pub use outcome::Outcome;

use debug_toolkit::slack::Notifier;

/// Clients built once per cold start. (Configuration is Slack's only: the bot token,
/// `SLACK_API_BASE_URL`; see [`Notifier::from_env`].)
#[derive(Debug)]
pub struct App {
    pub ecs: aws_sdk_ecs::Client,
    pub slack: Notifier,
}

impl App {
    pub fn new(sdk: &aws_config::SdkConfig, slack: Notifier) -> Self {
        Self {
            ecs: aws_sdk_ecs::Client::new(sdk),
            slack,
        }
    }
}
