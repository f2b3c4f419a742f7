use super::*;
use crate::preflight::ingress::Permission;
use crate::preflight::nat::NatGateway;
use crate::preflight::test_routes::{default_route, table};
use aws_sdk_ec2::types::Route;

const ECR_IMAGE: &str =
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-debug-toolkit/debug-toolkit:1.0.0";

/// HTTPS from the tasks' group.
fn admitting() -> Vec<Permission> {
    vec![Permission {
        protocol: "tcp".into(),
        from_port: Some(443),
        to_port: Some(443),
        groups: vec!["sg-tasks".into()],
        ..Permission::default()
    }]
}

/// An endpoint for each service, each admitting HTTPS from the tasks.
fn offer(endpoints: &[&str], s3_tables: &[&str]) -> Offer {
    offer_with(endpoints, s3_tables, admitting())
}

fn offer_with(endpoints: &[&str], s3_tables: &[&str], ingress: Vec<Permission>) -> Offer {
    Offer {
        interface_endpoints: endpoints
            .iter()
            .map(|s| {
                let id = format!("vpce-{}", s.replace('.', ""));
                let endpoint = Endpoint {
                    id,
                    ingress: ingress.clone(),
                };
                (s.to_string(), vec![endpoint])
            })
            .collect(),
        s3_gateway_tables: s3_tables.iter().map(|s| s.to_string()).collect(),
    }
}

/// nat-1 in subnet-pub, whose own table routes to an internet gateway.
fn public_nat(public: bool, state: &str) -> Vec<NatGateway> {
    vec![NatGateway {
        id: "nat-1".into(),
        public,
        state: state.into(),
        subnet_id: "subnet-pub".into(),
    }]
}

fn with_public_subnet(mut tables: Vec<RouteTable>) -> Vec<RouteTable> {
    let igw = default_route().gateway_id("igw-1").build();
    tables.push(table("rtb-pub", Some("subnet-pub"), false, Some(igw)));
    tables
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

fn subnets(cidrs: bool) -> Vec<Subnet> {
    [("subnet-a", "10.0.1.0/24"), ("subnet-b", "10.0.2.0/24")]
        .into_iter()
        .map(|(id, cidr)| Subnet {
            id: id.into(),
            cidr: cidrs.then(|| cidr.into()),
        })
        .collect()
}

fn run(cases: Vec<Case>, nats: &[NatGateway]) {
    let task_groups = vec!["sg-tasks".to_string()];
    for (name, offer, tables, registry, kms, expected) in cases {
        let tables = with_public_subnet(tables);
        let seen = Seen {
            offer: &offer,
            tables: &tables,
            nats,
            task_groups: &task_groups,
        };
        let finding = judge(&seen, &subnets(true), registry, kms);
        match (expected, &finding) {
            (None, None) => {}
            (Some(part), Some(found)) => assert!(found.contains(part), "{name}: {found}"),
            _ => panic!("{name}: {finding:?}"),
        }
    }
}

#[test]
fn verdicts() {
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
    run(cases, &public_nat(true, "available"));
}

#[test]
fn nat_gateways_and_endpoint_groups() {
    let private = |route: Option<Route>| {
        vec![
            table("rtb-a", Some("subnet-a"), false, route.clone()),
            table("rtb-b", Some("subnet-b"), false, route),
        ]
    };
    let nat = || Some(default_route().nat_gateway_id("nat-1").build());
    let https = |cidr: &str| {
        vec![Permission {
            protocol: "tcp".into(),
            from_port: Some(443),
            to_port: Some(443),
            cidrs: vec![cidr.into()],
            ..Permission::default()
        }]
    };
    let everything = vec![Permission {
        protocol: "-1".into(),
        groups: vec!["sg-tasks".into()],
        ..Permission::default()
    }];
    let ssh = vec![Permission {
        protocol: "tcp".into(),
        from_port: Some(22),
        to_port: Some(22),
        cidrs: vec!["10.0.0.0/16".into()],
        ..Permission::default()
    }];
    use Registry::{Ecr, Other};
    let s3 = ["rtb-a", "rtb-b"];
    #[rustfmt::skip]
    let by_endpoints: Vec<Case> = vec![
        ("endpoints admitting 443 from the task group", offer(&ALL_ECR, &s3), private(None), Ecr, false, None),
        ("endpoints admitting 443 from the VPC's CIDR", offer_with(&ALL_ECR, &s3, https("10.0.0.0/16")), private(None), Ecr, false, None),
        ("endpoints admitting all traffic (-1) from the task group", offer_with(&ALL_ECR, &s3, everything), private(None), Ecr, false, None),
        ("endpoints admitting no 443", offer_with(&ALL_ECR, &s3, ssh), private(None), Ecr, false,
            Some("subnet-a has no way to ssmmessages, logs, ecr.api, ecr.dkr (the endpoint vpce-ssmmessages (ssmmessages) admits no HTTPS from the tasks; the endpoint vpce-logs (logs) admits no HTTPS")),
        ("endpoints admitting 443 from subnet-a's CIDR only", offer_with(&ALL_ECR, &s3, https("10.0.1.0/24")), private(None), Ecr, false,
            Some("debug tasks may not work from every subnet: subnet-b has no way to ssmmessages")),
        ("endpoints without any group rule", offer_with(&ALL_ECR, &s3, vec![]), private(None), Ecr, false,
            Some("admits no HTTPS from the tasks")),
        ("a NAT gateway does not make up for an endpoint that admits nothing (private DNS)", offer_with(&["logs"], &[], vec![]), private(nat()), Ecr, false,
            Some("subnet-a has no way to logs (the endpoint vpce-logs (logs) admits no HTTPS from the tasks; the NAT gateway nat-1 does not help, as private DNS sends the name of logs to the endpoint)")),
        ("a NAT gateway and an endpoint that admits the tasks", offer(&["ssmmessages", "logs"], &[]), private(nat()), Ecr, true, None),
    ];
    run(by_endpoints, &public_nat(true, "available"));
    for (nats, said) in [
        (public_nat(false, "available"), "subnet-a has no way to ssmmessages, logs, the image's registry (only through NAT) (the NAT gateway nat-1 is private"),
        (public_nat(true, "pending"), "(the NAT gateway nat-1 is pending)"),
        (public_nat(true, "failed"), "(the NAT gateway nat-1 is failed)"),
        (public_nat(true, "deleted"), "(the NAT gateway nat-1 is deleted)"),
        (vec![], "(the NAT gateway nat-1 is not found)"),
    ] {
        run(vec![("a NAT gateway that leads nowhere", offer(&[], &[]), private(nat()), Other, false, Some(said))], &nats);
    }
    // Endpoints still give what they give when the NAT gateway does not.
    run(
        vec![(
            "private NAT, every endpoint",
            offer(&ALL_ECR, &s3),
            private(nat()),
            Ecr,
            false,
            None,
        )],
        &public_nat(false, "available"),
    );
    // A public NAT gateway in a subnet whose table (the main one) routes to the NAT gateway itself.
    let nat_in_main = NatGateway {
        subnet_id: "subnet-nat".into(),
        ..public_nat(true, "available")[0].clone()
    };
    run(vec![("a NAT gateway in a subnet served by the main table", offer(&[], &[]),
        vec![table("rtb-main", None, true, nat())], Other, false,
        Some("subnet-a has no way to ssmmessages, logs, the image's registry (only through NAT) (the NAT gateway nat-1 is public but its subnet subnet-nat has no route to an internet gateway)"))],
        &[nat_in_main]);
}
