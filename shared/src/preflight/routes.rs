//! A subnet's route table and its default route, as EC2 applies them.

use aws_sdk_ec2::types::{Route, RouteState, RouteTable};

/// The subnet's own route table, else the VPC's main one.
pub fn table_of<'a>(tables: &'a [RouteTable], subnet: &str) -> Option<&'a RouteTable> {
    let explicit = tables.iter().find(|t| {
        t.associations()
            .iter()
            .any(|a| a.subnet_id() == Some(subnet))
    });
    explicit.or_else(|| {
        tables
            .iter()
            .find(|t| t.associations().iter().any(|a| a.main() == Some(true)))
    })
}

/// The table's IPv4 default route, unless it is a blackhole (its target deleted or detached):
/// that one leads nowhere.
pub fn default_route(table: &RouteTable) -> Option<&Route> {
    table.routes().iter().find(|r| {
        r.destination_cidr_block() == Some("0.0.0.0/0") && r.state() != Some(&RouteState::Blackhole)
    })
}

/// The subnet's default route goes to an internet gateway.
pub fn reaches_internet_gateway(tables: &[RouteTable], subnet: &str) -> bool {
    table_of(tables, subnet)
        .and_then(default_route)
        .and_then(Route::gateway_id)
        .is_some_and(|g| g.starts_with("igw-"))
}
