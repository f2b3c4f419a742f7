//! The tasks' ingress: TCP each `AppIngressPorts` port from each
//! `AppIngressSourceSecurityGroupIds` group (the load balancer's), and nothing else
//! (docs/interface.md, "the application side"). Compared one source at a time like the egress, so
//! a removed port or group is revoked and nothing is re-added.

use super::rules::{self, Direction, Peer, RulePlan, WantedRule};
use crate::context::Desired;
use crate::error::ProvisionError;
use crate::spec::GroupRef;
use aws_sdk_ec2::types::IpPermission;
use std::collections::BTreeSet;

const DESCRIPTION: &str = "application port from its load balancer (ecs-debug-toolkit)";

/// The wanted (port, source group) pairs.
pub fn wanted(ports: &[u16], groups: &[GroupRef]) -> BTreeSet<WantedRule> {
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
    let wanted = wanted(&app.ingress_ports, &app.ingress_source_groups);
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
        let alb = GroupRef::parse("sg-0aaaaaaaaaaaaaaaa").unwrap();
        let other = GroupRef::parse("210987654321/sg-0bbbbbbbbbbbbbbbb").unwrap();
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
                vec![rule(80, &alb.id)],
                wanted(&[80], std::slice::from_ref(&alb)),
                0,
                0,
            ),
            (
                "a dropped port is revoked",
                vec![rule(80, &alb.id), rule(443, &alb.id)],
                wanted(&[80], std::slice::from_ref(&alb)),
                1,
                0,
            ),
            (
                "a replaced source: revoke one, add one",
                vec![rule(80, &alb.id)],
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
                vec![ssh, rule(80, &alb.id)],
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

    #[test]
    fn another_accounts_group_is_named_with_its_account() {
        let shared = GroupRef::parse("210987654321/sg-0bbbbbbbbbbbbbbbb").unwrap();
        let plan = plan(&[], &wanted(&[5432], &[shared]));
        let pair = &plan.add[0].user_id_group_pairs()[0];
        assert_eq!(pair.group_id(), Some("sg-0bbbbbbbbbbbbbbbb"));
        assert_eq!(pair.user_id(), Some("210987654321"));
        // EC2 reports this account's groups with its UserId: still the same rule.
        let own = IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(80)
            .to_port(80)
            .user_id_group_pairs(
                UserIdGroupPair::builder()
                    .group_id("sg-0aaaaaaaaaaaaaaaa")
                    .user_id("123456789012")
                    .build(),
            )
            .build();
        let alb = GroupRef::parse("sg-0aaaaaaaaaaaaaaaa").unwrap();
        assert_eq!(plan_len(&[own], &[alb]), (0, 0));
    }

    fn plan_len(current: &[IpPermission], groups: &[GroupRef]) -> (usize, usize) {
        let plan = plan(current, &wanted(&[80], groups));
        (plan.revoke.len(), plan.add.len())
    }
}
