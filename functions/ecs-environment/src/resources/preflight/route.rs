//! The network half of the Exec preflight for one environment: its subnets and image, judged by
//! `debug_toolkit::preflight` (docs/interface.md, "Exec preflight").

use super::Finding;
use crate::context::Desired;
use crate::resources::network::Network;

pub async fn check(desired: &Desired<'_>, network: &Network) -> Finding {
    debug_toolkit::preflight::network::check(
        &desired.clients().ec2,
        &desired.scope.stack.region,
        &network.vpc_id,
        &network.subnet_ids,
        &desired.spec.image,
        desired.spec.kms_key_arn.is_some(),
    )
    .await
}
