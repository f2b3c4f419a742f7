//! Security group rules, for egress and ingress alike: the pure plan that makes a group's rules in
//! one direction exactly the wanted TCP (port, peer) pairs, and applying it (revoke what is not
//! wanted, authorise what is missing, new rules tagged; EC2's eventual consistency retried).

use crate::context::Desired;
use crate::error::{has_code, ProvisionError};
use crate::resources::tagging;
use crate::retry;
use crate::spec::GroupRef;
use aws_sdk_ec2::types::{IpPermission, IpRange, ResourceType, TagSpecification, UserIdGroupPair};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use std::collections::BTreeSet;

/// EC2's answer for a group it does not know (yet: it is eventually consistent).
pub const GROUP_NOT_FOUND_YET: &str = "InvalidGroup.NotFound";

/// The other end of a single-port TCP rule: an IPv4 range or a security group.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Peer {
    Cidr(String),
    Group(GroupRef),
}

/// A rule we want: TCP `port` with `peer`.
pub type WantedRule = (u16, Peer);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

/// The changes that make a group's rules in one direction exactly the wanted ones.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RulePlan {
    pub revoke: Vec<IpPermission>,
    pub add: Vec<IpPermission>,
}

impl RulePlan {
    /// Compares the current rules one source at a time with `wanted`: every source not wanted
    /// (another protocol, a port range, IPv6, a prefix list, a peer not listed) is revoked, every
    /// wanted rule not present is added with `description(port, peer)`.
    pub fn new(
        current: &[IpPermission],
        wanted: &BTreeSet<WantedRule>,
        description: impl Fn(u16, &Peer) -> String,
    ) -> Self {
        let rules = single_source_rules(current);
        let present: BTreeSet<&WantedRule> =
            rules.iter().filter_map(|(key, _)| key.as_ref()).collect();
        let add = wanted
            .iter()
            .filter(|rule| !present.contains(rule))
            .map(|(port, peer)| permission(*port, peer, description(*port, peer)))
            .collect();
        let revoke = rules
            .into_iter()
            .filter(|(key, _)| !key.as_ref().is_some_and(|k| wanted.contains(k)))
            .map(|(_, p)| p)
            .collect();
        Self { revoke, add }
    }
}

/// The port of a TCP rule for one port (rules are compared by it).
pub fn single_tcp_port(p: &IpPermission) -> Option<u16> {
    (p.ip_protocol() == Some("tcp") && p.from_port() == p.to_port())
        .then(|| p.from_port())
        .flatten()
        .and_then(|port| u16::try_from(port).ok())
}

/// Splits permissions into single-source rules: (the wanted-rule key it could match, the rule as
/// it would be revoked).
fn single_source_rules(permissions: &[IpPermission]) -> Vec<(Option<WantedRule>, IpPermission)> {
    let mut out = Vec::new();
    for p in permissions {
        let port = single_tcp_port(p);
        let base = || {
            IpPermission::builder()
                .set_ip_protocol(p.ip_protocol().map(str::to_owned))
                .set_from_port(p.from_port())
                .set_to_port(p.to_port())
        };
        for range in p.ip_ranges() {
            let cidr = range.cidr_ip().map(str::to_owned);
            let key = port.zip(cidr.clone().map(Peer::Cidr));
            let range = IpRange::builder().set_cidr_ip(cidr).build();
            out.push((key, base().ip_ranges(range).build()));
        }
        for pair in p.user_id_group_pairs() {
            let key = port.zip(pair.group_id().map(|g| {
                Peer::Group(GroupRef {
                    id: g.to_owned(),
                    account: pair.user_id().map(str::to_owned),
                })
            }));
            out.push((key, base().user_id_group_pairs(pair.clone()).build()));
        }
        for range in p.ipv6_ranges() {
            out.push((None, base().ipv6_ranges(range.clone()).build()));
        }
        for list in p.prefix_list_ids() {
            out.push((None, base().prefix_list_ids(list.clone()).build()));
        }
    }
    out
}

fn permission(port: u16, peer: &Peer, description: String) -> IpPermission {
    let rule = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(i32::from(port))
        .to_port(i32::from(port));
    match peer {
        Peer::Cidr(cidr) => rule.ip_ranges(
            IpRange::builder()
                .cidr_ip(cidr)
                .description(description)
                .build(),
        ),
        Peer::Group(group) => rule.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(&group.id)
                .set_user_id(group.account.clone())
                .description(description)
                .build(),
        ),
    }
    .build()
}

/// Applies `plan` to group `id` (named `name`): a rule already gone or already there counts as
/// done; a group EC2 does not know yet is retried.
pub async fn apply(
    desired: &Desired<'_>,
    name: &str,
    id: &str,
    direction: Direction,
    plan: RulePlan,
) -> Result<(), ProvisionError> {
    let (revoked, authorized) = tokio::join!(
        change(desired, name, id, (Change::Revoke, direction), &plan.revoke),
        change(desired, name, id, (Change::Authorize, direction), &plan.add),
    );
    revoked.and(authorized)
}

#[derive(Clone, Copy, Debug)]
enum Change {
    Revoke,
    Authorize,
}

/// EC2's errors of every operation, as one type.
type Ec2Failure = SdkError<aws_sdk_ec2::Error, HttpResponse>;

async fn change(
    desired: &Desired<'_>,
    name: &str,
    id: &str,
    what: (Change, Direction),
    rules: &[IpPermission],
) -> Result<(), ProvisionError> {
    if rules.is_empty() {
        return Ok(());
    }
    let action = match what {
        (Change::Revoke, Direction::Egress) => "RevokeSecurityGroupEgress",
        (Change::Revoke, Direction::Ingress) => "RevokeSecurityGroupIngress",
        (Change::Authorize, Direction::Egress) => "AuthorizeSecurityGroupEgress",
        (Change::Authorize, Direction::Ingress) => "AuthorizeSecurityGroupIngress",
    };
    // A rule already gone, or already there, is what was wanted. EC2 changes a batch atomically:
    // such an answer means none of the batch was changed, so each rule is then sent alone.
    let done = match what.0 {
        Change::Revoke => "InvalidPermission.NotFound",
        Change::Authorize => "InvalidPermission.Duplicate",
    };
    let call = || async {
        match send(desired, id, what, rules).await {
            Err(e) if has_code(&e, done) && rules.len() > 1 => {
                for rule in rules {
                    match send(desired, id, what, std::slice::from_ref(rule)).await {
                        Err(e) if has_code(&e, done) => {}
                        other => other?,
                    }
                }
                Ok(())
            }
            Err(e) if has_code(&e, done) => Ok(()),
            other => other,
        }
    };
    retry::while_transient(name, action, retry::code(GROUP_NOT_FOUND_YET), call).await
}

async fn send(
    desired: &Desired<'_>,
    id: &str,
    what: (Change, Direction),
    rules: &[IpPermission],
) -> Result<(), Ec2Failure> {
    let ec2 = &desired.clients().ec2;
    let rules = Some(rules.to_vec());
    let tags = TagSpecification::builder()
        .resource_type(ResourceType::SecurityGroupRule)
        .set_tags(Some(tagging::ec2(&desired.tags)))
        .build();
    // The four operations take the same parameters (revocations no tags); EC2's errors as one type.
    macro_rules! send {
        ($call:ident $(, $tags:expr)?) => {
            ec2.$call()
                .group_id(id)
                .set_ip_permissions(rules)
                $(.tag_specifications($tags))?
                .send()
                .await
                .map(drop)
                .map_err(|e| e.map_service_error(aws_sdk_ec2::Error::from))
        };
    }
    match what {
        (Change::Revoke, Direction::Egress) => send!(revoke_security_group_egress),
        (Change::Revoke, Direction::Ingress) => send!(revoke_security_group_ingress),
        (Change::Authorize, Direction::Egress) => send!(authorize_security_group_egress, tags),
        (Change::Authorize, Direction::Ingress) => send!(authorize_security_group_ingress, tags),
    }
}
