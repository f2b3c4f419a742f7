use super::*;
use crate::preflight::test_routes::table;
use aws_sdk_ec2::types::{Route, RouteState};

fn to(target: &str) -> Option<Route> {
    let route = Route::builder().destination_cidr_block("0.0.0.0/0");
    Some(if target.starts_with("nat-") {
        route.nat_gateway_id(target).build()
    } else {
        route.gateway_id(target).build()
    })
}

fn nat(public: bool, state: &str) -> NatGateway {
    NatGateway {
        id: "nat-1".into(),
        public,
        state: state.into(),
        subnet_id: "subnet-pub".into(),
    }
}

/// The private subnets' table sends everything to nat-1; the public subnet's table is `public`.
fn tables(public: Option<RouteTable>) -> Vec<RouteTable> {
    let mut tables = vec![table("rtb-private", Some("subnet-a"), false, to("nat-1"))];
    tables.extend(public);
    tables
}

/// A row: what it shows, the VPC's NAT gateways, its route tables, the reason it gives no way (if any).
type Case = (
    &'static str,
    Vec<NatGateway>,
    Vec<RouteTable>,
    Option<&'static str>,
);

#[test]
fn verdicts() {
    let igw = || Some(table("rtb-pub", Some("subnet-pub"), false, to("igw-1")));
    let blackhole_igw = Route::builder()
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id("igw-gone")
        .state(RouteState::Blackhole)
        .build();
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        ("public, available, its subnet routes to an internet gateway", vec![nat(true, "available")], tables(igw()), None),
        ("private", vec![nat(false, "available")], tables(igw()),
            Some("the NAT gateway nat-1 is private (it cannot reach AWS's public endpoints)")),
        ("public, pending", vec![nat(true, "pending")], tables(igw()), Some("the NAT gateway nat-1 is pending")),
        ("public, failed", vec![nat(true, "failed")], tables(igw()), Some("the NAT gateway nat-1 is failed")),
        ("public, deleted", vec![nat(true, "deleted")], tables(igw()), Some("the NAT gateway nat-1 is deleted")),
        ("not among the VPC's gateways", vec![], tables(igw()), Some("the NAT gateway nat-1 is not found")),
        ("its subnet's table has no default route", vec![nat(true, "available")],
            tables(Some(table("rtb-pub", Some("subnet-pub"), false, None))),
            Some("the NAT gateway nat-1 is public but its subnet subnet-pub has no route to an internet gateway")),
        ("its subnet's default route is a blackhole", vec![nat(true, "available")],
            tables(Some(table("rtb-pub", Some("subnet-pub"), false, Some(blackhole_igw)))),
            Some("its subnet subnet-pub has no route to an internet gateway")),
        ("its subnet uses the main table, which routes to the NAT gateway itself", vec![nat(true, "available")],
            vec![table("rtb-main", None, true, to("nat-1"))],
            Some("its subnet subnet-pub has no route to an internet gateway")),
        ("its subnet uses the main table, which routes to an internet gateway", vec![nat(true, "available")],
            tables(Some(table("rtb-main", None, true, to("igw-1")))), None),
        ("its subnet routes to a transit gateway, not an internet gateway", vec![nat(true, "available")],
            tables(Some(table("rtb-pub", Some("subnet-pub"), false,
                Some(Route::builder().destination_cidr_block("0.0.0.0/0").transit_gateway_id("tgw-1").build())))),
            Some("has no route to an internet gateway")),
    ];
    for (name, nats, tables, expected) in cases {
        let found = problem("nat-1", &nats, &tables).map(|p| p.to_string());
        match (expected, &found) {
            (None, None) => {}
            (Some(part), Some(found)) => assert!(found.contains(part), "{name}: {found}"),
            _ => panic!("{name}: {found:?}"),
        }
    }
}
