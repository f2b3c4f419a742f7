//! The tasks' ingress: TCP each `AppIngressPorts` port from each
//! `AppIngressSourceSecurityGroupIds` group (the load balancer's), and nothing else
//! (docs/interface.md, "the application side"). Compared one source at a time like the egress, so
//! a removed port or group is revoked and nothing is re-added.

use super::rules::{self, Direction, Peer, RulePlan, WantedRule};
use crate::context::Desired;
use crate::error::ProvisionError;
use aws_sdk_ec2::types::IpPermission;
use std::collections::BTreeSet;

const DESCRIPTION: &str = "application port from its load balancer (ecs-debug-toolkit)";

/// The wanted (port, source group) pairs.
pub fn wanted(ports: &[u16], groups: &[String]) -> BTreeSet<WantedRule> {
    ports
        .iter()
        .flat_map(|port| {
            groups
                .iter()
                .map(move |group| (*port, Peer::Group(group.clone())))
        })
        .collect()
}

/// What makes the ingress exactly `wanted`.
pub fn plan(current: &[IpPermission], wanted: &BTreeSet<WantedRule>) -> RulePlan {
    RulePlan::new(current, wanted, |_, _| DESCRIPTION.to_string())
}

/// Brings the ingress of group `id` (named `name`) from `current` to the spec.
pub async fn converge(
    desired: &Desired<'_>,
    name: &str,
    id: &str,
    current: &[IpPermission],
) -> Result<(), ProvisionError> {
    let app = &desired.spec.app;
    let wanted = wanted(&app.ingress_ports, &app.ingress_source_group_ids);
    rules::apply(
        desired,
        name,
        id,
        Direction::Ingress,
        plan(current, &wanted),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{IpRange, UserIdGroupPair};

    fn rule(port: i32, group: &str) -> IpPermission {
        IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(port)
            .to_port(port)
            .user_id_group_pairs(UserIdGroupPair::builder().group_id(group).build())
            .build()
    }

    #[test]
    fn plans() {
        let alb = "sg-0aaaaaaaaaaaaaaaa".to_string();
        let other = "sg-0bbbbbbbbbbbbbbbb".to_string();
        let ssh = IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(22)
            .to_port(22)
            .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
            .build();
        for (name, current, wanted, revoked, added) in [
            (
                "nothing wanted, nothing there",
                vec![],
                wanted(&[], &[]),
                0,
                0,
            ),
            (
                "a new group gets every pair",
                vec![],
                wanted(&[80, 443], std::slice::from_ref(&alb)),
                0,
                2,
            ),
            (
                "a right group needs nothing",
                vec![rule(80, &alb)],
                wanted(&[80], std::slice::from_ref(&alb)),
                0,
                0,
            ),
            (
                "a dropped port is revoked",
                vec![rule(80, &alb), rule(443, &alb)],
                wanted(&[80], std::slice::from_ref(&alb)),
                1,
                0,
            ),
            (
                "a replaced source: revoke one, add one",
                vec![rule(80, &alb)],
                wanted(&[80], std::slice::from_ref(&other)),
                1,
                1,
            ),
            (
                "hand-added CIDR ingress is revoked",
                vec![ssh.clone()],
                wanted(&[], &[]),
                1,
                0,
            ),
            (
                "CIDR ingress is revoked beside wanted pairs",
                vec![ssh, rule(80, &alb)],
                wanted(&[80], std::slice::from_ref(&alb)),
                1,
                0,
            ),
        ] {
            let plan = plan(&current, &wanted);
            assert_eq!(
                (plan.revoke.len(), plan.add.len()),
                (revoked, added),
                "{name}"
            );
        }
    }
}
