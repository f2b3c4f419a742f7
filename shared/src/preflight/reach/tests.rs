use super::*;
use aws_sdk_ec2::types::{Route, RouteTableAssociation};

const ECR_IMAGE: &str =
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-debug-toolkit/debug-toolkit:1.0.0";

fn table(id: &str, subnet: Option<&str>, main: bool, route: Option<Route>) -> RouteTable {
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

fn default_route() -> aws_sdk_ec2::types::builders::RouteBuilder {
    Route::builder().destination_cidr_block("0.0.0.0/0")
}

fn offer(endpoints: &[&str], s3_tables: &[&str]) -> Offer {
    Offer {
        interface_endpoints: endpoints.iter().map(|s| s.to_string()).collect(),
        s3_gateway_tables: s3_tables.iter().map(|s| s.to_string()).collect(),
    }
}

const ALL_ECR: [&str; 4] = ["ssmmessages", "logs", "ecr.api", "ecr.dkr"];

#[test]
fn registries() {
    assert_eq!(Registry::of(ECR_IMAGE, "eu-west-1"), Registry::Ecr);
    assert_eq!(
        Registry::of(ECR_IMAGE, "us-east-1"),
        Registry::Other,
        "ECR of another region"
    );
    assert_eq!(
        Registry::of("nicolaka/netshoot:latest", "eu-west-1"),
        Registry::Other
    );
    assert_eq!(
        Registry::of("public.ecr.aws/debian/debian:12", "eu-west-1"),
        Registry::Other
    );
    assert_eq!(
        Registry::of("12345.dkr.ecr.eu-west-1.amazonaws.com/x", "eu-west-1"),
        Registry::Other
    );
}

/// A row: what it shows, the network, the image's registry, a key or not, and a clause of the
/// verdict (`None`: nothing to say).
type Case = (
    &'static str,
    Offer,
    Vec<RouteTable>,
    Registry,
    bool,
    Option<&'static str>,
);

#[test]
fn verdicts() {
    let subnets = vec!["subnet-a".to_string(), "subnet-b".to_string()];
    let private = |route: Option<Route>| {
        vec![
            table("rtb-a", Some("subnet-a"), false, route.clone()),
            table("rtb-b", Some("subnet-b"), false, route),
        ]
    };
    let nat = Some(default_route().nat_gateway_id("nat-1").build());
    let igw = Some(default_route().gateway_id("igw-1").build());
    let tgw = Some(default_route().transit_gateway_id("tgw-1").build());
    let peering = Some(default_route().vpc_peering_connection_id("pcx-1").build());
    let firewall = Some(default_route().gateway_id("vpce-0fw").build());
    let instance = Some(default_route().instance_id("i-0nat").build());
    use Registry::{Ecr, Other};
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        ("NAT gateway: everything", offer(&[], &[]), private(nat.clone()), Other, true, None),
        ("every endpoint and S3 on both tables", offer(&ALL_ECR, &["rtb-a", "rtb-b"]), private(None), Ecr, false, None),
        ("endpoints, S3 on one table only", offer(&ALL_ECR, &["rtb-a"]), private(None), Ecr, false,
            Some("subnet-b has no way to S3 (image layers)")),
        ("ssmmessages alone is not enough", offer(&["ssmmessages"], &["rtb-a", "rtb-b"]), private(None), Ecr, false,
            Some("subnet-a has no way to logs, ecr.api, ecr.dkr; subnet-b has no way to logs, ecr.api, ecr.dkr")),
        ("an internet gateway counts for nothing", offer(&[], &[]), private(igw), Ecr, false,
            Some("subnet-a has no way to ssmmessages, logs, ecr.api, ecr.dkr, S3 (image layers)")),
        ("a key needs kms", offer(&ALL_ECR, &["rtb-a", "rtb-b"]), private(None), Ecr, true,
            Some("subnet-a has no way to kms; subnet-b has no way to kms")),
        ("another registry needs NAT", offer(&ALL_ECR, &["rtb-a", "rtb-b"]), private(None), Other, false,
            Some("subnet-a has no way to the image's registry (only through NAT)")),
        ("transit gateway: not verified", offer(&[], &[]), private(tgw), Other, false,
            Some("subnet-a reaches ssmmessages, logs, the image's registry (only through NAT) only through transit gateway tgw-1 (not verified)")),
        ("endpoints cover what a transit gateway would", offer(&ALL_ECR, &["rtb-a", "rtb-b"]), private(Some(default_route().transit_gateway_id("tgw-1").build())), Ecr, false, None),
        ("peering: not verified", offer(&[], &[]), private(peering), Other, false, Some("through peering connection pcx-1 (not verified)")),
        ("firewall: not verified", offer(&[], &[]), private(firewall), Other, false, Some("through firewall endpoint vpce-0fw (not verified)")),
        ("NAT instance: not verified", offer(&[], &[]), private(instance), Other, false, Some("through i-0nat (a NAT instance or appliance) (not verified)")),
        ("the main table serves subnets without their own", offer(&[], &[]), vec![table("rtb-main", None, true, nat)], Other, false, None),
        ("a blackhole NAT route leads nowhere", offer(&[], &[]), private(Some(default_route().nat_gateway_id("nat-gone").state(aws_sdk_ec2::types::RouteState::Blackhole).build())), Other, false,
            Some("subnet-a has no way to ssmmessages")),
        ("no tables at all", offer(&[], &[]), vec![], Other, false, Some("subnet-b has no way to ssmmessages")),
    ];
    for (name, offer, tables, registry, kms, expected) in cases {
        let finding = judge(&offer, &tables, &subnets, registry, kms);
        match (expected, &finding) {
            (None, None) => {}
            (Some(part), Some(found)) => assert!(found.contains(part), "{name}: {found}"),
            _ => panic!("{name}: {finding:?}"),
        }
    }
}
