//! Does any security group of a debug task let a TCP port out? `forward` says so when none does
//! (docs/interface.md, `slack-command`): the session would open and then hang. The task's groups
//! are its network interface's (the environment's group, and a `--like` task's service groups).
//! Only a certain "no" is said: when EC2 cannot be read, nothing is.

use crate::sites::Site;
use aws_sdk_ec2::types::IpPermission;
use debug_toolkit::aws::describe_sdk_error;
use debug_toolkit::debug_task::TaskView;

/// Whether any rule lets TCP `port` out (all traffic, TCP, or a range holding it), to any peer.
pub fn lets_out(rules: &[IpPermission], port: u16) -> bool {
    let port = i32::from(port);
    rules.iter().any(|rule| match rule.ip_protocol() {
        Some("-1" | "all") => true,
        Some("tcp" | "6") => {
            rule.from_port().is_none_or(|from| from <= port)
                && rule.to_port().is_none_or(|to| to >= port)
        }
        _ => false,
    })
}

/// The egress rules of the task's groups, or `None` when they cannot be read.
async fn egress_of(site: &Site, task: &TaskView) -> Option<Vec<IpPermission>> {
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
    Some(
        described
            .security_groups()
            .iter()
            .flat_map(|g| g.ip_permissions_egress())
            .cloned()
            .collect(),
    )
}

/// A warning when no group of `task` lets `port` out, naming the property that opens it.
pub async fn warning(site: &Site, task: &TaskView, port: u16) -> Option<String> {
    let rules = egress_of(site, task).await?;
    (!lets_out(&rules, port)).then(|| {
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
