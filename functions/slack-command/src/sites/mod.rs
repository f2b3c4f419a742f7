//! Where commands act. A one-account deploy has one site: this function's own account and region.
//! A hub has one site per spoke (`SPOKES`): ECS, EC2, IAM, Logs and EventBridge through the
//! spoke's role `ecs-debug-toolkit-hub-<region>`, assumed with STS and cached by the SDK until
//! shortly before the credentials expire (one session for the five clients). Launch requests go on
//! the spoke's bus as that role, in the spoke's region: a same-account PutEvents, so the event's
//! `account` is the spoke's, which its launcher's rule matches (contract section 9; the `account`
//! of an event another account puts directly is not documented).

use crate::spokes::SpokeSpec;
use aws_config::sts::AssumeRoleProvider;
use aws_config::{Region, SdkConfig};
use aws_sdk_ecs::config::SharedCredentialsProvider;
use debug_toolkit::address;
use debug_toolkit::commands::region_of_arn;

/// The session name the hub's calls carry in each spoke's CloudTrail.
pub const SESSION_NAME: &str = "ecs-debug-toolkit-hub";

/// One account and region, and the clients that act there.
#[derive(Debug)]
pub struct Site {
    /// The spoke's alias; `None` in a one-account deploy.
    pub alias: Option<String>,
    /// The spoke's account (a one-account deploy does not need to know its own).
    pub account: Option<String>,
    pub region: String,
    pub ecs: aws_sdk_ecs::Client,
    /// `forward` reads a task's security groups; `doctor` the subnets' routes and endpoints.
    pub ec2: aws_sdk_ec2::Client,
    /// `doctor`: the task role's inline policies and the exec log group.
    pub iam: aws_sdk_iam::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    /// Where `start` puts launch requests, and the bus (name or ARN) it puts them on; in a spoke,
    /// as the spoke's role, on the spoke's own bus.
    pub events: aws_sdk_eventbridge::Client,
    pub bus: String,
}

impl Site {
    /// This function's own account and region, its bus named by `EVENT_BUS_NAME`.
    pub fn local(sdk: &SdkConfig, bus: &str) -> Self {
        Self {
            alias: None,
            account: None,
            region: sdk.region().map(|r| r.to_string()).unwrap_or_default(),
            ecs: aws_sdk_ecs::Client::new(sdk),
            ec2: aws_sdk_ec2::Client::new(sdk),
            iam: aws_sdk_iam::Client::new(sdk),
            logs: aws_sdk_cloudwatchlogs::Client::new(sdk),
            events: aws_sdk_eventbridge::Client::new(sdk),
            bus: bus.to_string(),
        }
    }

    /// A spoke, reached through its hub role (no AWS call until a command needs it).
    pub async fn spoke(hub: &SdkConfig, spec: &SpokeSpec) -> Self {
        let role = AssumeRoleProvider::builder(spec.role_arn())
            .session_name(SESSION_NAME)
            .configure(hub)
            .build()
            .await;
        let region = Region::new(spec.region.clone());
        let in_spoke = hub
            .to_builder()
            .region(region)
            .credentials_provider(SharedCredentialsProvider::new(role))
            .build();
        Self {
            alias: Some(spec.alias.clone()),
            account: Some(spec.account.clone()),
            region: spec.region.clone(),
            ecs: aws_sdk_ecs::Client::new(&in_spoke),
            ec2: aws_sdk_ec2::Client::new(&in_spoke),
            iam: aws_sdk_iam::Client::new(&in_spoke),
            logs: aws_sdk_cloudwatchlogs::Client::new(&in_spoke),
            events: aws_sdk_eventbridge::Client::new(&in_spoke),
            bus: spec.bus_arn(),
        }
    }

    /// A cluster of this site as written in Slack (`<alias>/<cluster>` for a spoke).
    pub fn written(&self, cluster: &str) -> String {
        address::qualified(self.alias.as_deref(), cluster)
    }

    /// Whether this is a spoke of a hub (reached through its hub role).
    pub fn is_spoke(&self) -> bool {
        self.alias.is_some()
    }

    /// How answers name this site.
    pub fn label(&self) -> &str {
        self.alias.as_deref().unwrap_or("this account")
    }

    /// Whether a task or cluster ARN is of this site's account and region.
    fn holds(&self, arn: &str) -> bool {
        let account = arn.split(':').nth(4);
        region_of_arn(arn) == Some(self.region.as_str())
            && self.account.as_deref().is_none_or(|a| account == Some(a))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SiteError {
    #[error("write the cluster with its spoke's alias, like `{example}/{name}`; the aliases are {aliases}")]
    NeedsAlias {
        name: String,
        example: String,
        aliases: String,
    },
    #[error("no spoke is called `{0}`; the aliases are {1}")]
    UnknownAlias(String, String),
    #[error(
        "`{0}` is not a cluster of this account (this Slack app serves one account: no alias)"
    )]
    NoSpokes(String),
    #[error("`{0}` is not <alias>/<cluster>")]
    Malformed(String),
    #[error("task `{0}` is not in an account and region this Slack app serves")]
    Elsewhere(String),
}

/// Every site this function acts in.
#[derive(Debug)]
pub struct Sites {
    sites: Vec<Site>,
}

impl Sites {
    pub fn one(site: Site) -> Self {
        Self { sites: vec![site] }
    }

    pub fn spokes(sites: Vec<Site>) -> Self {
        Self { sites }
    }

    pub fn all(&self) -> &[Site] {
        &self.sites
    }

    /// `work` on every site at once: each site with its outcome, in [`Sites::all`]'s order.
    pub async fn each<'s, T, Fut>(&'s self, work: impl FnMut(&'s Site) -> Fut) -> Vec<(&'s Site, T)>
    where
        Fut: std::future::Future<Output = T>,
    {
        let outcomes = futures::future::join_all(self.sites.iter().map(work)).await;
        self.sites.iter().zip(outcomes).collect()
    }

    fn has_spokes(&self) -> bool {
        self.sites.iter().any(|s| s.alias.is_some())
    }

    fn aliases(&self) -> String {
        let names: Vec<String> = self
            .sites
            .iter()
            .map(|s| format!("`{}`", s.label()))
            .collect();
        names.join(", ")
    }

    /// The site of a cluster as written, and the cluster's own name there.
    pub fn resolve<'a>(&self, written: &'a str) -> Result<(&Site, &'a str), SiteError> {
        let (alias, name) = address::split(written)
            .ok_or_else(|| SiteError::Malformed(debug_toolkit::text::shorten(written, 60)))?;
        match (alias, self.has_spokes()) {
            (None, false) => Ok((&self.sites[0], name)),
            (Some(_), false) => Err(SiteError::NoSpokes(written.to_string())),
            (None, true) => Err(SiteError::NeedsAlias {
                name: name.to_string(),
                example: self.sites[0].label().to_string(),
                aliases: self.aliases(),
            }),
            (Some(alias), true) => self
                .sites
                .iter()
                .find(|s| s.alias.as_deref() == Some(alias))
                .map(|s| (s, name))
                .ok_or_else(|| SiteError::UnknownAlias(alias.to_string(), self.aliases())),
        }
    }

    /// The site of a task ARN (its account and region).
    pub fn of_arn(&self, arn: &str) -> Result<&Site, SiteError> {
        self.sites
            .iter()
            .find(|s| s.holds(arn))
            .ok_or_else(|| SiteError::Elsewhere(debug_toolkit::text::shorten(arn, 120)))
    }
}

#[cfg(test)]
mod tests;
