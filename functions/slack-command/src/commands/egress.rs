//! Does any security group of a debug task let a TCP port out? `forward` says so when none does
//! (docs/interface.md, `slack-command`): the session would open and then hang. The task's groups
//! are its network interface's (the environment's group, and a `--like` task's service groups).
//! Only a certain "no" is said: when EC2 cannot be read, nothing is.

pub use super::egress_rules::lets_out;
use crate::sites::Site;
use aws_sdk_ec2::types::IpPermission;
use debug_toolkit::aws::describe_sdk_error;
use debug_toolkit::debug_task::TaskView;

/// What the task's network lets out: its groups' egress rules and its VPC's CIDRs.
struct Egress {
    rules: Vec<IpPermission>,
    /// Empty when the VPC could not be read.
    vpc_cidrs: Vec<String>,
}

/// The egress of the task's groups, or `None` when they cannot be read.
async fn egress_of(site: &Site, task: &TaskView) -> Option<Egress> {
    let interface = task.network_interface.as_deref()?;
    let interfaces = site
        .ec2
        .describe_network_interfaces()
        .network_interface_ids(interface)
        .send()
        .await
        .map_err(
            |e| tracing::warn!(error = %describe_sdk_error(&e), "DescribeNetworkInterfaces failed"),
        )
        .ok()?;
    let groups: Vec<String> = interfaces
        .network_interfaces()
        .iter()
        .flat_map(|i| i.groups())
        .filter_map(|g| g.group_id().map(str::to_owned))
        .collect();
    if groups.is_empty() {
        return None;
    }
    let vpc = interfaces
        .network_interfaces()
        .iter()
        .find_map(|i| i.vpc_id())
        .map(str::to_owned);
    let described = site
        .ec2
        .describe_security_groups()
        .set_group_ids(Some(groups))
        .send()
        .await
        .map_err(
            |e| tracing::warn!(error = %describe_sdk_error(&e), "DescribeSecurityGroups failed"),
        )
        .ok()?;
    let rules = described
        .security_groups()
        .iter()
        .flat_map(|g| g.ip_permissions_egress())
        .cloned()
        .collect();
    let vpc_cidrs = match vpc {
        Some(vpc) => vpc_cidrs(site, &vpc).await,
        None => Vec::new(),
    };
    Some(Egress { rules, vpc_cidrs })
}

/// The VPC's associated IPv4 CIDR blocks (empty when it cannot be read).
async fn vpc_cidrs(site: &Site, vpc: &str) -> Vec<String> {
    let described = match site.ec2.describe_vpcs().vpc_ids(vpc).send().await {
        Ok(described) => described,
        Err(e) => {
            tracing::warn!(error = %describe_sdk_error(&e), "DescribeVpcs failed");
            return Vec::new();
        }
    };
    described
        .vpcs()
        .iter()
        .flat_map(|v| {
            let associated = v
                .cidr_block_association_set()
                .iter()
                .filter(|a| {
                    a.cidr_block_state()
                        .and_then(|s| s.state())
                        .is_none_or(|s| s.as_str() == "associated")
                })
                .filter_map(|a| a.cidr_block().map(str::to_owned));
            v.cidr_block()
                .map(str::to_owned)
                .into_iter()
                .chain(associated)
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// A warning when the task's groups do not let `host:port` out: to an address outside the VPC
/// ([`super::outside_vpc`]), or (any host) when no group lets the port out at all, naming the
/// property that opens it.
pub async fn warning(site: &Site, task: &TaskView, host: &str, port: u16) -> Option<String> {
    let egress = egress_of(site, task).await?;
    if let Some(outside) = super::outside_vpc::warning(host, port, &egress.vpc_cidrs, &egress.rules)
    {
        return Some(outside);
    }
    (!lets_out(&egress.rules, port)).then(|| {
        format!(
            ":warning: No security group of this task lets TCP {port} out, so the session would open and then hang. Add {port} to the environment's `ExtraEgressPorts` (it opens the port inside the VPC), then try again."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(protocol: &str, from: Option<i32>, to: Option<i32>) -> IpPermission {
        IpPermission::builder()
            .ip_protocol(protocol)
            .set_from_port(from)
            .set_to_port(to)
            .build()
    }

    #[test]
    fn which_rules_let_a_port_out() {
        let https = rule("tcp", Some(443), Some(443));
        let postgres = rule("tcp", Some(5432), Some(5432));
        for (rules, port, out) in [
            (vec![https.clone()], 443, true),
            (vec![https.clone()], 5432, false),
            (vec![https.clone(), postgres], 5432, true),
            (vec![rule("tcp", Some(8000), Some(8100))], 8080, true),
            (vec![rule("tcp", Some(8000), Some(8100))], 8101, false),
            (vec![rule("-1", None, None)], 6379, true),
            (vec![rule("udp", Some(53), Some(53))], 53, false),
            (vec![], 443, false),
        ] {
            assert_eq!(lets_out(&rules, port), out, "{rules:?} {port}");
        }
    }
}
