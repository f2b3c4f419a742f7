//! Reading the network for the preflight: the VPC's endpoints and route tables, judged by
//! [`super::reach`].

use super::reach::{self, Offer, Registry};
use super::unchecked;
use crate::aws::describe_sdk_error;
use aws_sdk_ec2::types::{Filter, VpcEndpoint, VpcEndpointType};

/// Nothing when every subnet reaches everything; else the clause naming what is missing (or why
/// the network could not be read).
pub async fn check(
    ec2: &aws_sdk_ec2::Client,
    region: &str,
    vpc_id: &str,
    subnet_ids: &[String],
    image: &str,
    needs_kms: bool,
) -> Option<String> {
    let vpc = Filter::builder().name("vpc-id").values(vpc_id).build();
    let (endpoints, tables) = tokio::join!(
        ec2.describe_vpc_endpoints()
            .filters(vpc.clone())
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
        ec2.describe_route_tables()
            .filters(vpc)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
    );
    let endpoints = match endpoints {
        Ok(endpoints) => endpoints,
        Err(e) => {
            return Some(unchecked(
                "the network",
                "DescribeVpcEndpoints",
                &describe_sdk_error(&e),
            ))
        }
    };
    let tables = match tables {
        Ok(tables) => tables,
        Err(e) => {
            return Some(unchecked(
                "the network",
                "DescribeRouteTables",
                &describe_sdk_error(&e),
            ))
        }
    };
    reach::judge(
        &offer(&endpoints, region),
        &tables,
        subnet_ids,
        Registry::of(image, region),
        needs_kms,
    )
}

/// What the VPC's available endpoints offer.
fn offer(endpoints: &[VpcEndpoint], region: &str) -> Offer {
    let prefix = format!("com.amazonaws.{region}.");
    let mut offer = Offer::default();
    for endpoint in endpoints.iter().filter(|e| {
        e.state()
            .is_some_and(|s| s.as_str().eq_ignore_ascii_case("available"))
    }) {
        let Some(service) = endpoint
            .service_name()
            .and_then(|n| n.strip_prefix(&prefix))
        else {
            continue;
        };
        match endpoint.vpc_endpoint_type() {
            Some(VpcEndpointType::Interface) if endpoint.private_dns_enabled() == Some(true) => {
                offer.interface_endpoints.insert(service.to_string());
            }
            Some(VpcEndpointType::Gateway) if service == "s3" => {
                offer
                    .s3_gateway_tables
                    .extend(endpoint.route_table_ids().iter().cloned());
            }
            _ => {}
        }
    }
    offer
}
