//! Other groups whose rules name ours (a database's group that admits `C-ecs-tasks`): EC2 refuses
//! to delete a group while any rule references it (`DependencyViolation`, which no wait clears),
//! and those groups are not ours to change. Delete finds them first and names them
//! (docs/interface.md, `ecs-environment`: groups that reference ours).

use crate::context::Scope;
use crate::error::{aws, ProvisionError};
use aws_sdk_ec2::types::{Filter, IpPermission, SecurityGroup};

/// One rule of another group that names ours, in words: `sg-db (payments-db) ingress tcp 5432`.
pub type Reference = String;

/// The rules of other groups that reference group `id`.
pub async fn referencing(scope: &Scope<'_>, id: &str) -> Result<Vec<Reference>, ProvisionError> {
    let ec2 = &scope.clients.ec2;
    let by = |filter: &'static str| {
        ec2.describe_security_groups()
            .filters(Filter::builder().name(filter).values(id).build())
            .send()
    };
    let (ingress, egress) = tokio::join!(
        by("ip-permission.group-id"),
        by("egress.ip-permission.group-id")
    );
    let ingress = ingress.map_err(aws("DescribeSecurityGroups", id))?;
    let egress = egress.map_err(aws("DescribeSecurityGroups", id))?;
    // This stack resource's own groups (the endpoints' `C-vpc-endpoints`) go with ours.
    let others = |groups: &[SecurityGroup]| -> Vec<SecurityGroup> {
        groups
            .iter()
            .filter(|g| !scope.owns(&crate::resources::tagging::read(g.tags())))
            .cloned()
            .collect()
    };
    let mut found = references(&others(ingress.security_groups()), id);
    found.extend(references(&others(egress.security_groups()), id));
    found.sort();
    found.dedup();
    Ok(found)
}

/// The pure part: every rule of `groups` (other than `id` itself) that names group `id`.
pub fn references(groups: &[SecurityGroup], id: &str) -> Vec<Reference> {
    let mut found = Vec::new();
    for group in groups.iter().filter(|g| g.group_id() != Some(id)) {
        let who = format!(
            "{} ({})",
            group.group_id().unwrap_or("?"),
            group.group_name().unwrap_or("?")
        );
        for (direction, rules) in [
            ("ingress", group.ip_permissions()),
            ("egress", group.ip_permissions_egress()),
        ] {
            found.extend(
                rules
                    .iter()
                    .filter(|rule| names(rule, id))
                    .map(|rule| format!("{who} {direction} {}", ports(rule))),
            );
        }
    }
    found
}

fn names(rule: &IpPermission, id: &str) -> bool {
    rule.user_id_group_pairs()
        .iter()
        .any(|pair| pair.group_id() == Some(id))
}

fn ports(rule: &IpPermission) -> String {
    let protocol = match rule.ip_protocol() {
        Some("-1") | None => return "all traffic".to_string(),
        Some(protocol) => protocol,
    };
    match (rule.from_port(), rule.to_port()) {
        (Some(from), Some(to)) if from == to => format!("{protocol} {from}"),
        (Some(from), Some(to)) => format!("{protocol} {from}-{to}"),
        _ => protocol.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::UserIdGroupPair;

    const OURS: &str = "sg-0ours";

    fn rule(protocol: &str, from: i32, to: i32, group: &str) -> IpPermission {
        IpPermission::builder()
            .ip_protocol(protocol)
            .from_port(from)
            .to_port(to)
            .user_id_group_pairs(UserIdGroupPair::builder().group_id(group).build())
            .build()
    }

    fn group(
        id: &str,
        name: &str,
        ingress: Vec<IpPermission>,
        egress: Vec<IpPermission>,
    ) -> SecurityGroup {
        SecurityGroup::builder()
            .group_id(id)
            .group_name(name)
            .set_ip_permissions(Some(ingress))
            .set_ip_permissions_egress(Some(egress))
            .build()
    }

    #[test]
    fn each_rule_that_names_our_group_is_named() {
        let groups = [
            group(
                "sg-0db",
                "payments-db",
                vec![
                    rule("tcp", 5432, 5432, OURS),
                    rule("tcp", 22, 22, "sg-0other"),
                ],
                vec![],
            ),
            group("sg-0cache", "cache", vec![], vec![rule("-1", -1, -1, OURS)]),
            group(
                "sg-0range",
                "range",
                vec![rule("tcp", 8000, 8100, OURS)],
                vec![],
            ),
            // Our own group naming itself is no reference from another group.
            group(
                OURS,
                "c-ecs-tasks",
                vec![rule("tcp", 443, 443, OURS)],
                vec![],
            ),
            group(
                "sg-0none",
                "none",
                vec![rule("tcp", 22, 22, "sg-0other")],
                vec![],
            ),
        ];
        assert_eq!(
            references(&groups, OURS),
            [
                "sg-0db (payments-db) ingress tcp 5432",
                "sg-0cache (cache) egress all traffic",
                "sg-0range (range) ingress tcp 8000-8100",
            ]
        );
    }
}
