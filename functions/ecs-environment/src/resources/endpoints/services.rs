//! The endpoint services EC2 offers in the Region (`DescribeVpcEndpointServices`): each wanted
//! service's name as EC2 spells it there (`com.amazonaws.<region>.logs`, or in the China Regions
//! possibly `cn.com.amazonaws.<region>.…`) and the Availability Zones it is offered in. An interface
//! endpoint gets the environment's subnets (one per zone) in those zones only: EC2 refuses a
//! subnet of a zone the service is not in.

use crate::context::Desired;
use crate::error::{aws, ProvisionError};
use aws_sdk_ec2::types::{Filter, ServiceDetail, ServiceType};
use std::collections::{BTreeMap, BTreeSet};

/// A service as the Region offers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offered {
    /// The name to create its endpoint with.
    pub name: String,
    pub zones: BTreeSet<String>,
}

/// The two names a service may have in `region`, the global spelling first.
pub fn candidates(region: &str, service: &str) -> [String; 2] {
    [
        format!("com.amazonaws.{region}.{service}"),
        format!("cn.com.amazonaws.{region}.{service}"),
    ]
}

/// The service of `region` (`gateway`: its gateway kind, else its interface kind) among what EC2
/// offers: the global spelling when both exist.
pub fn pick(
    offered: &[(String, ServiceType, BTreeSet<String>)],
    region: &str,
    service: &str,
    gateway: bool,
) -> Option<Offered> {
    let kind = if gateway {
        ServiceType::Gateway
    } else {
        ServiceType::Interface
    };
    candidates(region, service).into_iter().find_map(|name| {
        offered
            .iter()
            .find(|(n, t, _)| *n == name && *t == kind)
            .map(|(_, _, zones)| Offered {
                name: name.clone(),
                zones: zones.clone(),
            })
    })
}

/// Of `subnets` (one per zone already), those in the service's zones, in their order.
pub fn subnets_in(
    subnets: &[String],
    subnet_zones: &BTreeMap<String, String>,
    zones: &BTreeSet<String>,
) -> Vec<String> {
    subnets
        .iter()
        .filter(|s| subnet_zones.get(*s).is_some_and(|z| zones.contains(z)))
        .cloned()
        .collect()
}

/// What the Region offers of `services` (interface) and, when `s3`, S3's gateway.
pub async fn offered(
    desired: &Desired<'_>,
    services: &BTreeSet<String>,
    s3: bool,
) -> Result<BTreeMap<String, Offered>, ProvisionError> {
    let region = desired.scope.stack.region.as_str();
    let mut names: Vec<String> = services
        .iter()
        .flat_map(|s| candidates(region, s))
        .collect();
    if s3 {
        names.extend(candidates(region, super::S3));
    }
    if names.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut details: Vec<ServiceDetail> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        // Not paginated by the SDK; a name EC2 does not know is left out of the answer.
        let out = desired
            .clients()
            .ec2
            .describe_vpc_endpoint_services()
            .filters(
                Filter::builder()
                    .name("service-name")
                    .set_values(Some(names.clone()))
                    .build(),
            )
            .set_next_token(token)
            .send()
            .await
            .map_err(aws("DescribeVpcEndpointServices", region))?;
        details.extend(out.service_details().iter().cloned());
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    let seen: Vec<(String, ServiceType, BTreeSet<String>)> = details
        .iter()
        .flat_map(|d| {
            d.service_type().iter().filter_map(move |t| {
                Some((
                    d.service_name()?.to_string(),
                    t.service_type()?.clone(),
                    d.availability_zones().iter().cloned().collect(),
                ))
            })
        })
        .collect();
    let mut found = BTreeMap::new();
    for service in services {
        let offered = pick(&seen, region, service, false).ok_or_else(|| {
            ProvisionError::Endpoints(format!(
                "VpcEndpoints: EC2 offers no interface endpoint for {service} in {region} (DescribeVpcEndpointServices); nothing was made"
            ))
        })?;
        found.insert(service.clone(), offered);
    }
    if s3 {
        let offered = pick(&seen, region, super::S3, true).ok_or_else(|| {
            ProvisionError::Endpoints(format!(
                "VpcEndpoints: EC2 offers no S3 gateway endpoint in {region} (DescribeVpcEndpointServices); nothing was made"
            ))
        })?;
        found.insert(super::S3.to_string(), offered);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_offered_name_and_kind_are_picked() {
        let offered = vec![
            (
                "com.amazonaws.eu-west-1.logs".to_string(),
                ServiceType::Interface,
                set(&["eu-west-1a", "eu-west-1b"]),
            ),
            (
                "com.amazonaws.eu-west-1.s3".to_string(),
                ServiceType::Gateway,
                set(&["eu-west-1a"]),
            ),
            (
                "com.amazonaws.eu-west-1.s3".to_string(),
                ServiceType::Interface,
                set(&["eu-west-1b"]),
            ),
            (
                "cn.com.amazonaws.cn-north-1.ecr.api".to_string(),
                ServiceType::Interface,
                set(&["cn-north-1a"]),
            ),
            (
                "com.amazonaws.cn-north-1.logs".to_string(),
                ServiceType::Interface,
                set(&["cn-north-1b"]),
            ),
            (
                "cn.com.amazonaws.cn-north-1.logs".to_string(),
                ServiceType::Interface,
                set(&["cn-north-1a"]),
            ),
        ];
        let picked = |region: &str, service: &str, gateway: bool| {
            pick(&offered, region, service, gateway).map(|o| (o.name, o.zones))
        };
        #[rustfmt::skip]
        type Case<'a> = (&'a str, &'a str, bool, Option<(&'a str, &'a [&'a str])>);
        let cases: Vec<Case> = vec![
            (
                "eu-west-1",
                "logs",
                false,
                Some((
                    "com.amazonaws.eu-west-1.logs",
                    &["eu-west-1a", "eu-west-1b"],
                )),
            ),
            // S3's gateway, not its interface kind (which is in another zone here).
            (
                "eu-west-1",
                "s3",
                true,
                Some(("com.amazonaws.eu-west-1.s3", &["eu-west-1a"])),
            ),
            ("eu-west-1", "kms", false, None),
            ("eu-west-2", "logs", false, None),
            // China's own spelling when the global one is not offered; the global one first.
            (
                "cn-north-1",
                "ecr.api",
                false,
                Some(("cn.com.amazonaws.cn-north-1.ecr.api", &["cn-north-1a"])),
            ),
            (
                "cn-north-1",
                "logs",
                false,
                Some(("com.amazonaws.cn-north-1.logs", &["cn-north-1b"])),
            ),
        ];
        for (region, service, gateway, expected) in cases {
            let expected = expected.map(|(name, zones)| (name.to_string(), set(zones)));
            assert_eq!(
                picked(region, service, gateway),
                expected,
                "{region} {service}"
            );
        }
    }

    #[test]
    fn only_subnets_in_the_services_zones_are_used() {
        let subnets: Vec<String> = ["subnet-a", "subnet-b", "subnet-c"]
            .map(String::from)
            .to_vec();
        let zones: BTreeMap<String, String> = [
            ("subnet-a", "us-east-1a"),
            ("subnet-b", "us-east-1b"),
            ("subnet-c", "us-east-1e"),
        ]
        .map(|(s, z)| (s.to_string(), z.to_string()))
        .into_iter()
        .collect();
        assert_eq!(
            subnets_in(&subnets, &zones, &set(&["us-east-1a", "us-east-1b"])),
            ["subnet-a", "subnet-b"]
        );
        assert!(subnets_in(&subnets, &zones, &set(&["us-east-1f"])).is_empty());
        // A subnet whose zone is unknown is not used.
        assert!(subnets_in(&["subnet-x".to_string()], &zones, &set(&["us-east-1a"])).is_empty());
    }
}
