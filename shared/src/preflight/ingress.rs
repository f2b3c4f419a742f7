//! Whether an interface endpoint serves the debug tasks: its network interfaces answer only what
//! one of its security groups admits, so one of them must admit TCP 443 from the tasks' group or
//! from a CIDR block covering the task's subnet (all traffic, or a port range holding 443, counts).
//! A rule whose source is a prefix list or an IPv6 range is not read (docs/limitations.md).

use crate::cidr;

pub const HTTPS_PORT: i32 = 443;

/// One ingress permission of a security group, as `DescribeSecurityGroups` gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Permission {
    /// `tcp` (or `6`), `-1` for all traffic, or another protocol.
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    /// Referenced security groups.
    pub groups: Vec<String>,
    /// IPv4 source ranges.
    pub cidrs: Vec<String>,
}

impl Permission {
    fn carries_https(&self) -> bool {
        match self.protocol.as_str() {
            "-1" => true,
            "tcp" | "6" => matches!(
                (self.from_port, self.to_port),
                (Some(from), Some(to)) if from <= HTTPS_PORT && HTTPS_PORT <= to
            ),
            _ => false,
        }
    }
}

/// `permissions` admit HTTPS from a task in one of `task_groups` in a subnet of `subnet_cidr`.
pub fn admits_https(
    permissions: &[Permission],
    task_groups: &[String],
    subnet_cidr: Option<&str>,
) -> bool {
    permissions.iter().filter(|p| p.carries_https()).any(|p| {
        p.groups.iter().any(|g| task_groups.contains(g))
            || subnet_cidr.is_some_and(|subnet| p.cidrs.iter().any(|c| cidr::covers(c, subnet)))
    })
}

#[cfg(test)]
mod tests;
