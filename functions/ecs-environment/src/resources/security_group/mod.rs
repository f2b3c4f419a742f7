//! The tasks' security group: HTTPS egress anywhere, extra ports inside the VPC (`egress`);
//! ingress only from the application's load balancer groups (`ingress`); both kept exactly so by
//! one rule planner (`rules`).

pub mod egress;
pub mod ingress;
pub mod named;
mod references;
pub mod rules;

use super::network::Network;
use crate::context::{Desired, Scope};
use crate::error::{aws, has_code, ProvisionError};
use crate::resources::adopt::adopt;
use crate::resources::tagging::{self, Tagged};
use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, SecurityGroup};
use debug_toolkit::backoff::Backoff;
use debug_toolkit::deadline::Deadline;
use rules::Direction;
use std::collections::BTreeMap;
use std::time::Duration;

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
            tags: tagging::read(group.tags()),
            ingress: group.ip_permissions().to_vec(),
            egress: group.ip_permissions_egress().to_vec(),
        }
    }
}

pub async fn find(
    scope: &Scope<'_>,
    vpc_id: &str,
) -> Result<Option<ExistingGroup>, ProvisionError> {
    named::in_vpc(scope, &scope.names.security_group, vpc_id).await
}

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

/// The group made (with EC2's default egress), or an owned one found and retagged: its id and
/// current rules. [`ensure_rules`] brings the rules to the spec (what else needs only the id, the
/// cluster, may run alongside).
pub async fn ensure_exists(
    desired: &Desired<'_>,
    network: &Network,
    existing: Option<&ExistingGroup>,
) -> Result<ExistingGroup, ProvisionError> {
    let name = desired.names().security_group.as_str();
    let (id, ingress, egress) = match existing {
        Some(group) => {
            tagging::retag(desired, Tagged::Ec2(&group.id), &group.tags, &desired.tags).await?;
            (
                group.id.clone(),
                group.ingress.clone(),
                group.egress.clone(),
            )
        }
        None => match named::create(
            desired,
            network,
            name,
            group_description(&desired.names().cluster),
        )
        .send()
        .await
        {
            Ok(created) => {
                let id = created.group_id().unwrap_or_default().to_string();
                // EC2's default egress of a new group: all IPv4, and all IPv6 in an IPv6 VPC.
                let mut default_egress = vec![IpPermission::builder()
                    .ip_protocol("-1")
                    .ip_ranges(IpRange::builder().cidr_ip(egress::ANYWHERE).build())
                    .build()];
                if network.ipv6 {
                    default_egress.push(
                        IpPermission::builder()
                            .ip_protocol("-1")
                            .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
                            .build(),
                    );
                }
                (id, Vec::new(), default_egress)
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
                tagging::retag(desired, Tagged::Ec2(&group.id), &group.tags, &desired.tags).await?;
                (group.id, group.ingress, group.egress)
            }
            Err(e) => return Err(aws("CreateSecurityGroup", name)(e)),
        },
    };
    Ok(ExistingGroup {
        id,
        tags: desired.tags.clone(),
        ingress,
        egress,
    })
}

/// The group's egress and ingress made exactly the spec's.
pub async fn ensure_rules(
    desired: &Desired<'_>,
    network: &Network,
    group: &ExistingGroup,
) -> Result<(), ProvisionError> {
    let name = desired.names().security_group.as_str();
    let wanted = egress::wanted(&desired.spec.extra_egress_ports, &network.vpc_cidrs);
    let egress = egress::plan(&group.egress, &wanted);
    let (egress, ingress) = tokio::join!(
        rules::apply(desired, name, &group.id, Direction::Egress, egress),
        ingress::converge(desired, name, &group.id, &group.ingress),
    );
    egress.and(ingress)
}

/// Fails, naming them, when rules of other groups reference a group Delete would remove: EC2
/// would refuse the delete for as long as they do, and they are not ours to change.
pub async fn refuse_if_referenced(scope: &Scope<'_>) -> Result<(), ProvisionError> {
    for group in named::owned(scope, &scope.names.security_group).await? {
        let id = group.group_id().unwrap_or_default();
        let by = references::referencing(scope, id).await?;
        if !by.is_empty() {
            return Err(ProvisionError::ReferencedGroup {
                group: format!("{} ({id})", scope.names.security_group),
                by,
            });
        }
    }
    Ok(())
}

/// Deletes the groups of this name that this stack resource owns, in any VPC. Network interfaces
/// of just-stopped tasks hold a group for a while, so `DependencyViolation` is retried until
/// `until`.
pub async fn remove(scope: &Scope<'_>, until: Deadline) -> Result<(), ProvisionError> {
    named::delete_owned(scope, &scope.names.security_group, STILL_IN_USE, until).await
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
}
