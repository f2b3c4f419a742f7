//! What the cluster's tags say about an environment: whether this service manages it, where its
//! debug tasks run, who may launch them and how long they may live.

use crate::tags;
use std::collections::BTreeMap;

/// Thresholds for a cluster without their tags (`IDLE_TIMEOUT_MINUTES`, `MAX_LIFETIME_MINUTES`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub idle_timeout_minutes: u32,
    pub max_lifetime_minutes: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            idle_timeout_minutes: 30,
            max_lifetime_minutes: 240,
        }
    }
}

/// ECS's rule for cluster names: 1 to 255 letters, digits, `-` and `_`.
pub fn is_valid_name(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The name in a cluster ARN (`arn:…:cluster/<name>`).
pub fn name_of_arn(arn: &str) -> Option<&str> {
    arn.rsplit_once(":cluster/").map(|(_, name)| name)
}

/// One ECS cluster as its tags describe it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterSettings {
    pub name: String,
    pub arn: String,
    pub tags: BTreeMap<String, String>,
}

/// Why a Slack user may not use a cluster. The text is shown to them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("there is no cluster named `{0}`")]
    Unknown(String),
    #[error("cluster `{0}` is not managed by ecs-debug-toolkit")]
    Unmanaged(String),
    #[error(
        "cluster `{0}` allows nobody to launch debug tasks (it has no allowed users or channels)"
    )]
    NobodyAllowed(String),
    #[error("you are not allowed to use debug tasks on cluster `{0}` from this channel")]
    NotAllowed(String),
    #[error("you are not allowed to use debug tasks on cluster `{cluster}` from this channel, and its user groups could not be read ({why})")]
    GroupsUnread { cluster: String, why: String },
    #[error("cluster `{cluster}` is missing its `{tag}` tag: update its stack")]
    Incomplete { cluster: String, tag: &'static str },
    #[error("service `{service}` of cluster `{cluster}` may not be copied with `--like`: the environment's `LikeServices` property {listed}")]
    LikeNotAllowed {
        cluster: String,
        service: String,
        /// What the property holds, in words (`does not list it`, `is not set`).
        listed: &'static str,
    },
}

impl Refusal {
    /// The same refusal naming the cluster as `written` (a spoke's `<alias>/<cluster>`, as typed).
    pub fn naming(self, written: &str) -> Self {
        let written = written.to_string();
        match self {
            Self::Unknown(_) => Self::Unknown(written),
            Self::Unmanaged(_) => Self::Unmanaged(written),
            Self::NobodyAllowed(_) => Self::NobodyAllowed(written),
            Self::NotAllowed(_) => Self::NotAllowed(written),
            Self::GroupsUnread { why, .. } => Self::GroupsUnread {
                cluster: written,
                why,
            },
            Self::Incomplete { tag, .. } => Self::Incomplete {
                cluster: written,
                tag,
            },
            Self::LikeNotAllowed {
                service, listed, ..
            } => Self::LikeNotAllowed {
                cluster: written,
                service,
                listed,
            },
        }
    }
}

impl ClusterSettings {
    pub fn new<K: Into<String>, V: Into<String>>(
        name: impl Into<String>,
        arn: impl Into<String>,
        tags: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            name: name.into(),
            arn: arn.into(),
            tags: tags
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    fn tag(&self, key: &str) -> Option<&str> {
        self.tags.get(key).map(String::as_str)
    }

    pub(crate) fn words(&self, key: &str) -> Vec<&str> {
        self.tag(key)
            .map(|v| v.split_whitespace().collect())
            .unwrap_or_default()
    }

    pub fn is_managed(&self) -> bool {
        self.tag(tags::MANAGED_BY) == Some(tags::MANAGED_BY_VALUE)
    }

    /// May this Slack user, in this channel, use the cluster's debug tasks? User groups admit
    /// nobody here: [`Self::authorise_with`] takes their members.
    pub fn authorise(&self, user_id: &str, channel_id: Option<&str>) -> Result<(), Refusal> {
        if !self.is_managed() {
            return Err(Refusal::Unmanaged(self.name.clone()));
        }
        let users = self.words(tags::ALLOWED_USERS);
        let channels = self.words(tags::ALLOWED_CHANNELS);
        if users.is_empty() && channels.is_empty() {
            return Err(Refusal::NobodyAllowed(self.name.clone()));
        }
        let user_allowed = !user_id.is_empty() && users.contains(&user_id);
        let channel_allowed = channel_id.is_some_and(|c| !c.is_empty() && channels.contains(&c));
        if user_allowed || channel_allowed {
            Ok(())
        } else {
            Err(Refusal::NotAllowed(self.name.clone()))
        }
    }

    pub fn subnets(&self) -> Vec<&str> {
        self.words(tags::SUBNETS)
    }

    pub fn security_groups(&self) -> Vec<&str> {
        self.words(tags::SECURITY_GROUPS)
    }

    pub fn task_family(&self) -> Result<&str, Refusal> {
        self.tag(tags::TASK_FAMILY)
            .filter(|f| !f.is_empty())
            .ok_or_else(|| Refusal::Incomplete {
                cluster: self.name.clone(),
                tag: tags::TASK_FAMILY,
            })
    }

    /// The debug task role's name as `ecs-environment` recorded it with the task definition.
    pub fn task_role(&self) -> Option<&str> {
        self.tag(tags::TASK_ROLE).filter(|r| !r.is_empty())
    }

    /// The debug task definition's image as recorded (tag characters only).
    pub fn image(&self) -> Option<&str> {
        self.tag(tags::IMAGE).filter(|i| !i.is_empty())
    }

    /// The `Environment` tag (what the debug role's conditions match), else ours.
    pub fn environment(&self) -> Option<&str> {
        self.tag(tags::ENVIRONMENT)
            .or_else(|| self.tag(tags::CLUSTER_ENVIRONMENT))
    }

    pub fn idle_timeout_minutes(&self, fallback: &Limits) -> u32 {
        self.minutes(tags::IDLE_TIMEOUT_MINUTES)
            .unwrap_or(fallback.idle_timeout_minutes)
    }

    pub fn max_lifetime_minutes(&self, fallback: &Limits) -> u32 {
        self.minutes(tags::MAX_LIFETIME_MINUTES)
            .unwrap_or(fallback.max_lifetime_minutes)
    }

    /// A positive whole number of minutes, else `None` (so a broken tag falls back, never zero).
    fn minutes(&self, key: &str) -> Option<u32> {
        self.tag(key)
            .and_then(|v| v.trim().parse::<u32>().ok())
            .filter(|m| *m > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(extra: &[(&str, &str)]) -> ClusterSettings {
        let mut tags = vec![(tags::MANAGED_BY, tags::MANAGED_BY_VALUE)];
        tags.extend_from_slice(extra);
        ClusterSettings::new(
            "payments-dev",
            "arn:aws:ecs:eu-west-1:1:cluster/payments-dev",
            tags,
        )
    }

    #[test]
    fn access_matrix() {
        let both = cluster(&[
            (tags::ALLOWED_USERS, "U1 U2"),
            (tags::ALLOWED_CHANNELS, "C9"),
        ]);
        let users_only = cluster(&[(tags::ALLOWED_USERS, "U1")]);
        let channels_only = cluster(&[(tags::ALLOWED_CHANNELS, "C9")]);
        let neither = cluster(&[]);
        let blank = cluster(&[(tags::ALLOWED_USERS, "  "), (tags::ALLOWED_CHANNELS, "")]);
        let unmanaged = ClusterSettings::new(
            "other",
            "arn",
            [(tags::ALLOWED_USERS, "U1"), (tags::ALLOWED_CHANNELS, "C9")],
        );
        let foreign_value = ClusterSettings::new(
            "other",
            "arn",
            [
                (tags::MANAGED_BY, "someone-else"),
                (tags::ALLOWED_USERS, "U1"),
            ],
        );
        use Refusal::*;
        type Expected = Option<fn(String) -> Refusal>;
        let cases: &[(&ClusterSettings, &str, Option<&str>, Expected)] = &[
            (&both, "U1", None, None),
            (&both, "U2", Some("C1"), None),
            (&both, "U3", Some("C9"), None),
            (&both, "U3", Some("C1"), Some(NotAllowed)),
            (&both, "U3", None, Some(NotAllowed)),
            (&both, "u1", None, Some(NotAllowed)),
            (&both, "U1 U2", None, Some(NotAllowed)),
            (&both, "", Some(""), Some(NotAllowed)),
            (&users_only, "U1", None, None),
            (&users_only, "U2", Some("C9"), Some(NotAllowed)),
            (&channels_only, "U1", Some("C9"), None),
            (&channels_only, "U1", None, Some(NotAllowed)),
            (&neither, "U1", Some("C9"), Some(NobodyAllowed)),
            (&blank, "U1", Some("C9"), Some(NobodyAllowed)),
            (&unmanaged, "U1", Some("C9"), Some(Unmanaged)),
            (&foreign_value, "U1", None, Some(Unmanaged)),
        ];
        for (cluster, user, channel, expected) in cases {
            let got = cluster.authorise(user, *channel);
            let expected = expected.map(|make| make(cluster.name.clone()));
            assert_eq!(
                got.err(),
                expected,
                "{user} {channel:?} on {:?}",
                cluster.tags
            );
        }
    }

    #[test]
    fn thresholds_fall_back_on_missing_or_broken_tags() {
        let limits = Limits::default();
        let tagged = cluster(&[
            (tags::IDLE_TIMEOUT_MINUTES, "15"),
            (tags::MAX_LIFETIME_MINUTES, "60"),
        ]);
        assert_eq!(tagged.idle_timeout_minutes(&limits), 15);
        assert_eq!(tagged.max_lifetime_minutes(&limits), 60);
        for broken in ["", "0", "-5", "ten", "1.5", "99999999999"] {
            let c = cluster(&[(tags::MAX_LIFETIME_MINUTES, broken)]);
            assert_eq!(c.max_lifetime_minutes(&limits), 240, "{broken:?}");
        }
    }

    #[test]
    fn launch_placement_from_tags() {
        let c = cluster(&[
            (tags::SUBNETS, "subnet-1 subnet-2"),
            (tags::SECURITY_GROUPS, "sg-1"),
            (tags::TASK_FAMILY, "payments-dev-debug-toolkit"),
            (tags::CLUSTER_ENVIRONMENT, "dev"),
        ]);
        assert_eq!(c.subnets(), ["subnet-1", "subnet-2"]);
        assert_eq!(c.security_groups(), ["sg-1"]);
        assert_eq!(c.task_family(), Ok("payments-dev-debug-toolkit"));
        assert_eq!(c.environment(), Some("dev"));
        assert!(matches!(
            cluster(&[]).task_family(),
            Err(Refusal::Incomplete { .. })
        ));
    }
}
