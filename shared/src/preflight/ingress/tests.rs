use super::*;

fn tcp(from: i32, to: i32) -> Permission {
    Permission {
        protocol: "tcp".into(),
        from_port: Some(from),
        to_port: Some(to),
        ..Permission::default()
    }
}

fn from_group(mut p: Permission, group: &str) -> Permission {
    p.groups.push(group.into());
    p
}

fn from_cidr(mut p: Permission, cidr: &str) -> Permission {
    p.cidrs.push(cidr.into());
    p
}

fn all_traffic() -> Permission {
    Permission {
        protocol: "-1".into(),
        ..Permission::default()
    }
}

#[test]
fn verdicts() {
    let tasks = vec!["sg-tasks".to_string()];
    let subnet = Some("10.0.1.0/24");
    #[rustfmt::skip]
    let cases: Vec<(&str, Vec<Permission>, bool)> = vec![
        ("no rule at all", vec![], false),
        ("443 from the task group", vec![from_group(tcp(443, 443), "sg-tasks")], true),
        ("443 from another group", vec![from_group(tcp(443, 443), "sg-other")], false),
        ("80 only, from the task group", vec![from_group(tcp(80, 80), "sg-tasks")], false),
        ("a range holding 443", vec![from_group(tcp(0, 65535), "sg-tasks")], true),
        ("443 from the VPC's CIDR (covers the subnet)", vec![from_cidr(tcp(443, 443), "10.0.0.0/16")], true),
        ("443 from the subnet's own CIDR", vec![from_cidr(tcp(443, 443), "10.0.1.0/24")], true),
        ("443 from another subnet's CIDR", vec![from_cidr(tcp(443, 443), "10.0.2.0/24")], false),
        ("443 from a narrower block than the subnet", vec![from_cidr(tcp(443, 443), "10.0.1.0/28")], false),
        ("all traffic (-1) from the task group", vec![from_group(all_traffic(), "sg-tasks")], true),
        ("all traffic (-1) from anywhere", vec![from_cidr(all_traffic(), "0.0.0.0/0")], true),
        ("all traffic from another group", vec![from_group(all_traffic(), "sg-default")], false),
        ("protocol number 6 is TCP", vec![Permission { protocol: "6".into(), ..from_group(tcp(443, 443), "sg-tasks") }], true),
        ("UDP 443 is not HTTPS", vec![Permission { protocol: "udp".into(), ..from_group(tcp(443, 443), "sg-tasks") }], false),
        ("one good rule among others", vec![from_cidr(tcp(22, 22), "10.0.0.0/16"), from_group(tcp(443, 443), "sg-tasks")], true),
    ];
    for (name, permissions, expected) in cases {
        assert_eq!(
            admits_https(&permissions, &tasks, subnet),
            expected,
            "{name}"
        );
    }
    // A subnet whose CIDR could not be read: only a group reference counts.
    assert!(!admits_https(
        &[from_cidr(tcp(443, 443), "0.0.0.0/0")],
        &tasks,
        None
    ));
    assert!(admits_https(
        &[from_group(tcp(443, 443), "sg-tasks")],
        &tasks,
        None
    ));
}
