//! The group's egress: TCP 443 anywhere (AWS APIs: ECS Exec, ECR, CloudWatch Logs), and each
//! `ExtraEgressPorts` port to each of the VPC's IPv4 CIDRs; nothing else.

use super::rules::{Peer, RulePlan, WantedRule};
use crate::error::ProvisionError;
use aws_sdk_ec2::types::IpPermission;
use std::collections::BTreeSet;

pub const ANYWHERE: &str = "0.0.0.0/0";

/// EC2's quota of rules a security group holds in one direction (the VPC guide's quotas page).
pub const MAX_RULES: usize = 60;

/// Refuses, before any change, egress that would not fit the group: each port is one rule per
/// VPC CIDR, so a VPC with secondary CIDRs fits fewer `ExtraEgressPorts` than the spec allows.
pub fn check_fits(ports: &[u16], vpc_cidrs: &[String]) -> Result<(), ProvisionError> {
    let rules = wanted(ports, vpc_cidrs).len();
    if rules <= MAX_RULES {
        return Ok(());
    }
    Err(ProvisionError::TooManyEgressRules {
        ports: ports.len(),
        cidrs: vpc_cidrs.len(),
        rules,
    })
}

/// The egress the group must have.
pub fn wanted(ports: &[u16], vpc_cidrs: &[String]) -> BTreeSet<WantedRule> {
    let inside = ports.iter().flat_map(|port| {
        vpc_cidrs
            .iter()
            .map(move |cidr| (*port, Peer::Cidr(cidr.clone())))
    });
    std::iter::once((443, Peer::Cidr(ANYWHERE.to_string())))
        .chain(inside)
        .collect()
}

/// What makes the egress exactly `wanted`.
pub fn plan(current: &[IpPermission], wanted: &BTreeSet<WantedRule>) -> RulePlan {
    RulePlan::new(current, wanted, |port, peer| match peer {
        Peer::Cidr(cidr) if cidr == ANYWHERE => {
            "HTTPS to AWS APIs (ECS Exec, ECR, CloudWatch Logs)".to_string()
        }
        _ => format!("TCP {port} inside the VPC"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_port_is_a_rule_per_cidr() {
        let cidrs =
            |n: usize| -> Vec<String> { (0..n).map(|i| format!("10.{i}.0.0/16")).collect() };
        let ports = |n: u16| -> Vec<u16> { (1..=n).collect() };
        assert!(check_fits(&ports(59), &cidrs(1)).is_ok());
        assert!(check_fits(&ports(29), &cidrs(2)).is_ok());
        let too_many = check_fits(&ports(30), &cidrs(2)).unwrap_err().to_string();
        assert!(
            too_many.starts_with(
                "ExtraEgressPorts: 30 ports to each of the VPC's 2 CIDRs make 61 egress rules"
            ),
            "{too_many}"
        );
    }
    use aws_sdk_ec2::types::{IpRange, Ipv6Range, PrefixListId};

    fn tcp(port: i32, cidrs: &[&str]) -> IpPermission {
        let mut p = IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(port)
            .to_port(port);
        for cidr in cidrs {
            p = p.ip_ranges(IpRange::builder().cidr_ip(*cidr).build());
        }
        p.build()
    }

    fn summary(permissions: &[IpPermission]) -> Vec<String> {
        permissions
            .iter()
            .map(|p| {
                let source = p
                    .ip_ranges()
                    .first()
                    .and_then(|r| r.cidr_ip().map(str::to_owned))
                    .or_else(|| {
                        p.ipv6_ranges()
                            .first()
                            .and_then(|r| r.cidr_ipv6().map(str::to_owned))
                    })
                    .or_else(|| {
                        p.prefix_list_ids()
                            .first()
                            .and_then(|l| l.prefix_list_id().map(str::to_owned))
                    })
                    .unwrap_or_default();
                format!(
                    "{} {:?} {source}",
                    p.ip_protocol().unwrap_or_default(),
                    p.from_port()
                )
            })
            .collect()
    }

    #[test]
    fn a_new_group_loses_allow_all_and_gets_https() {
        let allow_all = IpPermission::builder()
            .ip_protocol("-1")
            .ip_ranges(IpRange::builder().cidr_ip(ANYWHERE).build())
            .build();
        let plan = plan(&[allow_all], &wanted(&[], &["10.0.0.0/16".into()]));
        assert_eq!(summary(&plan.revoke), ["-1 None 0.0.0.0/0"]);
        assert_eq!(summary(&plan.add), ["tcp Some(443) 0.0.0.0/0"]);
    }

    #[test]
    fn a_group_that_is_right_needs_nothing() {
        let wanted = wanted(&[5432], &["10.0.0.0/16".into()]);
        let plan = plan(
            &[tcp(443, &[ANYWHERE]), tcp(5432, &["10.0.0.0/16"])],
            &wanted,
        );
        assert_eq!(plan, RulePlan::default());
    }

    #[test]
    fn extra_ports_are_open_to_every_vpc_cidr() {
        let cidrs = ["10.0.0.0/16".to_string(), "100.64.0.0/16".to_string()];
        let wanted = wanted(&[5432, 6379], &cidrs);
        assert_eq!(wanted.len(), 5);
        for port in [5432, 6379] {
            for cidr in &cidrs {
                assert!(
                    wanted.contains(&(port, Peer::Cidr(cidr.clone()))),
                    "{port} {cidr}"
                );
            }
        }
    }

    #[test]
    fn unwanted_sources_are_revoked_one_by_one() {
        let wanted = wanted(&[5432], &["10.0.0.0/16".into()]);
        let ipv6 = IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(443)
            .to_port(443)
            .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
            .build();
        let prefix_list = IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(443)
            .to_port(443)
            .prefix_list_ids(PrefixListId::builder().prefix_list_id("pl-123").build())
            .build();
        let range = IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(1)
            .to_port(65535)
            .ip_ranges(IpRange::builder().cidr_ip(ANYWHERE).build())
            .build();
        let current = [
            tcp(443, &[ANYWHERE, "192.168.0.0/16"]),
            tcp(6379, &["10.0.0.0/16"]),
            ipv6,
            prefix_list,
            range,
        ];
        let plan = plan(&current, &wanted);
        assert_eq!(
            summary(&plan.revoke),
            [
                "tcp Some(443) 192.168.0.0/16",
                "tcp Some(6379) 10.0.0.0/16",
                "tcp Some(443) ::/0",
                "tcp Some(443) pl-123",
                "tcp Some(1) 0.0.0.0/0",
            ]
        );
        assert_eq!(summary(&plan.add), ["tcp Some(5432) 10.0.0.0/16"]);
    }
}
