//! Slack user groups (`S…`) in a cluster's allowed users (docs/interface.md, "Authorisation"): a
//! group admits its members, as read with `usergroups.users.list`; a group that could not be read
//! admits nobody, and the refusal says why.

use crate::cluster::{ClusterSettings, Refusal};
use crate::slack_ids::is_user_group_id;
use crate::tags;
use std::collections::{BTreeMap, BTreeSet};

/// What was learnt of some user groups: each one's members, or why they could not be read.
pub type GroupMembers = BTreeMap<String, Result<BTreeSet<String>, String>>;

impl ClusterSettings {
    /// The user groups among the cluster's allowed users.
    pub fn user_groups(&self) -> Vec<&str> {
        self.words(tags::ALLOWED_USERS)
            .into_iter()
            .filter(|w| is_user_group_id(w))
            .collect()
    }

    /// [`Self::authorise`], where a member of one of the cluster's user groups (per `groups`) is
    /// allowed too. A group missing from `groups` or unreadable admits nobody; when that is why
    /// the caller is refused, the refusal names each such group and its reason.
    pub fn authorise_with(
        &self,
        user_id: &str,
        channel_id: Option<&str>,
        groups: &GroupMembers,
    ) -> Result<(), Refusal> {
        let refusal = match self.authorise(user_id, channel_id) {
            Err(refusal @ Refusal::NotAllowed(_)) => refusal,
            other => return other,
        };
        let mut unread = Vec::new();
        for group in self.user_groups() {
            match groups.get(group) {
                Some(Ok(members)) if !user_id.is_empty() && members.contains(user_id) => {
                    return Ok(())
                }
                Some(Ok(_)) => {}
                Some(Err(why)) => unread.push(format!("{group}: {why}")),
                None => unread.push(format!("{group}: not read")),
            }
        }
        if unread.is_empty() {
            Err(refusal)
        } else {
            Err(Refusal::GroupsUnread {
                cluster: self.name.clone(),
                why: unread.join("; "),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(users: &str) -> ClusterSettings {
        ClusterSettings::new(
            "payments-dev",
            "arn:aws:ecs:eu-west-1:1:cluster/payments-dev",
            [
                (tags::MANAGED_BY, tags::MANAGED_BY_VALUE),
                (tags::ALLOWED_USERS, users),
                (tags::ALLOWED_CHANNELS, "C9"),
            ],
        )
    }

    fn members(ids: &[&str]) -> Result<BTreeSet<String>, String> {
        Ok(ids.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn a_group_admits_its_members_and_an_unread_group_nobody() {
        let c = cluster("U1 S0PLATFORM S0SRE");
        assert_eq!(c.user_groups(), ["S0PLATFORM", "S0SRE"]);
        let read: GroupMembers = [
            ("S0PLATFORM".to_string(), members(&["U2", "U3"])),
            ("S0SRE".to_string(), members(&["U4"])),
        ]
        .into();
        let failing: GroupMembers = [
            ("S0PLATFORM".to_string(), members(&["U2"])),
            (
                "S0SRE".to_string(),
                Err("Slack answered missing_scope".to_string()),
            ),
        ]
        .into();
        let none = GroupMembers::new();
        let not_allowed = || Err(Refusal::NotAllowed("payments-dev".into()));
        let unread = |why: &str| {
            Err(Refusal::GroupsUnread {
                cluster: "payments-dev".into(),
                why: why.into(),
            })
        };
        type Case<'a> = (
            &'a str,
            Option<&'a str>,
            &'a GroupMembers,
            Result<(), Refusal>,
        );
        let cases: [Case; 9] = [
            ("U1", None, &none, Ok(())),
            ("U5", Some("C9"), &none, Ok(())),
            ("U3", None, &read, Ok(())),
            ("U4", None, &read, Ok(())),
            ("U5", None, &read, not_allowed()),
            ("", None, &read, not_allowed()),
            ("U2", None, &failing, Ok(())),
            (
                "U4",
                None,
                &failing,
                unread("S0SRE: Slack answered missing_scope"),
            ),
            (
                "U4",
                None,
                &none,
                unread("S0PLATFORM: not read; S0SRE: not read"),
            ),
        ];
        for (user, channel, groups, expected) in cases {
            assert_eq!(
                c.authorise_with(user, channel, groups),
                expected,
                "{user} {channel:?}"
            );
        }
        assert_eq!(cluster("U1").user_groups(), Vec::<&str>::new());
    }

    #[test]
    fn groups_never_admit_to_an_unmanaged_cluster() {
        let unmanaged = ClusterSettings::new("x", "arn", [(tags::ALLOWED_USERS, "S0SRE")]);
        let read: GroupMembers = [("S0SRE".to_string(), members(&["U4"]))].into();
        assert_eq!(
            unmanaged.authorise_with("U4", None, &read),
            Err(Refusal::Unmanaged("x".into()))
        );
    }
}
