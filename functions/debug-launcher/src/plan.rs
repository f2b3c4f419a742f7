//! What to run for one request, decided before any change: placement from the cluster's tags,
//! the tags (docs/interface.md, `debug-launcher`), the expiry, and the idempotency token.

use crate::request::ValidRequest;
use debug_toolkit::cluster::{ClusterSettings, Limits, Refusal};
use debug_toolkit::names;
use debug_toolkit::stop_record;
use debug_toolkit::tags::{self, sanitise_value};
use debug_toolkit::timestamp::{self, EpochSeconds};
use sha2::{Digest, Sha256};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaunchPlan {
    pub cluster_name: String,
    pub cluster_arn: String,
    pub family: String,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    /// The copied service (`likeService`) has a public IP; a debug task never gets one
    /// (`assignPublicIp` is always DISABLED): the requester is told.
    pub public_ip_withheld: bool,
    /// RunTask's `clientToken` (and our `debug-toolkit:request` tag): one task per request.
    pub client_token: String,
    pub tags: Vec<(String, String)>,
    /// Environment of the debug-toolkit container: what must outlive the tags, which StopTask
    /// deletes (the channel to tell of the stop; docs/interface.md, `task-events`).
    pub container_environment: Vec<(String, String)>,
    pub ttl_minutes: u32,
    /// The ttl asked for was more than the cluster's max lifetime.
    pub capped: bool,
    pub expires_at: EpochSeconds,
}

/// 64 hex digits: within RunTask's limit whatever the request id, and per cluster.
pub fn client_token(cluster_arn: &str, request_id: &str) -> String {
    let mut digest = Sha256::new();
    digest.update(cluster_arn.as_bytes());
    digest.update(b"\n");
    digest.update(request_id.as_bytes());
    hex::encode(digest.finalize())
}

pub fn plan(
    request: &ValidRequest,
    cluster: &ClusterSettings,
    limits: &Limits,
) -> Result<LaunchPlan, Refusal> {
    let incomplete = |tag| Refusal::Incomplete {
        cluster: cluster.name.clone(),
        tag,
    };
    // Whoever may tag the cluster could name another family: only the environment's own runs.
    let family = cluster.task_family()?.to_string();
    if family != names::task_family(&cluster.name) {
        return Err(incomplete(tags::TASK_FAMILY));
    }
    let subnets: Vec<String> = cluster.subnets().iter().map(|s| s.to_string()).collect();
    if subnets.is_empty() || subnets.len() > 16 {
        return Err(incomplete(tags::SUBNETS));
    }
    let security_groups: Vec<String> = cluster
        .security_groups()
        .iter()
        .map(|s| s.to_string())
        .collect();
    if security_groups.is_empty() || security_groups.len() > 5 {
        return Err(incomplete(tags::SECURITY_GROUPS));
    }
    let max = cluster.max_lifetime_minutes(limits);
    let ttl_minutes = request.ttl_minutes.min(max);
    let expires_at = request.requested_at + i64::from(ttl_minutes) * 60;
    let client_token = client_token(&cluster.arn, &request.request_id);
    let mut task_tags = vec![
        (
            tags::MANAGED_BY.to_string(),
            tags::MANAGED_BY_VALUE.to_string(),
        ),
        (tags::REQUESTED_BY.to_string(), request.requested_by.clone()),
        (tags::REASON.to_string(), sanitise_value(&request.reason)),
        (
            tags::LAUNCHED_AT.to_string(),
            timestamp::format(request.requested_at),
        ),
        (tags::EXPIRES_AT.to_string(), timestamp::format(expires_at)),
        (tags::REQUEST.to_string(), client_token.clone()),
    ];
    if let Some(environment) = cluster.environment() {
        task_tags.push((tags::ENVIRONMENT.to_string(), sanitise_value(environment)));
    }
    let mut container_environment = Vec::new();
    if let Some(channel) = &request.reply.channel {
        task_tags.push((tags::CHANNEL.to_string(), channel.clone()));
        container_environment.push((stop_record::CHANNEL_VARIABLE.to_string(), channel.clone()));
    }
    if let Some(seal) = &request.reply.channel_seal {
        task_tags.push((tags::CHANNEL_SEAL.to_string(), seal.clone()));
        container_environment.push((stop_record::CHANNEL_SEAL_VARIABLE.to_string(), seal.clone()));
    }
    Ok(LaunchPlan {
        cluster_name: cluster.name.clone(),
        cluster_arn: cluster.arn.clone(),
        family,
        subnets,
        security_groups,
        public_ip_withheld: false,
        client_token,
        tags: task_tags,
        container_environment,
        ttl_minutes,
        capped: ttl_minutes < request.ttl_minutes,
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn cluster(extra: &[(&str, &str)]) -> ClusterSettings {
        let mut t = vec![
            (tags::MANAGED_BY, tags::MANAGED_BY_VALUE),
            (tags::SUBNETS, "subnet-1 subnet-2"),
            (tags::SECURITY_GROUPS, "sg-1"),
            (tags::TASK_FAMILY, "payments-dev-debug-toolkit"),
            (tags::ENVIRONMENT, "dev"),
            (tags::MAX_LIFETIME_MINUTES, "120"),
        ];
        t.extend_from_slice(extra);
        ClusterSettings::new(
            "payments-dev",
            "arn:aws:ecs:eu-west-1:1:cluster/payments-dev",
            t,
        )
    }

    fn request(ttl: u32) -> ValidRequest {
        ValidRequest {
            cluster: "payments-dev".into(),
            requested_by: "U1".into(),
            reply: crate::request::ReplyTo {
                channel: Some("C9".into()),
                ..Default::default()
            },
            requester_groups: vec![],
            ttl_minutes: ttl,
            reason: "db \"timeouts\", <!channel>".into(),
            request_id: "r-1".into(),
            requested_at: 1_795_000_000,
            like_service: None,
        }
    }

    #[test]
    fn tags_and_expiry() {
        let plan = plan(&request(60), &cluster(&[]), &Limits::default()).unwrap();
        let tags: BTreeMap<_, _> = plan.tags.iter().cloned().collect();
        assert_eq!(tags["debug-toolkit:managed-by"], "ecs-debug-toolkit");
        assert_eq!(tags["debug-toolkit:requested-by"], "U1");
        assert_eq!(tags["debug-toolkit:channel"], "C9");
        assert_eq!(tags["debug-toolkit:reason"], "db timeouts channel");
        assert_eq!(tags["debug-toolkit:launched-at"], "2026-11-18T11:06:40Z");
        assert_eq!(tags["debug-toolkit:expires-at"], "2026-11-18T12:06:40Z");
        assert_eq!(tags["Environment"], "dev");
        assert_eq!(tags["debug-toolkit:request"].len(), 64);
        assert_eq!(plan.subnets, ["subnet-1", "subnet-2"]);
        assert!(!plan.capped);
        assert_eq!(
            plan.container_environment,
            [("DEBUG_TOOLKIT_CHANNEL".to_string(), "C9".to_string())],
            "the channel outlives the tags"
        );
    }

    #[test]
    fn ttl_is_capped_at_the_max_lifetime() {
        let plan = plan(&request(600), &cluster(&[]), &Limits::default()).unwrap();
        assert_eq!(plan.ttl_minutes, 120);
        assert!(plan.capped);
        assert_eq!(plan.expires_at, 1_795_000_000 + 120 * 60);
    }

    #[test]
    fn same_request_same_token_other_cluster_other_token() {
        let a = client_token("arn:c1", "r-1");
        assert_eq!(a, client_token("arn:c1", "r-1"));
        assert_ne!(a, client_token("arn:c2", "r-1"));
        assert_ne!(a, client_token("arn:c1", "r-2"));
        assert_eq!(client_token("arn", &"x".repeat(10_000)).len(), 64);
    }

    #[test]
    fn placement_must_be_tagged() {
        let no_subnets = cluster(&[(tags::SUBNETS, " ")]);
        assert!(matches!(
            plan(&request(60), &no_subnets, &Limits::default()),
            Err(Refusal::Incomplete {
                tag: tags::SUBNETS,
                ..
            })
        ));
        let too_many = cluster(&[(tags::SECURITY_GROUPS, "sg-1 sg-2 sg-3 sg-4 sg-5 sg-6")]);
        assert!(plan(&request(60), &too_many, &Limits::default()).is_err());
        let another_family = cluster(&[(tags::TASK_FAMILY, "payments-api")]);
        assert!(matches!(
            plan(&request(60), &another_family, &Limits::default()),
            Err(Refusal::Incomplete {
                tag: tags::TASK_FAMILY,
                ..
            })
        ));
    }
}
