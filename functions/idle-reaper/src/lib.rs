//! `idle-reaper` (docs/interface.md, `idle-reaper`): on a schedule, stops the debug tasks of every
//! managed cluster that expired, outlived the max lifetime or sit idle, judged as of the event's
//! time. Tasks that are not debug tasks are never stopped, whatever their age. Channels are told by
//! `task-events`, from the STOPPED event ECS sends for every stop (one notice per event).

pub mod activity;
pub mod config;
pub mod facts;
pub mod handler;
pub mod rules;
pub mod scan;

pub use config::Config;
pub use handler::{handle, Summary};

#[derive(Debug)]
pub struct App {
    pub config: Config,
    pub ecs: aws_sdk_ecs::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    /// CloudWatch Logs' account rates, shared by the clusters of a run.
    pub log_rates: activity::LogRates,
}

impl App {
    pub fn new(config: Config, sdk: &aws_config::SdkConfig) -> Self {
        Self {
            config,
            ecs: aws_sdk_ecs::Client::new(sdk),
            logs: aws_sdk_cloudwatchlogs::Client::new(sdk),
            log_rates: activity::LogRates::default(),
        }
    }
}
