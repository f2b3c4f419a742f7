//! Route tables as EC2 describes them, for the preflight's table tests (nat, reach, lacking).

use aws_sdk_ec2::types::builders::RouteBuilder;
use aws_sdk_ec2::types::{Route, RouteTable, RouteTableAssociation};

/// A route table associated with `subnet` (or with none), the VPC's main one or not, with at
/// most one route.
pub fn table(id: &str, subnet: Option<&str>, main: bool, route: Option<Route>) -> RouteTable {
    RouteTable::builder()
        .route_table_id(id)
        .associations(
            RouteTableAssociation::builder()
                .set_subnet_id(subnet.map(str::to_owned))
                .main(main)
                .build(),
        )
        .set_routes(route.map(|r| vec![r]))
        .build()
}

/// A default route (0.0.0.0/0), its target still to be given.
pub fn default_route() -> RouteBuilder {
    Route::builder().destination_cidr_block("0.0.0.0/0")
}
