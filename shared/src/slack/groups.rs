//! The members of Slack user groups, for authorisation (docs/interface.md, "Authorisation"): read
//! with `usergroups.users.list` and the bot token, kept at most five minutes per instance.

use super::Notifier;
use crate::user_groups::GroupMembers;
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a group's members are believed.
pub const CACHE_FOR: Duration = Duration::from_secs(5 * 60);
/// One read's share of the 3 s a slash command has; a group not read by then admits nobody.
pub const READ_TIMEOUT: Duration = Duration::from_millis(1200);

#[derive(Debug, Default)]
pub struct GroupCache {
    read: Mutex<HashMap<String, (Instant, BTreeSet<String>)>>,
}

impl GroupCache {
    /// The members of `groups`: from the cache when read less than [`CACHE_FOR`] ago, else from
    /// Slack (concurrently). A group that cannot be read is an `Err` saying why; errors are not
    /// cached.
    pub async fn members(&self, notifier: &Notifier, groups: &[&str]) -> GroupMembers {
        let mut known = GroupMembers::new();
        let mut wanted = Vec::new();
        {
            let read = self
                .read
                .lock()
                .expect("the cache's lock is never poisoned");
            for group in groups {
                match read.get(*group) {
                    Some((at, members)) if at.elapsed() < CACHE_FOR => {
                        known.insert(group.to_string(), Ok(members.clone()));
                    }
                    _ => wanted.push(*group),
                }
            }
        }
        if wanted.is_empty() {
            return known;
        }
        let token = if notifier.has_token() {
            notifier.token().await.map_err(|e| e.to_string())
        } else {
            Err("no bot token is configured to read it (SLACK_BOT_TOKEN_ARN)".to_string())
        };
        let token = match token {
            Ok(token) => token,
            Err(why) => {
                known.extend(wanted.iter().map(|g| (g.to_string(), Err(why.clone()))));
                return known;
            }
        };
        let reads = wanted.iter().map(|group| async {
            let read = tokio::time::timeout(
                READ_TIMEOUT,
                notifier.slack.usergroup_members(&token, group),
            )
            .await;
            let members = match read {
                Ok(Ok(users)) => Ok(users.into_iter().collect::<BTreeSet<_>>()),
                Ok(Err(error)) => Err(error.to_string()),
                Err(_) => Err("Slack did not answer in time".to_string()),
            };
            (group.to_string(), members)
        });
        let fresh = futures::future::join_all(reads).await;
        let mut read = self
            .read
            .lock()
            .expect("the cache's lock is never poisoned");
        for (group, members) in fresh {
            match &members {
                Ok(users) => {
                    read.insert(group.clone(), (Instant::now(), users.clone()));
                }
                Err(why) => tracing::warn!(group, %why, "user group not read: it admits nobody"),
            }
            known.insert(group, members);
        }
        known
    }
}
