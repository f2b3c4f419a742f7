//! The network half of the Exec preflight for one environment: its subnets, security group and
//! image, judged by `debug_toolkit::preflight` (docs/interface.md, "Exec preflight").

use super::Finding;
use crate::context::Desired;
use crate::resources::network::Network;
use debug_toolkit::preflight::network::{check as network_check, Place};

pub async fn check(desired: &Desired<'_>, network: &Network, task_group: &str) -> Finding {
    let task_groups = [task_group.to_string()];
    let place = Place {
        region: &desired.scope.stack.region,
        vpc_id: &network.vpc_id,
        subnet_ids: &network.subnet_ids,
        task_groups: &task_groups,
    };
    network_check(
        &desired.clients().ec2,
        &place,
        &desired.spec.image,
        desired.spec.kms_key_arn.is_some(),
    )
    .await
}
