//! Shared library of ecs-debug-toolkit.
//!
//! What more than one function needs lives here: the tag vocabulary, cluster
//! settings and access rules read from tags, the debug-task view, durations and timestamps, Slack
//! messages and posting, secrets, the CloudFormation custom-resource response, the invocation
//! deadline, HTTP through the SDK's own connector, and AWS SDK configuration from the standard
//! chain. SDK-specific parts sit behind features (`ecs`, `secrets`) so each function links only the
//! clients it uses.

pub mod address;
pub mod aws;
pub mod backoff;
#[cfg(feature = "bus")]
pub mod bus;
pub mod cidr;
pub mod cluster;
pub mod commands;
pub mod config;
pub mod deadline;
pub mod debug_task;
pub mod duration;
#[cfg(feature = "ecs")]
pub mod ecs;
pub mod ecs_status;
pub mod heartbeat;
pub mod http;
pub mod launch;
pub mod like_services;
pub mod metrics;
pub mod names;
#[cfg(feature = "notices")]
pub mod notice;
#[cfg(feature = "ec2")]
pub mod preflight;
#[cfg(feature = "secrets")]
pub mod secrets;
#[cfg(feature = "slack")]
pub mod slack;
pub mod slack_ids;
pub mod spokes;
pub mod stop_record;
pub mod tags;
pub mod text;
pub mod timestamp;
#[cfg(feature = "url_prefixes")]
pub mod url_prefixes;
pub mod user_groups;
