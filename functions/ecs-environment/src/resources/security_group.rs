//! The tasks' security group: HTTPS egress anywhere, extra ports inside the VPC; ingress only from
//! the application's load balancer groups (`ingress`).

use super::network::Network;
use crate::context::{Desired, Scope};
use crate::error::{aws, has_code, ProvisionError};
use crate::resources::adopt::adopt;
use crate::resources::ingress;
use crate::retry;
use aws_sdk_ec2::types::{
    Filter, IpPermission, IpRange, ResourceType, SecurityGroup, Tag, TagSpecification,
};
use debug_toolkit::backoff::Backoff;
use debug_toolkit::deadline::Deadline;
use debug_toolkit::tags;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

const ANYWHERE: &str = "0.0.0.0/0";

#[derive(Clone, Debug)]
pub struct ExistingGroup {
    pub id: String,
    pub tags: BTreeMap<String, String>,
    pub ingress: Vec<IpPermission>,
    pub egress: Vec<IpPermission>,
}

impl From<&SecurityGroup> for ExistingGroup {
    fn from(group: &SecurityGroup) -> Self {
        Self {
            id: group.group_id().unwrap_or_default().to_string(),
            tags: group
                .tags()
                .iter()
                .map(|t| {
                    (
                        t.key().unwrap_or_default().into(),
                        t.value().unwrap_or_default().into(),
                    )
                })
                .collect(),
            ingress: group.ip_permissions().to_vec(),
            egress: group.ip_permissions_egress().to_vec(),
        }
    }
}

pub async fn find(
    scope: &Scope<'_>,
    vpc_id: &str,
) -> Result<Option<ExistingGroup>, ProvisionError> {
    let name = &scope.names.security_group;
    let out = scope
        .clients
        .ec2
        .describe_security_groups()
        .filters(Filter::builder().name("group-name").values(name).build())
        .filters(Filter::builder().name("vpc-id").values(vpc_id).build())
        .send()
        .await
        .map_err(aws("DescribeSecurityGroups", name.as_str()))?;
    Ok(out.security_groups().first().map(ExistingGroup::from))
}

/// EC2's answer for a group it does not know (yet: it is eventually consistent).
pub(crate) const GROUP_NOT_FOUND_YET: &str = "InvalidGroup.NotFound";

/// EC2's limit on a group description.
const MAX_DESCRIPTION_LEN: usize = 255;

/// The group's description, within EC2's 255 characters: a long cluster name is cut (cluster names
/// are ASCII), the name and tags still identify the group.
pub fn group_description(cluster: &str) -> String {
    let full = format!("ECS debug-toolkit tasks: no ingress, HTTPS egress; cluster {cluster}");
    if full.len() <= MAX_DESCRIPTION_LEN {
        return full;
    }
    format!("{}...", &full[..MAX_DESCRIPTION_LEN - 3])
}

/// The egress the group must have: TCP 443 anywhere, each extra port to each of the VPC's CIDRs.
pub fn wanted_egress(ports: &[u16], vpc_cidrs: &[String]) -> BTreeSet<(u16, String)> {
    let inside = ports
        .iter()
        .flat_map(|port| vpc_cidrs.iter().map(move |cidr| (*port, cidr.clone())));
    std::iter::once((443, ANYWHERE.to_string()))
        .chain(inside)
        .collect()
}

fn permission(port: u16, cidr: &str) -> IpPermission {
    let description = if cidr == ANYWHERE {
        "HTTPS to AWS APIs (ECS Exec, ECR, CloudWatch Logs)".to_string()
    } else {
        format!("TCP {port} inside the VPC")
    };
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port.into())
        .to_port(port.into())
        .ip_ranges(
            IpRange::builder()
                .cidr_ip(cidr)
                .description(description)
                .build(),
        )
        .build()
}

/// The port of a TCP rule for one port (egress and ingress rules are compared by it).
pub(crate) fn single_tcp_port(p: &IpPermission) -> Option<u16> {
    (p.ip_protocol() == Some("tcp") && p.from_port() == p.to_port())
        .then(|| p.from_port())
        .flatten()
        .and_then(|port| u16::try_from(port).ok())
}

/// Splits permissions into single-source rules: (is it a wanted TCP port/CIDR pair, the rule to revoke).
fn atomic(permissions: &[IpPermission]) -> Vec<(Option<(u16, String)>, IpPermission)> {
    let mut out = Vec::new();
    for p in permissions {
        let base = || {
            IpPermission::builder()
                .set_ip_protocol(p.ip_protocol().map(str::to_owned))
                .set_from_port(p.from_port())
                .set_to_port(p.to_port())
        };
        for range in p.ip_ranges() {
            let key = single_tcp_port(p).zip(range.cidr_ip().map(str::to_owned));
            out.push((
                key,
                base()
                    .ip_ranges(
                        IpRange::builder()
                            .set_cidr_ip(range.cidr_ip().map(str::to_owned))
                            .build(),
                    )
                    .build(),
            ));
        }
        for range in p.ipv6_ranges() {
            out.push((None, base().ipv6_ranges(range.clone()).build()));
        }
        for list in p.prefix_list_ids() {
            out.push((None, base().prefix_list_ids(list.clone()).build()));
        }
        for pair in p.user_id_group_pairs() {
            out.push((None, base().user_id_group_pairs(pair.clone()).build()));
        }
    }
    out
}

/// The changes that make a group's egress exactly `wanted`.
#[derive(Clone, Debug, PartialEq)]
pub struct EgressPlan {
    pub revoke: Vec<IpPermission>,
    pub add: Vec<IpPermission>,
}

/// Compares the current egress one source at a time with the wanted TCP port/CIDR pairs: every
/// source not wanted (another protocol, a port range, IPv6, a prefix list, a group) is revoked,
/// every wanted pair not present is added.
pub fn plan_egress(current: &[IpPermission], wanted: &BTreeSet<(u16, String)>) -> EgressPlan {
    let rules = atomic(current);
    let present: BTreeSet<&(u16, String)> =
        rules.iter().filter_map(|(key, _)| key.as_ref()).collect();
    let add = wanted
        .iter()
        .filter(|k| !present.contains(k))
        .map(|(port, cidr)| permission(*port, cidr))
        .collect();
    let revoke = rules
        .into_iter()
        .filter(|(key, _)| !key.as_ref().is_some_and(|k| wanted.contains(k)))
        .map(|(_, p)| p)
        .collect();
    EgressPlan { revoke, add }
}

pub(crate) fn ec2_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// Creates the group, or brings an owned one to the desired rules and tags. Returns its id.
pub async fn ensure(
    desired: &Desired<'_>,
    network: &Network,
    existing: Option<&ExistingGroup>,
) -> Result<String, ProvisionError> {
    let ec2 = &desired.clients().ec2;
    let name = desired.names().security_group.as_str();
    let wanted = wanted_egress(&desired.spec.extra_egress_ports, &network.vpc_cidrs);
    let (id, ingress, egress) = match existing {
        Some(group) => {
            retag(desired, &group.id, &group.tags).await?;
            (
                group.id.clone(),
                group.ingress.clone(),
                group.egress.clone(),
            )
        }
        None => match ec2
            .create_security_group()
            .group_name(name)
            .description(group_description(&desired.names().cluster))
            .vpc_id(&network.vpc_id)
            .tag_specifications(
                TagSpecification::builder()
                    .resource_type(ResourceType::SecurityGroup)
                    .set_tags(Some(ec2_tags(&desired.tags)))
                    .build(),
            )
            .send()
            .await
        {
            Ok(created) => {
                let id = created.group_id().unwrap_or_default().to_string();
                let default_egress = IpPermission::builder()
                    .ip_protocol("-1")
                    .ip_ranges(IpRange::builder().cidr_ip(ANYWHERE).build())
                    .build();
                (id, Vec::new(), vec![default_egress])
            }
            Err(e) if has_code(&e, "InvalidGroup.Duplicate") => {
                let found = find(&desired.scope, &network.vpc_id).await?;
                let group = adopt(
                    &desired.scope,
                    format!("security group {name}"),
                    found,
                    |g| &g.tags,
                    aws("CreateSecurityGroup", name)(e),
                )?;
                retag(desired, &group.id, &group.tags).await?;
                (group.id, group.ingress, group.egress)
            }
            Err(e) => return Err(aws("CreateSecurityGroup", name)(e)),
        },
    };
    let EgressPlan {
        revoke: to_revoke,
        add: to_add,
    } = plan_egress(&egress, &wanted);

    // EC2 is eventually consistent: right after CreateSecurityGroup the group can be unknown.
    let revoke_egress = async {
        if to_revoke.is_empty() {
            return Ok(());
        }
        retry::while_transient(
            name,
            "RevokeSecurityGroupEgress",
            retry::code(GROUP_NOT_FOUND_YET),
            || async {
                match ec2
                    .revoke_security_group_egress()
                    .group_id(&id)
                    .set_ip_permissions(Some(to_revoke.clone()))
                    .send()
                    .await
                {
                    Err(e) if has_code(&e, "InvalidPermission.NotFound") => Ok(()),
                    other => other.map(drop),
                }
            },
        )
        .await
    };
    let converge_ingress = ingress::converge(desired, name, &id, &ingress);
    let authorize = async {
        if to_add.is_empty() {
            return Ok(());
        }
        retry::while_transient(
            name,
            "AuthorizeSecurityGroupEgress",
            retry::code(GROUP_NOT_FOUND_YET),
            || async {
                match ec2
                    .authorize_security_group_egress()
                    .group_id(&id)
                    .set_ip_permissions(Some(to_add.clone()))
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
    };
    let (a, b, c) = tokio::join!(revoke_egress, converge_ingress, authorize);
    a?;
    b?;
    c?;
    Ok(id)
}

async fn retag(
    desired: &Desired<'_>,
    id: &str,
    current: &BTreeMap<String, String>,
) -> Result<(), ProvisionError> {
    let ec2 = &desired.clients().ec2;
    let changes = desired.tag_changes(current, &desired.tags);
    if !changes.stale.is_empty() {
        let keys = changes
            .stale
            .iter()
            .map(|k| Tag::builder().key(k).build())
            .collect();
        ec2.delete_tags()
            .resources(id)
            .set_tags(Some(keys))
            .send()
            .await
            .map_err(aws("DeleteTags", id))?;
    }
    if changes.outdated {
        ec2.create_tags()
            .resources(id)
            .set_tags(Some(ec2_tags(&desired.tags)))
            .send()
            .await
            .map_err(aws("CreateTags", id))?;
    }
    Ok(())
}

/// Deletes the groups of this name that this stack resource owns, in any VPC. Network interfaces
/// of just-stopped tasks hold a group for a while, so `DependencyViolation` is retried until
/// `until`.
pub async fn remove(scope: &Scope<'_>, until: Deadline) -> Result<(), ProvisionError> {
    let ec2 = &scope.clients.ec2;
    let name = &scope.names.security_group;
    let out = ec2
        .describe_security_groups()
        .filters(Filter::builder().name("group-name").values(name).build())
        .filters(
            Filter::builder()
                .name(format!("tag:{}", tags::OWNER))
                .values(scope.owner())
                .build(),
        )
        .send()
        .await
        .map_err(aws("DescribeSecurityGroups", name.as_str()))?;
    for group in out.security_groups() {
        let id = group.group_id().unwrap_or_default();
        let in_use = |e: &_| has_code(e, "DependencyViolation");
        let answer = retry::retried(
            id,
            "DeleteSecurityGroup",
            STILL_IN_USE,
            Some(until),
            in_use,
            || ec2.delete_security_group().group_id(id).send(),
        )
        .await;
        match answer {
            Err(e) if !has_code(&e, "InvalidGroup.NotFound") => {
                return Err(aws("DeleteSecurityGroup", id)(e))
            }
            _ => {}
        }
    }
    Ok(())
}

/// While network interfaces of stopped tasks still hold the group: 2 s doubling to 15 s.
const STILL_IN_USE: Backoff = Backoff::doubling(Duration::from_secs(2), Duration::from_secs(15));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_fits_ec2s_limit_for_every_cluster_name() {
        assert_eq!(
            group_description("payments-dev"),
            "ECS debug-toolkit tasks: no ingress, HTTPS egress; cluster payments-dev"
        );
        let longest = "a".repeat(crate::spec::MAX_CLUSTER_NAME_LEN);
        let description = group_description(&longest);
        assert_eq!(description.len(), MAX_DESCRIPTION_LEN);
        assert!(description.ends_with("..."), "{description}");
        assert_eq!(description, group_description(&longest));
    }
    use aws_sdk_ec2::types::{Ipv6Range, PrefixListId};

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
        let plan = plan_egress(&[allow_all], &wanted_egress(&[], &["10.0.0.0/16".into()]));
        assert_eq!(summary(&plan.revoke), ["-1 None 0.0.0.0/0"]);
        assert_eq!(summary(&plan.add), ["tcp Some(443) 0.0.0.0/0"]);
    }

    #[test]
    fn a_group_that_is_right_needs_nothing() {
        let wanted = wanted_egress(&[5432], &["10.0.0.0/16".into()]);
        let plan = plan_egress(
            &[tcp(443, &[ANYWHERE]), tcp(5432, &["10.0.0.0/16"])],
            &wanted,
        );
        assert_eq!(
            plan,
            EgressPlan {
                revoke: vec![],
                add: vec![]
            }
        );
    }

    #[test]
    fn extra_ports_are_open_to_every_vpc_cidr() {
        let cidrs = ["10.0.0.0/16".to_string(), "100.64.0.0/16".to_string()];
        let wanted = wanted_egress(&[5432, 6379], &cidrs);
        assert_eq!(wanted.len(), 5);
        for port in [5432, 6379] {
            for cidr in &cidrs {
                assert!(wanted.contains(&(port, cidr.clone())), "{port} {cidr}");
            }
        }
    }

    #[test]
    fn unwanted_sources_are_revoked_one_by_one() {
        let wanted = wanted_egress(&[5432], &["10.0.0.0/16".into()]);
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
        let plan = plan_egress(&current, &wanted);
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
