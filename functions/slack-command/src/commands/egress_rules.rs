//! What a security group's egress rules let out, decided without AWS.

use aws_sdk_ec2::types::IpPermission;

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
