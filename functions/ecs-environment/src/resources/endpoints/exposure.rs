//! Private DNS belongs to the VPC, not to the subnets: once an interface endpoint with private DNS
//! exists, the service's public name resolves to it from every subnet of the VPC, and
//! `C-vpc-endpoints` admits only `C-ecs-tasks`. A workload elsewhere in the VPC that reaches the
//! service today (through a NAT gateway, an internet gateway, a transit gateway…) would then be
//! sent to an endpoint that refuses it. So `needed` makes no interface endpoint while any subnet of
//! the VPC has a way out; an explicit list is the user's informed choice (docs/interface.md,
//! "VPC endpoints").

use aws_sdk_ec2::types::{Route, RouteState, RouteTable};
use debug_toolkit::preflight::routes::table_of;

/// A subnet of the VPC with a way out, and what its default route leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WayOut {
    pub subnet: String,
    pub through: String,
}

/// The subnets of `vpc_subnets` whose route table (their own, else the main one) has an IPv4 or
/// IPv6 default route that is not a blackhole.
pub fn ways_out(tables: &[RouteTable], vpc_subnets: &[String]) -> Vec<WayOut> {
    vpc_subnets
        .iter()
        .filter_map(|subnet| {
            let route = table_of(tables, subnet)?
                .routes()
                .iter()
                .find(|r| is_default(r) && r.state() != Some(&RouteState::Blackhole))?;
            Some(WayOut {
                subnet: subnet.clone(),
                through: target(route),
            })
        })
        .collect()
}

/// A default route, but to a peering: a peering carries no traffic on to the peer's gateways
/// (no edge-to-edge routing), so it is no way out.
fn is_default(route: &Route) -> bool {
    let default = route.destination_cidr_block() == Some("0.0.0.0/0")
        || route.destination_ipv6_cidr_block() == Some("::/0");
    default && route.vpc_peering_connection_id().is_none()
}

fn target(route: &Route) -> String {
    [
        route.nat_gateway_id(),
        route.gateway_id(),
        route.egress_only_internet_gateway_id(),
        route.transit_gateway_id(),
        route.network_interface_id(),
        route.instance_id(),
        route.core_network_arn(),
        route.carrier_gateway_id(),
        route.local_gateway_id(),
    ]
    .into_iter()
    .flatten()
    .next()
    .unwrap_or("a default route")
    .to_string()
}

/// The refusal of `needed` naming the first ways out (the property, the services, what to do:
/// the list to write, `s3` too when the S3 gateway endpoint is needed).
pub fn refusal(vpc_id: &str, services: &[&str], s3: bool, found: &[WayOut]) -> String {
    let shown: Vec<String> = found
        .iter()
        .take(3)
        .map(|w| format!("{} ({})", w.subnet, w.through))
        .collect();
    let more = found.len().saturating_sub(shown.len());
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    let mut listed = services.to_vec();
    if s3 {
        listed.push("s3");
    }
    format!(
        "VpcEndpoints: needed would make interface endpoints for {} with private DNS, which answers for the whole VPC {vpc_id}; its subnets {}{more} have a way out, so their workloads may use those services' public names today, and C-vpc-endpoints admits only C-ecs-tasks. Nothing was made: list the services yourself (VpcEndpoints: {}) to make them anyway, or make the endpoints with a group that admits those subnets",
        services.join(", "),
        shown.join(", "),
        listed.join(","),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::RouteTableAssociation;

    fn table(main: bool, subnets: &[&str], routes: Vec<Route>) -> RouteTable {
        let mut t = RouteTable::builder().set_routes(Some(routes));
        if main {
            t = t.associations(RouteTableAssociation::builder().main(true).build());
        }
        for s in subnets {
            t = t.associations(RouteTableAssociation::builder().subnet_id(*s).build());
        }
        t.build()
    }

    fn local() -> Route {
        Route::builder()
            .destination_cidr_block("10.0.0.0/16")
            .gateway_id("local")
            .build()
    }

    #[test]
    fn ways_out_of_the_vpc() {
        let nat = Route::builder()
            .destination_cidr_block("0.0.0.0/0")
            .nat_gateway_id("nat-1")
            .build();
        let igw = Route::builder()
            .destination_cidr_block("0.0.0.0/0")
            .gateway_id("igw-1")
            .build();
        let tgw = Route::builder()
            .destination_cidr_block("0.0.0.0/0")
            .transit_gateway_id("tgw-1")
            .build();
        let eigw = Route::builder()
            .destination_ipv6_cidr_block("::/0")
            .egress_only_internet_gateway_id("eigw-1")
            .build();
        let peering = Route::builder()
            .destination_cidr_block("0.0.0.0/0")
            .vpc_peering_connection_id("pcx-1")
            .build();
        let dead = Route::builder()
            .destination_cidr_block("0.0.0.0/0")
            .nat_gateway_id("nat-gone")
            .state(RouteState::Blackhole)
            .build();
        let subnets = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        #[rustfmt::skip]
        type Case<'a> = (&'a str, Vec<RouteTable>, Vec<String>, Vec<(&'a str, &'a str)>);
        let cases: Vec<Case> = vec![
            (
                "no way out anywhere",
                vec![
                    table(true, &[], vec![local()]),
                    table(false, &["s-2"], vec![local()]),
                ],
                subnets(&["s-1", "s-2"]),
                vec![],
            ),
            (
                "a NAT gateway on another subnet's table",
                vec![
                    table(true, &[], vec![local()]),
                    table(false, &["s-2"], vec![local(), nat]),
                ],
                subnets(&["s-1", "s-2"]),
                vec![("s-2", "nat-1")],
            ),
            (
                "a public subnet on the main table (implicitly)",
                vec![
                    table(true, &[], vec![local(), igw]),
                    table(false, &["s-1"], vec![local()]),
                ],
                subnets(&["s-1", "s-3"]),
                vec![("s-3", "igw-1")],
            ),
            (
                "a transit gateway and IPv6 egress",
                vec![
                    table(true, &[], vec![local()]),
                    table(false, &["s-1"], vec![local(), tgw]),
                    table(false, &["s-2"], vec![local(), eigw]),
                ],
                subnets(&["s-1", "s-2"]),
                vec![("s-1", "tgw-1"), ("s-2", "eigw-1")],
            ),
            (
                "a blackhole leads nowhere",
                vec![table(true, &[], vec![local(), dead])],
                subnets(&["s-1"]),
                vec![],
            ),
            (
                "a peering is no way out (no edge-to-edge routing)",
                vec![table(true, &[], vec![local(), peering])],
                subnets(&["s-1"]),
                vec![],
            ),
        ];
        for (name, tables, vpc_subnets, expected) in cases {
            let found: Vec<(String, String)> = ways_out(&tables, &vpc_subnets)
                .into_iter()
                .map(|w| (w.subnet, w.through))
                .collect();
            let expected: Vec<(String, String)> = expected
                .iter()
                .map(|(s, t)| (s.to_string(), t.to_string()))
                .collect();
            assert_eq!(found, expected, "{name}");
        }
    }

    #[test]
    fn the_refusal_names_the_ways_out_and_what_to_write() {
        let found: Vec<WayOut> = (1..=5)
            .map(|i| WayOut {
                subnet: format!("subnet-{i}"),
                through: format!("nat-{i}"),
            })
            .collect();
        let text = refusal("vpc-1", &["logs", "ssmmessages"], true, &found);
        assert!(text.starts_with("VpcEndpoints: needed"), "{text}");
        assert!(
            text.contains("subnet-1 (nat-1), subnet-2 (nat-2), subnet-3 (nat-3) and 2 more"),
            "{text}"
        );
        assert!(
            text.contains("(VpcEndpoints: logs,ssmmessages,s3)"),
            "{text}"
        );
        assert!(!refusal("vpc-1", &["logs"], false, &found).contains("s3"));
        assert!(text.contains("Nothing was made"), "{text}");
    }
}
