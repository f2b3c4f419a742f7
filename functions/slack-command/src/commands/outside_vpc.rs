//! `forward` to an address outside the task's VPC: the environment's group lets 443 out anywhere,
//! but `ExtraEgressPorts` opens its ports only to the VPC's CIDRs, so any other port to such an
//! address would open a session that then hangs. Said only when certain: an IPv4 address (a name
//! is resolved inside the VPC, which this function cannot do) that no egress rule admits.

use aws_sdk_ec2::types::IpPermission;
use debug_toolkit::cidr::covers;
use std::net::Ipv4Addr;

/// Whether a rule lets TCP `port` out to `address` (an IPv4 range holding it; a rule naming a
/// security group or prefix list reaches into the VPC or AWS, not to `address`).
fn lets_out_to(rule: &IpPermission, port: u16, address: &str) -> bool {
    super::egress_rules::lets_out(std::slice::from_ref(rule), port)
        && rule
            .ip_ranges()
            .iter()
            .filter_map(|r| r.cidr_ip())
            .any(|cidr| covers(cidr, address))
}

/// The warning for `host:port` when `host` is an IPv4 address outside `vpc_cidrs` that no rule
/// lets the port out to; `None` otherwise (or when the VPC's CIDRs are unknown).
pub fn warning(
    host: &str,
    port: u16,
    vpc_cidrs: &[String],
    rules: &[IpPermission],
) -> Option<String> {
    let address: Ipv4Addr = host.parse().ok()?;
    let single = format!("{address}/32");
    if vpc_cidrs.is_empty() || vpc_cidrs.iter().any(|cidr| covers(cidr, &single)) {
        return None;
    }
    if rules.iter().any(|rule| lets_out_to(rule, port, &single)) {
        return None;
    }
    let cidrs: Vec<String> = vpc_cidrs.iter().map(|c| format!("`{c}`")).collect();
    Some(format!(
        ":warning: `{address}` is outside the task's VPC ({}), and no security group of this task lets TCP {port} out to it, so the session would open and then hang. `ExtraEgressPorts` opens ports only inside the VPC: forward to a host inside it, or reach this one on 443.",
        cidrs.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::IpRange;

    fn rule(port: i32, cidr: &str) -> IpPermission {
        IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(port)
            .to_port(port)
            .ip_ranges(IpRange::builder().cidr_ip(cidr).build())
            .build()
    }

    #[test]
    fn only_addresses_outside_the_vpc_that_no_rule_admits_are_warned_of() {
        let vpc = vec!["10.30.0.0/16".to_string(), "100.64.0.0/20".to_string()];
        // The environment's group: 443 anywhere, ExtraEgressPorts 5432 inside the VPC.
        let rules = vec![
            rule(443, "0.0.0.0/0"),
            rule(5432, "10.30.0.0/16"),
            rule(5432, "100.64.0.0/20"),
        ];
        for (host, port, warned) in [
            ("10.30.4.5", 5432, false),
            ("100.64.1.1", 5432, false),
            ("192.168.1.10", 5432, true),
            ("52.95.110.1", 443, false),
            ("52.95.110.1", 8443, true),
            ("db.internal", 5432, false),
            ("10.31.0.1", 5432, true),
        ] {
            let said = warning(host, port, &vpc, &rules);
            assert_eq!(said.is_some(), warned, "{host}:{port} {said:?}");
        }
        let said = warning("192.168.1.10", 5432, &vpc, &rules).unwrap();
        assert!(
            said.contains(
                "`192.168.1.10` is outside the task's VPC (`10.30.0.0/16`, `100.64.0.0/20`)"
            ),
            "{said}"
        );
        assert!(
            said.contains("`ExtraEgressPorts` opens ports only inside the VPC"),
            "{said}"
        );
        // A rule of the user's that opens the port to that network: no warning.
        let wider = [rules.clone(), vec![rule(5432, "192.168.0.0/16")]].concat();
        assert_eq!(warning("192.168.1.10", 5432, &vpc, &wider), None);
        // Unknown VPC: nothing said.
        assert_eq!(warning("192.168.1.10", 5432, &[], &rules), None);
    }
}
