//! `Custom::EcsEnvironment`: creates, updates and deletes one ECS environment (cluster, capacity
//! providers, log groups, roles, security group, debug-toolkit task definition) for
//! CloudFormation, safely and idempotently.

#![recursion_limit = "256"]

pub mod cfn;
pub mod context;
pub mod converge;
pub mod error;
pub mod guard;
pub mod handler;
pub mod home;
pub mod lifecycle;
pub mod names;
pub mod policies;
pub mod request;
pub mod resources;
pub mod retry;
pub mod spec;
pub mod stack;
pub mod teardown;
pub mod verify;

pub use handler::{handle, Function};
