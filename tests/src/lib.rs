//! Test harness: the real function binaries under a Lambda Runtime API emulator, against a moto
//! server of their own, with CloudFormation's `ResponseURL` played by a local HTTP server and
//! faults injected by a proxy in front of moto.

pub mod app_service;
pub mod bus;
pub mod cfn;
pub mod fault_proxy;
pub mod fixtures;
pub mod function;
pub mod http;
pub mod lambda;
pub mod launch_world;
pub mod leaks;
pub mod moto;
pub mod reap_world;
pub mod runtime_api;
pub mod slack;
pub mod strict;
pub mod world;

pub use cfn::{CfnRequest, ResponseServer};
pub use fault_proxy::{Fault, FaultProxy};
pub use fixtures::Vpc;
pub use function::FunctionProcess;
pub use moto::Moto;
pub use runtime_api::RuntimeApi;
pub use world::World;

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
