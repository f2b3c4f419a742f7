//! The network half of the Exec preflight (docs/interface.md, "Exec preflight"), shared by
//! ecs-environment (`Data.ExecPreflight`) and slack-command (`doctor`): can a debug task reach,
//! from each of its subnets, what ECS Exec, its logs, its key and its image need? [`network`]
//! reads the VPC's endpoints and their security groups, route tables and NAT gateways; [`reach`]
//! judges them, with [`nat`] (does a NAT gateway lead out?) and [`ingress`] (does an endpoint
//! admit the tasks?).

pub mod ingress;
pub mod lacking;
pub mod nat;
pub mod network;
pub mod reach;
pub mod routes;
#[cfg(test)]
mod test_routes;

/// The clause for a check whose AWS call failed, `error` in the words the caller chose (the
/// network's: `AwsError::public_cause`, which a chat may show; the key policy's: AWS's own).
pub fn unchecked(what: &str, action: &str, error: &str) -> String {
    format!(
        "{what} could not be checked ({action} failed: {})",
        crate::text::shorten(error, 120)
    )
}
