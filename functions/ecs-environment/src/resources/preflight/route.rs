//! The route half of the Exec preflight: can ECS Exec reach `ssmmessages` from the chosen subnets?
//! Either an `ssmmessages` interface endpoint with private DNS in the VPC, or a default route
//! through a NAT or internet gateway from every subnet (docs/interface.md, "Exec preflight").

use super::{unchecked, Finding};
use crate::context::Desired;
use crate::resources::network::Network;
use aws_sdk_ec2::types::{Filter, RouteTable};
use debug_toolkit::aws::describe_sdk_error;

pub async fn check(desired: &Desired<'_>, network: &Network) -> Finding {
    let ec2 = &desired.clients().ec2;
    let vpc = Filter::builder()
        .name("vpc-id")
        .values(&network.vpc_id)
        .build();
    let service = format!("com.amazonaws.{}.ssmmessages", desired.scope.stack.region);
    let (endpoints, tables) = tokio::join!(
        ec2.describe_vpc_endpoints()
            .filters(vpc.clone())
            .filters(
                Filter::builder()
                    .name("service-name")
                    .values(&service)
                    .build()
            )
            .send(),
        ec2.describe_route_tables().filters(vpc).send(),
    );
    match (endpoints, tables) {
        (Ok(endpoints), Ok(tables)) => {
            let endpoint = endpoints.vpc_endpoints().iter().any(|e| {
                e.private_dns_enabled() == Some(true)
                    && e.state()
                        .is_some_and(|s| s.as_str().eq_ignore_ascii_case("available"))
            });
            judge(
                endpoint,
                tables.route_tables(),
                &network.subnet_ids,
                &network.vpc_id,
            )
        }
        (Err(e), _) => Some(unchecked(
            "the route to ssmmessages",
            "DescribeVpcEndpoints",
            &describe_sdk_error(&e),
        )),
        (_, Err(e)) => Some(unchecked(
            "the route to ssmmessages",
            "DescribeRouteTables",
            &describe_sdk_error(&e),
        )),
    }
}

/// The pure decision: nothing, or what names the subnets without a way out.
pub fn judge(endpoint: bool, tables: &[RouteTable], subnets: &[String], vpc_id: &str) -> Finding {
    if endpoint {
        return None;
    }
    let blocked: Vec<&str> = subnets
        .iter()
        .filter(|subnet| !table_of(tables, subnet).is_some_and(has_default_route_out))
        .map(String::as_str)
        .collect();
    if blocked.is_empty() {
        return None;
    }
    Some(format!(
        "ECS Exec cannot reach ssmmessages from {}: {vpc_id} has no ssmmessages interface endpoint with private DNS, and {} no default route through a NAT or internet gateway",
        blocked.join(", "),
        if blocked.len() == 1 { "it has" } else { "they have" }
    ))
}

/// The subnet's own route table, else the VPC's main one.
fn table_of<'a>(tables: &'a [RouteTable], subnet: &str) -> Option<&'a RouteTable> {
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

fn has_default_route_out(table: &RouteTable) -> bool {
    table.routes().iter().any(|r| {
        r.destination_cidr_block() == Some("0.0.0.0/0")
            && (r.nat_gateway_id().is_some()
                || r.gateway_id().is_some_and(|g| g.starts_with("igw-")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{Route, RouteTableAssociation};

    fn table(subnet: Option<&str>, main: bool, route: Option<Route>) -> RouteTable {
        RouteTable::builder()
            .associations(
                RouteTableAssociation::builder()
                    .set_subnet_id(subnet.map(str::to_owned))
                    .main(main)
                    .build(),
            )
            .set_routes(route.map(|r| vec![r]))
            .build()
    }

    fn default_via(nat: Option<&str>, gateway: Option<&str>) -> Route {
        Route::builder()
            .destination_cidr_block("0.0.0.0/0")
            .set_nat_gateway_id(nat.map(str::to_owned))
            .set_gateway_id(gateway.map(str::to_owned))
            .build()
    }

    #[test]
    fn verdicts() {
        let subnets = vec!["subnet-a".to_string(), "subnet-b".to_string()];
        let nat = || Some(default_via(Some("nat-1"), None));
        for (name, endpoint, tables, ok, names) in [
            ("an endpoint is enough", true, vec![], true, ""),
            (
                "both via NAT",
                false,
                vec![
                    table(Some("subnet-a"), false, nat()),
                    table(Some("subnet-b"), false, nat()),
                ],
                true,
                "",
            ),
            (
                "the main table routes through an internet gateway",
                false,
                vec![table(None, true, Some(default_via(None, Some("igw-1"))))],
                true,
                "",
            ),
            (
                "one subnet without a route",
                false,
                vec![
                    table(Some("subnet-a"), false, nat()),
                    table(Some("subnet-b"), false, None),
                ],
                false,
                "subnet-b",
            ),
            (
                "a route to a virtual private gateway is no way out",
                false,
                vec![table(None, true, Some(default_via(None, Some("vgw-1"))))],
                false,
                "subnet-a, subnet-b",
            ),
            (
                "no tables at all",
                false,
                vec![],
                false,
                "subnet-a, subnet-b",
            ),
        ] {
            let finding = judge(endpoint, &tables, &subnets, "vpc-1");
            assert_eq!(finding.is_none(), ok, "{name}: {finding:?}");
            if let Some(finding) = finding {
                assert!(
                    finding.contains(names) && finding.contains("vpc-1"),
                    "{name}: {finding}"
                );
            }
        }
    }
}
