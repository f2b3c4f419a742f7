//! What `VpcEndpoints: needed` makes, for a given network: the table of the pure decision.

use super::*;
use crate::preflight::ingress::Permission;
use crate::preflight::nat::NatGateway;
use crate::preflight::reach::{Endpoint, Offer};
use crate::preflight::test_routes::{default_route, table};
use aws_sdk_ec2::types::{Route, RouteTable};

const ECR_ENDPOINTS: [&str; 4] = ["ecr.api", "ecr.dkr", "logs", "ssmmessages"];

/// Someone else's endpoints (available, private DNS), admitting HTTPS from the tasks or not.
fn offer(endpoints: &[&str], admitting: bool, s3_tables: &[&str]) -> Offer {
    let ingress = vec![Permission {
        protocol: "tcp".into(),
        from_port: Some(if admitting { 443 } else { 22 }),
        to_port: Some(if admitting { 443 } else { 22 }),
        groups: vec!["sg-tasks".into()],
        ..Permission::default()
    }];
    Offer {
        interface_endpoints: endpoints
            .iter()
            .map(|s| {
                let id = format!("vpce-{}", s.replace('.', ""));
                let ingress = ingress.clone();
                (s.to_string(), vec![Endpoint { id, ingress }])
            })
            .collect(),
        s3_gateway_tables: s3_tables.iter().map(|s| s.to_string()).collect(),
    }
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A row: what it shows, what others' endpoints offer, which services their endpoints claim
/// (private DNS, any state), the route tables, the registry, a key, and what is to be made.
type Case = (
    &'static str,
    Offer,
    &'static [&'static str],
    Vec<RouteTable>,
    Registry,
    bool,
    (&'static [&'static str], &'static [&'static str]),
);

#[test]
fn what_needed_makes() {
    let nat = || Some(default_route().nat_gateway_id("nat-1").build());
    let igw = || Some(default_route().gateway_id("igw-1").build());
    let main = |route: Option<Route>| vec![table("rtb-main", None, true, route)];
    let own_tables = |route: Option<Route>| {
        vec![
            table("rtb-a", Some("subnet-a"), false, route.clone()),
            table("rtb-b", Some("subnet-b"), false, route),
        ]
    };
    use Registry::{Ecr, Other};
    const ECR: &[&str] = &["ecr.api", "ecr.dkr", "logs", "ssmmessages"];
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        ("no NAT, no IGW, ECR image: all four and S3 on the main table",
            offer(&[], true, &[]), &[], main(None), Ecr, false, (ECR, &["rtb-main"])),
        ("an internet gateway counts for nothing (no public IP)",
            offer(&[], true, &[]), &[], main(igw()), Ecr, false, (ECR, &["rtb-main"])),
        ("a key adds kms",
            offer(&[], true, &[]), &[], main(None), Ecr, true, (&["ecr.api", "ecr.dkr", "kms", "logs", "ssmmessages"], &["rtb-main"])),
        ("another registry: only ssmmessages and logs (its image only through NAT)",
            offer(&[], true, &[]), &[], main(None), Other, false, (&["logs", "ssmmessages"], &[])),
        ("a public NAT gateway serves everything: nothing",
            offer(&[], true, &[]), &[], main(nat()), Ecr, true, (&[], &[])),
        ("someone's logs endpoint admitting the tasks: not made again",
            offer(&["logs"], true, &[]), &["logs"], main(None), Ecr, false, (&["ecr.api", "ecr.dkr", "ssmmessages"], &["rtb-main"])),
        ("someone's logs endpoint refusing the tasks: its name is claimed, not made (the preflight says why)",
            offer(&["logs"], false, &[]), &["logs"], main(None), Ecr, false, (&["ecr.api", "ecr.dkr", "ssmmessages"], &["rtb-main"])),
        ("someone's pending ssmmessages endpoint claims the name: not made",
            offer(&[], true, &[]), &["ssmmessages"], main(None), Other, false, (&["logs"], &[])),
        ("NAT, and someone's endpoint refusing the tasks: nothing can be made for it",
            offer(&["ssmmessages"], false, &[]), &["ssmmessages"], main(nat()), Other, false, (&[], &[])),
        ("every endpoint there and S3 on the table: nothing",
            offer(&ECR_ENDPOINTS, true, &["rtb-main"]), &ECR_ENDPOINTS, main(None), Ecr, false, (&[], &[])),
        ("S3 on one subnet's table only: the other's",
            offer(&ECR_ENDPOINTS, true, &["rtb-a"]), &ECR_ENDPOINTS, own_tables(None), Ecr, false, (&[], &["rtb-b"])),
        ("each subnet's own table",
            offer(&[], true, &[]), &[], own_tables(None), Ecr, false, (ECR, &["rtb-a", "rtb-b"])),
        ("no route table at all: interface endpoints only",
            offer(&[], true, &[]), &[], vec![], Ecr, false, (ECR, &[])),
    ];
    let nats = vec![NatGateway {
        id: "nat-1".into(),
        public: true,
        state: "available".into(),
        subnet_id: "subnet-pub".into(),
    }];
    let task_groups = vec!["sg-tasks".to_string()];
    let subnets: Vec<Subnet> = [("subnet-a", "10.0.1.0/24"), ("subnet-b", "10.0.2.0/24")]
        .into_iter()
        .map(|(id, cidr)| Subnet {
            id: id.into(),
            cidr: Some(cidr.into()),
        })
        .collect();
    for (name, offer, claimed, mut tables, registry, kms, (services, s3)) in cases {
        tables.push(table(
            "rtb-pub",
            Some("subnet-pub"),
            false,
            Some(default_route().gateway_id("igw-1").build()),
        ));
        let seen = Seen {
            offer: &offer,
            tables: &tables,
            nats: &nats,
            task_groups: &task_groups,
        };
        let found = lacking(&seen, &subnets, registry, kms, &set(claimed));
        assert_eq!(
            found,
            Lacking {
                services: set(services),
                s3_tables: set(s3),
            },
            "{name}"
        );
    }
}
