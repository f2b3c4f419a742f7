//! The VPC and subnets an environment lives in (read only: they belong to the user).

use crate::context::Desired;
use crate::error::{aws, has_code, ProvisionError};
use aws_sdk_ec2::types::{Filter, Vpc, VpcCidrBlockStateCode};
use debug_toolkit::tags;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Network {
    pub vpc_id: String,
    /// Every IPv4 CIDR associated with the VPC, the primary one first.
    pub vpc_cidrs: Vec<String>,
    /// The VPC has an IPv6 CIDR: a new group then also allows all IPv6 egress (`::/0`).
    pub ipv6: bool,
    pub subnet_ids: Vec<String>,
    /// Each subnet's Availability Zone.
    pub subnet_zones: BTreeMap<String, String>,
    /// The account that owns the VPC (another one's when the VPC is shared with this account).
    pub vpc_owner: Option<String>,
}

pub async fn resolve(desired: &Desired<'_>) -> Result<Network, ProvisionError> {
    let ec2 = &desired.clients().ec2;
    let vpc_id = desired.spec.vpc_id.as_str();
    let vpc = ec2.describe_vpcs().vpc_ids(vpc_id).send();
    let subnets = async {
        match &desired.spec.subnet_ids {
            Some(ids) => {
                ec2.describe_subnets()
                    .set_subnet_ids(Some(ids.clone()))
                    .send()
                    .await
            }
            None => {
                ec2.describe_subnets()
                    .filters(Filter::builder().name("vpc-id").values(vpc_id).build())
                    .filters(Filter::builder().name("tag:Tier").values("private").build())
                    .send()
                    .await
            }
        }
    };
    let (vpc, subnets) = tokio::join!(vpc, subnets);
    let vpc = match vpc {
        Ok(out) => out.vpcs().first().cloned(),
        Err(e) if has_code(&e, "InvalidVpcID.NotFound") => None,
        Err(e) => return Err(aws("DescribeVpcs", vpc_id)(e)),
    };
    let ipv6 = vpc
        .as_ref()
        .is_some_and(|v| !v.ipv6_cidr_block_association_set().is_empty());
    let Some(vpc_cidrs) = vpc.as_ref().map(ipv4_cidrs).filter(|c| !c.is_empty()) else {
        return Err(ProvisionError::NoSuchVpc(vpc_id.to_string()));
    };
    let subnets = match subnets {
        Ok(out) => out.subnets().to_vec(),
        Err(e) if has_code(&e, "InvalidSubnetID.NotFound") => {
            return Err(ProvisionError::NoSuchSubnet(Box::new(aws(
                "DescribeSubnets",
                "SubnetIds",
            )(e))))
        }
        Err(e) => return Err(aws("DescribeSubnets", vpc_id)(e)),
    };
    if let Some(stray) = subnets.iter().find(|s| s.vpc_id() != Some(vpc_id)) {
        return Err(ProvisionError::SubnetOfAnotherVpc {
            subnet: stray.subnet_id().unwrap_or("?").to_string(),
            its_vpc: stray.vpc_id().unwrap_or("?").to_string(),
            vpc: vpc_id.to_string(),
        });
    }
    let mut subnet_ids: Vec<String> = subnets
        .iter()
        .filter_map(|s| s.subnet_id())
        .map(str::to_owned)
        .collect();
    if let Some(asked) = &desired.spec.subnet_ids {
        subnet_ids = asked.clone();
    } else {
        subnet_ids.sort();
    }
    if subnet_ids.is_empty() {
        return Err(ProvisionError::NoPrivateSubnets(vpc_id.to_string()));
    }
    let subnet_ids = fitting_one_tag(subnet_ids);
    let subnet_zones = subnets
        .iter()
        .filter_map(|s| {
            Some((
                s.subnet_id()?.to_string(),
                s.availability_zone()?.to_string(),
            ))
        })
        .collect();
    Ok(Network {
        vpc_id: vpc_id.to_string(),
        vpc_cidrs,
        ipv6,
        subnet_ids,
        subnet_zones,
        vpc_owner: vpc.as_ref().and_then(|v| v.owner_id()).map(str::to_string),
    })
}

/// The VPC's primary CIDR and every secondary one that is associated (not being added or removed).
pub fn ipv4_cidrs(vpc: &Vpc) -> Vec<String> {
    let mut cidrs: Vec<String> = vpc.cidr_block().map(str::to_owned).into_iter().collect();
    for association in vpc.cidr_block_association_set() {
        let associated = association
            .cidr_block_state()
            .and_then(|s| s.state())
            .is_none_or(|state| *state == VpcCidrBlockStateCode::Associated);
        if let Some(cidr) = association.cidr_block().filter(|_| associated) {
            if !cidrs.iter().any(|c| c == cidr) {
                cidrs.push(cidr.to_owned());
            }
        }
    }
    cidrs
}

/// The first subnets whose ids, space-separated, fit one tag value (`debug-toolkit:subnets`).
pub fn fitting_one_tag(subnet_ids: Vec<String>) -> Vec<String> {
    let mut length = 0;
    subnet_ids
        .into_iter()
        .take_while(|id| {
            length += id.len() + usize::from(length > 0);
            length <= tags::MAX_TAG_VALUE_LEN
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{VpcCidrBlockAssociation, VpcCidrBlockState};

    fn association(cidr: &str, state: Option<VpcCidrBlockStateCode>) -> VpcCidrBlockAssociation {
        VpcCidrBlockAssociation::builder()
            .cidr_block(cidr)
            .set_cidr_block_state(state.map(|s| VpcCidrBlockState::builder().state(s).build()))
            .build()
    }

    #[test]
    fn every_associated_ipv4_cidr_counts_primary_first() {
        use VpcCidrBlockStateCode as S;
        let vpc = Vpc::builder()
            .cidr_block("10.0.0.0/16")
            .cidr_block_association_set(association("10.0.0.0/16", Some(S::Associated)))
            .cidr_block_association_set(association("100.64.0.0/16", Some(S::Associated)))
            .cidr_block_association_set(association("10.9.0.0/16", Some(S::Disassociated)))
            .cidr_block_association_set(association("10.8.0.0/16", Some(S::Associating)))
            .cidr_block_association_set(association("172.31.0.0/16", None))
            .build();
        assert_eq!(
            ipv4_cidrs(&vpc),
            ["10.0.0.0/16", "100.64.0.0/16", "172.31.0.0/16"]
        );
        assert!(ipv4_cidrs(&Vpc::builder().build()).is_empty());
    }

    #[test]
    fn subnets_are_cut_to_fit_one_tag_value() {
        let ids: Vec<String> = (0..16)
            .map(|i| format!("subnet-0123456789abcde{i:02}"))
            .collect();
        let kept = fitting_one_tag(ids.clone());
        assert_eq!(kept.len(), 10);
        assert!(kept.join(" ").len() <= tags::MAX_TAG_VALUE_LEN);
        assert_eq!(fitting_one_tag(ids[..2].to_vec()), ids[..2]);
    }
}
