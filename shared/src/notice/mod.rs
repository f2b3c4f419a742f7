//! `Debug Task Notice` (docs/interface.md, "Notices through the hub"; contract section 13): what
//! debug-launcher and task-events tell Slack, as facts. In one account they render and post them
//! themselves ([`tell`]); in a spoke, which holds no bot token, they put them on the spoke's bus,
//! a rule there sends them to the hub's bus, and the hub's task-events checks them against the
//! account and Region EventBridge says they came from ([`Notice::check`]), renders them itself
//! ([`render`]) and posts them. A spoke therefore chooses no words of a connect command and no
//! button value: it names a task of its own, and the hub writes the rest.

pub mod render;
pub mod tell;

use crate::cluster::is_valid_name;
use crate::slack_ids::is_plain_id;
use serde::{Deserialize, Serialize};

pub use crate::launch::SOURCE;
/// The notices' detail-type.
pub const DETAIL_TYPE: &str = "Debug Task Notice";
/// The longest free text a notice may carry (a stop reason, a refusal, who opened a shell).
pub const MAX_TEXT: usize = 1000;
/// The longest image reference (ECR's limit on a repository URI with a tag or digest is lower).
pub const MAX_IMAGE: usize = 1024;

/// One notice: who it is for and what it says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    /// The channel to post in (ready, stopped, shell notices; a reply with no way back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Through a hub: the hub's seal of `channel` for this spoke, as the launch request carried it
    /// (`crate::slack::sealed::ButtonKey::seal_channel`); the hub posts in no other channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_seal: Option<String>,
    /// Where a reply goes in one account: the requester's `response_url`. Never put on a bus.
    #[serde(skip)]
    pub response_url: Option<String>,
    /// Where a reply goes through a hub: the `response_url` the hub sealed for this spoke
    /// (`crate::slack::sealed::ButtonKey::seal_url`), handed back as it came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_response_url: Option<String>,
    /// Through a hub: this notice's own id, made by the spoke before it puts it (`tell`), which
    /// the hub claims it by. EventBridge's event id is no such id: a delivery to a bus in another
    /// Region gets a new one, and a `PutEvents` the SDK sent again is another event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_id: Option<String>,
    #[serde(flatten)]
    pub about: About,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum About {
    /// The task is RUNNING; `execAgent` is the agent's status when Exec is not ready yet.
    Ready {
        task_arn: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exec_agent: Option<String>,
    },
    /// The task stopped, for ECS's reason.
    Stopped {
        task_arn: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stopped_reason: Option<String>,
    },
    /// Someone opened an ECS Exec session on the task.
    ShellOpened { task_arn: String, opened_by: String },
    /// A launch request's task was started (or was already running for that request).
    Launched {
        task_arn: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image: Option<String>,
        expires_at: i64,
        ttl_minutes: u32,
        already_running: bool,
        capped: bool,
        public_ip_withheld: bool,
    },
    /// A launch request named a cluster but no task was started there, for `reason`.
    NotLaunched { cluster: String, reason: String },
    /// A launch request could not be read, for `reason`.
    Refused { reason: String },
}

/// Why the hub will not post a notice.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("the task ARN {0:?} is not a task of a cluster in the account and Region the notice came from")]
    ForeignTask(String),
    #[error("the cluster name {0:?} is not an ECS cluster name")]
    Cluster(String),
    #[error("the channel {0:?} is not a Slack channel id")]
    Channel(String),
    #[error("a text of the notice is longer than {MAX_TEXT} characters")]
    TooLong,
    #[error("the notice names neither a channel nor a sealed response_url")]
    NoRecipient,
    #[error("the channel's seal is not 64 hex digits")]
    ChannelSeal,
    #[error("the notice has no id of 32 hex digits")]
    NoticeId,
    #[error("the Exec agent's status is not a status (letters and _, at most 32)")]
    Status,
}

impl About {
    /// The task the notice is about, when it is about one.
    pub fn task_arn(&self) -> Option<&str> {
        match self {
            Self::Ready { task_arn, .. }
            | Self::Stopped { task_arn, .. }
            | Self::ShellOpened { task_arn, .. }
            | Self::Launched { task_arn, .. } => Some(task_arn),
            Self::NotLaunched { .. } | Self::Refused { .. } => None,
        }
    }

    /// Its `kind`, as on the bus.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Ready { .. } => "ready",
            Self::Stopped { .. } => "stopped",
            Self::ShellOpened { .. } => "shell-opened",
            Self::Launched { .. } => "launched",
            Self::NotLaunched { .. } => "not-launched",
            Self::Refused { .. } => "refused",
        }
    }
}

impl Notice {
    /// A notice for `channel`.
    pub fn to_channel(channel: &str, about: About) -> Self {
        Self {
            channel: Some(channel.to_string()),
            channel_seal: None,
            response_url: None,
            sealed_response_url: None,
            notice_id: None,
            about,
        }
    }

    /// With the hub's seal of the channel, when the task has one.
    pub fn sealed_by(mut self, channel_seal: Option<&str>) -> Self {
        self.channel_seal = channel_seal.map(str::to_string);
        self
    }

    /// A new id for a notice put for the hub: 32 hex digits.
    pub fn new_id() -> String {
        format!("{:032x}", fastrand::u128(..))
    }

    /// Checks a notice that came from `account` in `region` (EventBridge's `account` and `region`
    /// of the event, which the sender cannot choose): it has its id, every task it names is a task
    /// of that account and Region, every name is well-formed, and free texts are bounded.
    pub fn check(&self, account: &str, region: &str) -> Result<(), NoticeError> {
        let hex32 = |s: &str| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
        if !self.notice_id.as_deref().is_some_and(hex32) {
            return Err(NoticeError::NoticeId);
        }
        if let Some(channel) = &self.channel {
            if !is_plain_id(channel) {
                return Err(NoticeError::Channel(crate::text::shorten(channel, 40)));
            }
        }
        if self.channel.is_none() && self.sealed_response_url.is_none() {
            return Err(NoticeError::NoRecipient);
        }
        let hex64 = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
        if self.channel_seal.as_deref().is_some_and(|s| !hex64(s)) {
            return Err(NoticeError::ChannelSeal);
        }
        let mut texts: Vec<&str> = Vec::new();
        match &self.about {
            About::Ready {
                task_arn,
                image,
                exec_agent,
            } => {
                task_of(task_arn, account, region)?;
                if exec_agent.as_deref().is_some_and(|s| !is_status(s)) {
                    return Err(NoticeError::Status);
                }
                if image.as_deref().is_some_and(|i| i.len() > MAX_IMAGE) {
                    return Err(NoticeError::TooLong);
                }
            }
            About::Launched {
                task_arn, image, ..
            } => {
                task_of(task_arn, account, region)?;
                if image.as_deref().is_some_and(|i| i.len() > MAX_IMAGE) {
                    return Err(NoticeError::TooLong);
                }
            }
            About::Stopped {
                task_arn,
                stopped_reason,
            } => {
                task_of(task_arn, account, region)?;
                texts.extend(stopped_reason.as_deref());
            }
            About::ShellOpened {
                task_arn,
                opened_by,
            } => {
                task_of(task_arn, account, region)?;
                texts.push(opened_by);
            }
            About::NotLaunched { cluster, reason } => {
                if !is_valid_name(cluster) {
                    return Err(NoticeError::Cluster(crate::text::shorten(cluster, 60)));
                }
                texts.push(reason);
            }
            About::Refused { reason } => texts.push(reason),
        }
        if texts.iter().any(|t| t.chars().count() > MAX_TEXT) {
            return Err(NoticeError::TooLong);
        }
        Ok(())
    }
}

/// An agent status as ECS writes it (`PENDING`, `RUNNING`, `STOPPED`; `unknown` when unread).
fn is_status(text: &str) -> bool {
    (1..=32).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_')
}

/// The cluster and task id of `task_arn` when it is `arn:<partition>:ecs:<region>:<account>:
/// task/<cluster>/<id>` in exactly this account and Region, with a well-formed cluster and id.
pub fn task_of<'a>(
    task_arn: &'a str,
    account: &str,
    region: &str,
) -> Result<(&'a str, &'a str), NoticeError> {
    let foreign = || NoticeError::ForeignTask(crate::text::shorten(task_arn, 120));
    let parts: Vec<&str> = task_arn.splitn(6, ':').collect();
    let [arn, partition, service, in_region, in_account, resource] = parts[..] else {
        return Err(foreign());
    };
    if arn != "arn"
        || partition != crate::spokes::partition(region)
        || service != "ecs"
        || in_region != region
        || in_account != account
    {
        return Err(foreign());
    }
    let mut path = resource.split('/');
    let (Some("task"), Some(cluster), Some(id), None) =
        (path.next(), path.next(), path.next(), path.next())
    else {
        return Err(foreign());
    };
    // ECS's ids are 32 hex digits (emulators' are UUIDs): letters, digits and `-`, nothing else.
    let id_ok =
        (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !is_valid_name(cluster) || !id_ok {
        return Err(foreign());
    }
    Ok((cluster, id))
}

#[cfg(test)]
mod tests;
