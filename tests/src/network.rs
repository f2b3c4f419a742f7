//! The ways out a user's VPC may offer its private subnets (what the Exec preflight reads):
//! interface endpoints with private DNS (and the security group they admit HTTPS by), an S3
//! gateway endpoint on a route table, a default route through a NAT gateway (public or private,
//! in a subnet that routes to an internet gateway or not), an internet gateway or a transit
//! gateway.

use crate::fixtures::Vpc;
use crate::moto::REGION;
use aws_sdk_ec2::types::{ConnectivityType, Filter, IpPermission, IpRange, VpcEndpointType};
use aws_sdk_ec2::Client;

/// Everything a debug task with an ECR image needs, without NAT.
pub const ECR_ENDPOINTS: [&str; 4] = ["ssmmessages", "logs", "ecr.api", "ecr.dkr"];

/// What the endpoints' security group admits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointGroup {
    /// TCP 443 from the VPC's CIDR block (what endpoints serving the whole VPC usually have).
    HttpsFromVpc,
    /// TCP 22 only: no HTTPS from anyone.
    NoHttps,
}

/// An interface endpoint with private DNS for each service (`logs`, `ssmmessages`…), its group
/// admitting HTTPS from the VPC.
pub async fn interface_endpoints(ec2: &Client, vpc: &Vpc, services: &[&str]) {
    interface_endpoints_with(ec2, vpc, services, EndpointGroup::HttpsFromVpc).await;
}

/// Interface endpoints sharing one security group.
pub struct Endpoints {
    pub group_id: String,
    pub ids: Vec<String>,
}

/// Interface endpoints whose one security group admits what `group` says.
pub async fn interface_endpoints_with(
    ec2: &Client,
    vpc: &Vpc,
    services: &[&str],
    group: EndpointGroup,
) -> Endpoints {
    let name = format!("endpoints-{group:?}-{}", services.join("-"));
    let group_id = vpc.security_group(ec2, &name, "interface endpoints").await;
    let port = if group == EndpointGroup::HttpsFromVpc {
        443
    } else {
        22
    };
    ec2.authorize_security_group_ingress()
        .group_id(&group_id)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(port)
                .to_port(port)
                .ip_ranges(IpRange::builder().cidr_ip(&vpc.cidr).build())
                .build(),
        )
        .send()
        .await
        .expect("AuthorizeSecurityGroupIngress");
    let mut ids = Vec::new();
    for service in services {
        let endpoint = ec2
            .create_vpc_endpoint()
            .vpc_id(&vpc.id)
            .vpc_endpoint_type(VpcEndpointType::Interface)
            .service_name(format!("com.amazonaws.{REGION}.{service}"))
            .set_subnet_ids(Some(vpc.private_subnets.clone()))
            .security_group_ids(&group_id)
            .private_dns_enabled(true)
            .send()
            .await
            .expect("CreateVpcEndpoint (interface)");
        let id = endpoint.vpc_endpoint().and_then(|e| e.vpc_endpoint_id());
        ids.push(id.expect("endpoint id").to_string());
    }
    Endpoints { group_id, ids }
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

/// The default route the main table gets (the private subnets use it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultRoute {
    /// A public NAT gateway in the public subnet, whose own table routes to an internet gateway.
    NatGateway,
    /// A private NAT gateway (it cannot reach the internet), the public subnet as above.
    PrivateNatGateway,
    /// A public NAT gateway in the public subnet, which has no table of its own: the main table,
    /// whose default route is the NAT gateway itself.
    NatGatewayWithoutInternet,
    InternetGateway,
    TransitGateway,
}

/// The id of what the route goes to.
pub async fn default_route(ec2: &Client, vpc: &Vpc, via: DefaultRoute) -> String {
    let table = main_route_table(ec2, vpc).await;
    let id = match via {
        DefaultRoute::NatGateway => {
            public_subnet_to_internet(ec2, vpc).await;
            nat_gateway(ec2, vpc, ConnectivityType::Public).await
        }
        DefaultRoute::PrivateNatGateway => {
            public_subnet_to_internet(ec2, vpc).await;
            nat_gateway(ec2, vpc, ConnectivityType::Private).await
        }
        DefaultRoute::NatGatewayWithoutInternet => {
            nat_gateway(ec2, vpc, ConnectivityType::Public).await
        }
        DefaultRoute::InternetGateway => internet_gateway(ec2, vpc).await,
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
            id.to_string()
        }
    };
    let route = ec2
        .create_route()
        .route_table_id(&table)
        .destination_cidr_block("0.0.0.0/0");
    let route = match via {
        DefaultRoute::InternetGateway => route.gateway_id(&id),
        DefaultRoute::TransitGateway => route.transit_gateway_id(&id),
        _ => route.nat_gateway_id(&id),
    };
    route.send().await.expect("CreateRoute");
    id
}

/// A NAT gateway in the public subnet; its id.
pub async fn nat_gateway(ec2: &Client, vpc: &Vpc, connectivity: ConnectivityType) -> String {
    let mut request = ec2
        .create_nat_gateway()
        .subnet_id(&vpc.public_subnet)
        .connectivity_type(connectivity.clone());
    if connectivity == ConnectivityType::Public {
        let allocation = ec2
            .allocate_address()
            .send()
            .await
            .expect("AllocateAddress");
        request = request.set_allocation_id(allocation.allocation_id().map(str::to_owned));
    }
    let nat = request.send().await.expect("CreateNatGateway");
    let id = nat.nat_gateway().and_then(|n| n.nat_gateway_id());
    id.expect("nat id").to_string()
}

/// An internet gateway attached to the VPC; its id.
async fn internet_gateway(ec2: &Client, vpc: &Vpc) -> String {
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
    id.to_string()
}

/// The public subnet gets a table of its own whose default route is an internet gateway.
pub async fn public_subnet_to_internet(ec2: &Client, vpc: &Vpc) {
    let igw = internet_gateway(ec2, vpc).await;
    let table = ec2
        .create_route_table()
        .vpc_id(&vpc.id)
        .send()
        .await
        .expect("CreateRouteTable");
    let table = table
        .route_table()
        .and_then(|t| t.route_table_id())
        .expect("route table id");
    ec2.associate_route_table()
        .route_table_id(table)
        .subnet_id(&vpc.public_subnet)
        .send()
        .await
        .expect("AssociateRouteTable");
    ec2.create_route()
        .route_table_id(table)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(igw)
        .send()
        .await
        .expect("CreateRoute");
}

/// The main table's default route now goes to the NAT gateway `nat`.
pub async fn reroute_to_nat(ec2: &Client, vpc: &Vpc, nat: &str) {
    ec2.replace_route()
        .route_table_id(main_route_table(ec2, vpc).await)
        .destination_cidr_block("0.0.0.0/0")
        .nat_gateway_id(nat)
        .send()
        .await
        .expect("ReplaceRoute");
}
