//! The tasks' security group ingress (contract v2): TCP each `AppIngressPorts` port from each
//! `AppIngressSourceSecurityGroupIds` group (the load balancer's), and nothing else. Compared one
//! source at a time like the egress, so a removed port or group is revoked and nothing is re-added.

use crate::context::Desired;
use crate::error::{has_code, ProvisionError};
use crate::resources::security_group::{ec2_tags, single_tcp_port, GROUP_NOT_FOUND_YET};
use crate::retry;
use aws_sdk_ec2::types::{IpPermission, ResourceType, TagSpecification, UserIdGroupPair};
use std::collections::BTreeSet;

const DESCRIPTION: &str = "application port from its load balancer (ecs-debug-toolkit)";

/// The wanted (port, source group) pairs.
pub fn wanted(ports: &[u16], groups: &[String]) -> BTreeSet<(u16, String)> {
    ports
        .iter()
        .flat_map(|port| groups.iter().map(move |group| (*port, group.clone())))
        .collect()
}

fn permission(port: u16, group: &str) -> IpPermission {
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(i32::from(port))
        .to_port(i32::from(port))
        .user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(group)
                .description(DESCRIPTION)
                .build(),
        )
        .build()
}

/// The changes that make the ingress exactly `wanted`: (to revoke, to add).
pub fn plan(
    current: &[IpPermission],
    wanted: &BTreeSet<(u16, String)>,
) -> (Vec<IpPermission>, Vec<IpPermission>) {
    let mut present = BTreeSet::new();
    let mut revoke = Vec::new();
    for p in current {
        let single_tcp_port = single_tcp_port(p);
        let base = || {
            IpPermission::builder()
                .set_ip_protocol(p.ip_protocol().map(str::to_owned))
                .set_from_port(p.from_port())
                .set_to_port(p.to_port())
        };
        for pair in p.user_id_group_pairs() {
            let key = single_tcp_port.zip(pair.group_id().map(str::to_owned));
            match key {
                Some(key) if wanted.contains(&key) => {
                    present.insert(key);
                }
                _ => revoke.push(base().user_id_group_pairs(pair.clone()).build()),
            }
        }
        for range in p.ip_ranges() {
            revoke.push(base().ip_ranges(range.clone()).build());
        }
        for range in p.ipv6_ranges() {
            revoke.push(base().ipv6_ranges(range.clone()).build());
        }
        for list in p.prefix_list_ids() {
            revoke.push(base().prefix_list_ids(list.clone()).build());
        }
    }
    let add = wanted
        .iter()
        .filter(|key| !present.contains(*key))
        .map(|(port, group)| permission(*port, group))
        .collect();
    (revoke, add)
}

/// Brings the ingress of group `id` (named `name`) from `current` to the spec.
pub async fn converge(
    desired: &Desired<'_>,
    name: &str,
    id: &str,
    current: &[IpPermission],
) -> Result<(), ProvisionError> {
    let ec2 = &desired.clients().ec2;
    let app = &desired.spec.app;
    let (revoke, add) = plan(
        current,
        &wanted(&app.ingress_ports, &app.ingress_source_group_ids),
    );
    if !revoke.is_empty() {
        retry::while_transient(
            name,
            "RevokeSecurityGroupIngress",
            retry::code(GROUP_NOT_FOUND_YET),
            || {
                ec2.revoke_security_group_ingress()
                    .group_id(id)
                    .set_ip_permissions(Some(revoke.clone()))
                    .send()
            },
        )
        .await?;
    }
    if add.is_empty() {
        return Ok(());
    }
    retry::while_transient(
        name,
        "AuthorizeSecurityGroupIngress",
        retry::code(GROUP_NOT_FOUND_YET),
        || async {
            match ec2
                .authorize_security_group_ingress()
                .group_id(id)
                .set_ip_permissions(Some(add.clone()))
                .tag_specifications(
                    TagSpecification::builder()
                        .resource_type(ResourceType::SecurityGroupRule)
                        .set_tags(Some(ec2_tags(&desired.tags)))
                        .build(),
                )
                .send()
                .await
            {
                Err(e) if has_code(&e, "InvalidPermission.Duplicate") => Ok(()),
                other => other.map(drop),
            }
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::IpRange;

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
            let (revoke, add) = plan(&current, &wanted);
            assert_eq!((revoke.len(), add.len()), (revoked, added), "{name}");
        }
    }
}
