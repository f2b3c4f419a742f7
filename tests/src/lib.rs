//! Test harness: the real function binaries under a Lambda Runtime API emulator, against a moto
//! server of their own behind the strict gate, with CloudFormation, Slack and EventBridge played by
//! local servers (`fakes`) and faults injected by a proxy in front of moto. `worlds` builds the
//! local AWS once (`worlds::LocalAws`); each suite's world adds only its functions.

pub mod app_service;
pub mod emf;
pub mod fakes;
pub mod fixtures;
pub mod function;
pub mod http;
pub mod lambda;
pub mod leaks;
pub mod moto;
pub mod network;
pub mod samples;
pub mod strict;
pub mod user_tasks;
pub mod worlds;

pub use fakes::cfn::{CfnRequest, ResponseServer};
pub use fakes::fault_proxy::{Fault, FaultProxy};
pub use fixtures::Vpc;
pub use function::FunctionProcess;
pub use moto::Moto;
pub use worlds::environment::World;

/// ECS tags as a sorted map.
pub fn ecs_tags(tags: &[aws_sdk_ecs::types::Tag]) -> std::collections::BTreeMap<String, String> {
    tags.iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}
