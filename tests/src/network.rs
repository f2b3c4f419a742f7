//! The ways out a user's VPC may offer its private subnets (what the Exec preflight reads):
//! interface endpoints with private DNS, an S3 gateway endpoint on a route table, a default route
//! through a NAT gateway, an internet gateway or a transit gateway.

use crate::fixtures::Vpc;
use crate::moto::REGION;
use aws_sdk_ec2::types::{Filter, VpcEndpointType};
use aws_sdk_ec2::Client;

/// Everything a debug task with an ECR image needs, without NAT.
pub const ECR_ENDPOINTS: [&str; 4] = ["ssmmessages", "logs", "ecr.api", "ecr.dkr"];

/// An interface endpoint with private DNS for each service (`logs`, `ssmmessages`…).
pub async fn interface_endpoints(ec2: &Client, vpc: &Vpc, services: &[&str]) {
    for service in services {
        ec2.create_vpc_endpoint()
            .vpc_id(&vpc.id)
            .vpc_endpoint_type(VpcEndpointType::Interface)
            .service_name(format!("com.amazonaws.{REGION}.{service}"))
            .set_subnet_ids(Some(vpc.private_subnets.clone()))
            .private_dns_enabled(true)
            .send()
            .await
            .expect("CreateVpcEndpoint (interface)");
    }
}

/// The VPC's main route table (which serves the fixture's subnets): its id.
pub async fn main_route_table(ec2: &Client, vpc: &Vpc) -> String {
    let tables = ec2
        .describe_route_tables()
        .filters(Filter::builder().name("vpc-id").values(&vpc.id).build())
        .filters(
            Filter::builder()
                .name("association.main")
                .values("true")
                .build(),
        )
        .send()
        .await
        .expect("DescribeRouteTables");
    tables.route_tables()[0]
        .route_table_id()
        .expect("a route table id")
        .to_string()
}

/// An S3 gateway endpoint attached to `tables`.
pub async fn s3_gateway(ec2: &Client, vpc: &Vpc, tables: &[String]) {
    ec2.create_vpc_endpoint()
        .vpc_id(&vpc.id)
        .vpc_endpoint_type(VpcEndpointType::Gateway)
        .service_name(format!("com.amazonaws.{REGION}.s3"))
        .set_route_table_ids(Some(tables.to_vec()))
        .send()
        .await
        .expect("CreateVpcEndpoint (gateway)");
}

/// The default route the main table gets.
pub enum DefaultRoute {
    NatGateway,
    InternetGateway,
    TransitGateway,
}

pub async fn default_route(ec2: &Client, vpc: &Vpc, via: DefaultRoute) {
    let table = main_route_table(ec2, vpc).await;
    let route = ec2
        .create_route()
        .route_table_id(&table)
        .destination_cidr_block("0.0.0.0/0");
    let route = match via {
        DefaultRoute::NatGateway => {
            let allocation = ec2
                .allocate_address()
                .send()
                .await
                .expect("AllocateAddress");
            let nat = ec2
                .create_nat_gateway()
                .subnet_id(&vpc.public_subnet)
                .set_allocation_id(allocation.allocation_id().map(str::to_owned))
                .send()
                .await
                .expect("CreateNatGateway");
            let id = nat
                .nat_gateway()
                .and_then(|n| n.nat_gateway_id())
                .expect("nat id");
            route.nat_gateway_id(id)
        }
        DefaultRoute::InternetGateway => {
            let igw = ec2
                .create_internet_gateway()
                .send()
                .await
                .expect("CreateInternetGateway");
            let id = igw
                .internet_gateway()
                .and_then(|g| g.internet_gateway_id())
                .expect("igw id");
            ec2.attach_internet_gateway()
                .internet_gateway_id(id)
                .vpc_id(&vpc.id)
                .send()
                .await
                .expect("AttachInternetGateway");
            route.gateway_id(id)
        }
        DefaultRoute::TransitGateway => {
            let tgw = ec2
                .create_transit_gateway()
                .send()
                .await
                .expect("CreateTransitGateway");
            let id = tgw
                .transit_gateway()
                .and_then(|t| t.transit_gateway_id())
                .expect("tgw id");
            route.transit_gateway_id(id)
        }
    };
    route.send().await.expect("CreateRoute");
}
