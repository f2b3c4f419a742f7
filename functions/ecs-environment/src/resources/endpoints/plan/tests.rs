use super::*;

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn wanted(interface: &[&str], subnets: &[&str], s3_tables: &[&str]) -> Wanted {
    Wanted {
        interface: interface
            .iter()
            .map(|s| (s.to_string(), strings(subnets)))
            .collect(),
        s3_tables: s3_tables.iter().map(|s| s.to_string()).collect(),
        ..Wanted::default()
    }
}

fn interface(id: &str, service: &str, subnets: &[&str], state: &str) -> Ours {
    Ours {
        id: id.into(),
        service: service.into(),
        subnet_ids: strings(subnets),
        state: state.into(),
        ..Ours::default()
    }
}

fn gateway(id: &str, tables: &[&str]) -> Ours {
    Ours {
        id: id.into(),
        service: "s3".into(),
        gateway: true,
        route_table_ids: strings(tables),
        state: "available".into(),
        ..Ours::default()
    }
}

#[test]
fn steps() {
    use Step::*;
    let modify = |id: &str, add: &[&str], remove: &[&str], tables: bool| {
        let (a, r) = (strings(add), strings(remove));
        if tables {
            Modify {
                id: id.into(),
                add_subnets: vec![],
                remove_subnets: vec![],
                add_tables: a,
                remove_tables: r,
            }
        } else {
            Modify {
                id: id.into(),
                add_subnets: a,
                remove_subnets: r,
                add_tables: vec![],
                remove_tables: vec![],
            }
        }
    };
    #[rustfmt::skip]
    let cases: Vec<(&str, Wanted, Vec<Ours>, Vec<Step>)> = vec![
        ("nothing wanted, nothing there", wanted(&[], &["s-a"], &[]), vec![], vec![]),
        ("a new environment gets every endpoint",
            wanted(&["logs", "ssmmessages"], &["s-a", "s-b"], &["rtb-1"]), vec![],
            vec![CreateInterface("logs".into()), CreateInterface("ssmmessages".into()), CreateS3Gateway]),
        ("what is there and right is left alone",
            wanted(&["logs"], &["s-a"], &["rtb-1"]),
            vec![interface("vpce-1", "logs", &["s-a"], "available"), gateway("vpce-2", &["rtb-1"])], vec![]),
        ("a pending one is kept (it becomes available)",
            wanted(&["logs"], &["s-a"], &[]), vec![interface("vpce-1", "logs", &["s-a"], "pending")], vec![]),
        ("none wanted any more: every one deleted",
            wanted(&[], &["s-a"], &[]),
            vec![interface("vpce-1", "logs", &["s-a"], "available"), gateway("vpce-2", &["rtb-1"])],
            vec![Delete("vpce-1".into()), Delete("vpce-2".into())]),
        ("a service dropped from the list, another added",
            wanted(&["kms"], &["s-a"], &[]), vec![interface("vpce-1", "logs", &["s-a"], "available")],
            vec![Delete("vpce-1".into()), CreateInterface("kms".into())]),
        ("a failed one is replaced",
            wanted(&["logs"], &["s-a"], &[]), vec![interface("vpce-1", "logs", &["s-a"], "failed")],
            vec![Delete("vpce-1".into()), CreateInterface("logs".into())]),
        ("one being deleted (a failed Update's, or by hand) is left to go and made again",
            wanted(&["logs"], &["s-a"], &[]), vec![interface("vpce-1", "logs", &["s-a"], "deleting")],
            vec![CreateInterface("logs".into())]),
        ("one being deleted is not deleted again when no longer wanted",
            wanted(&[], &["s-a"], &[]), vec![interface("vpce-1", "logs", &["s-a"], "deleting")], vec![]),
        ("an expired one is replaced",
            wanted(&["logs"], &["s-a"], &[]), vec![interface("vpce-1", "logs", &["s-a"], "Expired")],
            vec![Delete("vpce-1".into()), CreateInterface("logs".into())]),
        ("a modifying one is kept",
            wanted(&["logs"], &["s-a"], &[]), vec![interface("vpce-1", "logs", &["s-a"], "modifying")], vec![]),
        ("a second one of a service (an earlier attempt's) is deleted",
            wanted(&["logs"], &["s-a"], &[]),
            vec![interface("vpce-1", "logs", &["s-a"], "available"), interface("vpce-2", "logs", &["s-a"], "pending")],
            vec![Delete("vpce-2".into())]),
        ("subnets follow the environment's",
            wanted(&["logs"], &["s-a", "s-c"], &[]), vec![interface("vpce-1", "logs", &["s-a", "s-b"], "available")],
            vec![modify("vpce-1", &["s-c"], &["s-b"], false)]),
        ("each service keeps to the zones it is offered in",
            Wanted {
                interface: [("logs", vec!["s-a", "s-b"]), ("ecr.dkr", vec!["s-a"])]
                    .into_iter().map(|(s, n)| (s.to_string(), strings(&n))).collect(),
                ..Wanted::default()
            },
            vec![interface("vpce-1", "logs", &["s-a", "s-b"], "available"), interface("vpce-2", "ecr.dkr", &["s-a", "s-b"], "available")],
            vec![modify("vpce-2", &[], &["s-b"], false)]),
        ("route tables follow the subnets'",
            wanted(&[], &["s-a"], &["rtb-1", "rtb-3"]), vec![gateway("vpce-2", &["rtb-1", "rtb-2"])],
            vec![modify("vpce-2", &["rtb-3"], &["rtb-2"], true)]),
    ];
    for (name, wanted, ours, expected) in cases {
        assert_eq!(plan(&wanted, &ours), expected, "{name}");
    }
}

#[test]
fn one_subnet_per_zone_in_the_given_order() {
    let zones: BTreeMap<String, String> = [("s-a", "az-1"), ("s-b", "az-1"), ("s-c", "az-2")]
        .into_iter()
        .map(|(s, z)| (s.to_string(), z.to_string()))
        .collect();
    for (subnets, expected) in [
        (vec!["s-a", "s-b", "s-c"], vec!["s-a", "s-c"]),
        (vec!["s-b", "s-a"], vec!["s-b"]),
        (vec!["s-c", "s-x"], vec!["s-c", "s-x"]),
        (vec![], vec![]),
    ] {
        assert_eq!(
            one_per_zone(&strings(&subnets), &zones),
            strings(&expected),
            "{subnets:?}"
        );
    }
}

#[test]
fn standing_of_every_state_ec2_documents() {
    for (state, standing) in [
        ("pendingAcceptance", Standing::Live),
        ("pending", Standing::Live),
        ("available", Standing::Live),
        ("modifying", Standing::Live),
        ("deleting", Standing::Going),
        ("deleted", Standing::Gone),
        ("rejected", Standing::Broken),
        ("failed", Standing::Broken),
        ("expired", Standing::Broken),
        ("partial", Standing::Broken),
        ("something new", Standing::Broken),
    ] {
        assert_eq!(Standing::of(state), standing, "{state}");
    }
}
