//! Pure decisions of [`super::survey`] about what is not ours to take: a VPC shared by another
//! account, and endpoints of this stack resource's other cluster (a `ClusterName` change's).

use super::plan::Ours;
use super::S3;
use std::collections::BTreeSet;

/// The VPC's owner when it is another account (an owner EC2 did not name is taken as ours).
pub fn shared_by<'a>(vpc_owner: Option<&'a str>, account: &str) -> Option<&'a str> {
    vpc_owner.filter(|owner| *owner != account)
}

/// Endpoints of this stack resource's other cluster holding a wanted service's private DNS name
/// or a wanted route table's S3 route: (id, that cluster).
pub fn held_by_another(
    interface: &BTreeSet<String>,
    s3_tables: &BTreeSet<String>,
    others: &[(Ours, String)],
) -> Vec<(String, String)> {
    others
        .iter()
        .filter(|(o, _)| {
            if o.gateway {
                o.service == S3 && o.route_table_ids.iter().any(|t| s3_tables.contains(t))
            } else {
                interface.contains(&o.service)
            }
        })
        .map(|(o, cluster)| (o.id.clone(), cluster.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_is_wanted_counts_as_held_by_the_other_cluster() {
        let set = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        let logs = Ours {
            id: "vpce-1".into(),
            service: "logs".into(),
            ..Ours::default()
        };
        let s3 = Ours {
            id: "vpce-2".into(),
            service: S3.into(),
            gateway: true,
            route_table_ids: vec!["rtb-1".into()],
            ..Ours::default()
        };
        let others = vec![(logs, "before".to_string()), (s3, "before".to_string())];
        let held = |interface: &[&str], tables: &[&str]| {
            held_by_another(&set(interface), &set(tables), &others)
                .into_iter()
                .map(|(id, _)| id)
                .collect::<Vec<_>>()
        };
        assert_eq!(held(&["logs", "kms"], &[]), ["vpce-1"]);
        assert_eq!(held(&["kms"], &["rtb-1"]), ["vpce-2"]);
        assert!(
            held(&["kms"], &["rtb-9"]).is_empty(),
            "another table, another service"
        );
        assert!(held(&[], &[]).is_empty());
    }

    #[test]
    fn a_vpc_of_another_account_is_shared() {
        for (owner, shared) in [
            (Some("123456789012"), None),
            (Some("210987654321"), Some("210987654321")),
            (None, None),
        ] {
            assert_eq!(super::shared_by(owner, "123456789012"), shared, "{owner:?}");
        }
    }
}
