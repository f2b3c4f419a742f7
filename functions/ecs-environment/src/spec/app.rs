//! The application side of the environment (docs/interface.md, `ecs-environment`): what the app
//! task role may use and which load balancer groups may reach the application's ports.

use super::error::PropertyError;
use super::fields::{list, Properties};
use super::rules;

/// A security group holds 60 inbound rules; each port admits each source group.
pub const MAX_INGRESS_RULES: usize = 60;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppSpec {
    pub s3_bucket_arns: Vec<String>,
    pub dynamodb_table_arns: Vec<String>,
    /// Keys the app may use through S3 and DynamoDB (their encryption).
    pub kms_key_arns: Vec<String>,
    pub ingress_ports: Vec<u16>,
    pub ingress_source_groups: Vec<GroupRef>,
}

/// A security group an ingress rule admits: `sg-…` of this account, or `<account-id>/sg-…` of
/// another (EC2's `UserId` and `GroupId`). Compared by id alone: group ids are unique across
/// accounts, and EC2 reports this account's own groups with its `UserId` too.
#[derive(Clone, Debug)]
pub struct GroupRef {
    pub id: String,
    /// Another account's id; `None` for this account's groups.
    pub account: Option<String>,
}

impl GroupRef {
    pub fn parse(text: &str) -> Option<Self> {
        let (account, id) = match text.split_once('/') {
            Some((account, id)) => (Some(account), id),
            None => (None, text),
        };
        let account_ok =
            account.is_none_or(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()));
        (account_ok && rules::is_ec2_id(id, "sg")).then(|| Self {
            id: id.to_string(),
            account: account.map(str::to_string),
        })
    }

    pub fn in_this_account(&self) -> bool {
        self.account.is_none()
    }
}

impl PartialEq for GroupRef {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for GroupRef {}

impl PartialOrd for GroupRef {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for GroupRef {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.id.cmp(&other.id)
    }
}

impl AppSpec {
    /// `region`: the stack's (the app's keys must be in it, as S3 and DynamoDB use them there).
    pub fn parse(
        props: &Properties,
        region: &str,
        errors: &mut super::PropertyErrors,
    ) -> Option<Self> {
        let buckets = errors.take(arns(
            props,
            "AppS3BucketArns",
            rules::is_s3_bucket_arn,
            "arn:aws:s3:::bucket-name",
        ));
        let tables = errors.take(arns(
            props,
            "AppDynamoDbTableArns",
            rules::is_dynamodb_table_arn,
            "arn:aws:dynamodb:eu-west-1:123456789012:table/name",
        ));
        let keys = errors.take(kms_keys(props, region));
        let ports = errors.take(tcp_ports(props, "AppIngressPorts"));
        let sources = errors.take(source_groups(props));
        let (ports, sources) = (ports?, sources?);
        match (ports.is_empty(), sources.is_empty()) {
            (false, true) => errors.push(PropertyError::new(
                "AppIngressSourceSecurityGroupIds",
                "required with AppIngressPorts (the groups allowed in on those ports)",
            )),
            (true, false) => errors.push(PropertyError::new(
                "AppIngressPorts",
                "required with AppIngressSourceSecurityGroupIds (the ports they may reach)",
            )),
            _ if ports.len() * sources.len() > MAX_INGRESS_RULES => errors.push(PropertyError::new(
                "AppIngressPorts",
                format!(
                    "{} ports from {} groups make {} rules; a security group holds {MAX_INGRESS_RULES}",
                    ports.len(),
                    sources.len(),
                    ports.len() * sources.len()
                ),
            )),
            _ => {}
        }
        Some(Self {
            s3_bucket_arns: buckets?,
            dynamodb_table_arns: tables?,
            kms_key_arns: keys?,
            ingress_ports: ports,
            ingress_source_groups: sources,
        })
    }
}

fn arns(
    props: &Properties,
    name: &'static str,
    valid: fn(&str) -> bool,
    example: &str,
) -> Result<Vec<String>, PropertyError> {
    let arns = super::checks::dedup(list(props, name)?.unwrap_or_default());
    if let Some(bad) = arns.iter().find(|arn| !valid(arn)) {
        return Err(PropertyError::new(
            name,
            format!("each must be an ARN like {example} (no wildcards), got {bad:?}"),
        ));
    }
    Ok(arns)
}

fn kms_keys(props: &Properties, region: &str) -> Result<Vec<String>, PropertyError> {
    let keys = super::checks::dedup(list(props, "AppKmsKeyArns")?.unwrap_or_default());
    match keys
        .iter()
        .find_map(|key| rules::kms_key_arn_problem(key, region))
    {
        Some(problem) => Err(PropertyError::new("AppKmsKeyArns", problem)),
        None => Ok(keys),
    }
}

fn source_groups(props: &Properties) -> Result<Vec<GroupRef>, PropertyError> {
    let ids =
        super::checks::dedup(list(props, "AppIngressSourceSecurityGroupIds")?.unwrap_or_default());
    ids.iter()
        .map(|id| {
            GroupRef::parse(id).ok_or_else(|| {
                PropertyError::new(
                    "AppIngressSourceSecurityGroupIds",
                    format!("each must look like sg-0a1b2c3d, or 123456789012/sg-0a1b2c3d for another account's group, got {id:?}"),
                )
            })
        })
        .collect()
}

/// TCP ports from 1 to 65535, sorted, each once.
pub(super) fn tcp_ports(props: &Properties, name: &'static str) -> Result<Vec<u16>, PropertyError> {
    let raw = list(props, name)?.unwrap_or_default();
    let mut ports = Vec::with_capacity(raw.len());
    for item in raw {
        match item.parse::<u16>() {
            Ok(port) if port > 0 => ports.push(port),
            _ => {
                return Err(PropertyError::new(
                    name,
                    format!("each must be a TCP port from 1 to 65535, got {item:?}"),
                ))
            }
        }
    }
    ports.sort_unstable();
    ports.dedup();
    Ok(ports)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::PropertyErrors;
    use serde_json::{json, Value};

    const BUCKET: &str = "arn:aws:s3:::payments-uploads";
    const TABLE: &str = "arn:aws:dynamodb:eu-west-1:123456789012:table/payments";
    const ALB: &str = "sg-0123456789abcdef0";

    fn parse(props: Value) -> Result<AppSpec, Vec<String>> {
        let props: Properties = serde_json::from_value(props).unwrap();
        let mut errors = PropertyErrors::default();
        let spec = AppSpec::parse(&props, "eu-west-1", &mut errors);
        errors
            .into_result()
            .map(|()| spec.unwrap())
            .map_err(|e| e.to_string().lines().map(str::to_owned).collect())
    }

    #[test]
    fn all_four_or_none() {
        assert_eq!(parse(json!({})), Ok(AppSpec::default()));
        let spec = parse(json!({
            "AppS3BucketArns": [BUCKET, BUCKET],
            "AppDynamoDbTableArns": TABLE,
            "AppIngressPorts": "8080,80",
            "AppIngressSourceSecurityGroupIds": [ALB],
        }))
        .unwrap();
        assert_eq!(spec.s3_bucket_arns, [BUCKET]);
        assert_eq!(spec.dynamodb_table_arns, [TABLE]);
        assert_eq!(spec.ingress_ports, [80, 8080]);
        assert_eq!(spec.ingress_source_groups.len(), 1);
        assert_eq!(spec.ingress_source_groups[0].id, ALB);
        assert!(spec.ingress_source_groups[0].in_this_account());
        let shared = parse(json!({
            "AppIngressPorts": "80",
            "AppIngressSourceSecurityGroupIds": format!("210987654321/{ALB}"),
        }))
        .unwrap();
        assert_eq!(
            shared.ingress_source_groups[0].account.as_deref(),
            Some("210987654321")
        );
    }

    #[test]
    fn each_bad_value_is_named() {
        let ports: Vec<String> = (1..=31).map(|p| p.to_string()).collect();
        for (props, named) in [
            (
                json!({"AppS3BucketArns": "arn:aws:s3:::bucket/*"}),
                "AppS3BucketArns",
            ),
            (
                json!({"AppS3BucketArns": "arn:aws:s3:::*"}),
                "AppS3BucketArns",
            ),
            (json!({"AppS3BucketArns": "my-bucket"}), "AppS3BucketArns"),
            (
                json!({"AppKmsKeyArns": "arn:aws:kms:us-east-1:123456789012:key/k1"}),
                "AppKmsKeyArns",
            ),
            (
                json!({"AppIngressPorts": "80", "AppIngressSourceSecurityGroupIds": format!("12345/{ALB}")}),
                "AppIngressSourceSecurityGroupIds",
            ),
            (
                json!({"AppDynamoDbTableArns": format!("{TABLE}/index/by-date")}),
                "AppDynamoDbTableArns",
            ),
            (
                json!({"AppDynamoDbTableArns": "arn:aws:dynamodb:eu-west-1:123:table/t1"}),
                "AppDynamoDbTableArns",
            ),
            (
                json!({"AppDynamoDbTableArns": "arn:aws:dynamodb:eu-west-1:123456789012:table/*"}),
                "AppDynamoDbTableArns",
            ),
            (
                json!({"AppIngressPorts": "80"}),
                "AppIngressSourceSecurityGroupIds",
            ),
            (
                json!({"AppIngressSourceSecurityGroupIds": ALB}),
                "AppIngressPorts",
            ),
            (
                json!({"AppIngressPorts": "0", "AppIngressSourceSecurityGroupIds": ALB}),
                "AppIngressPorts",
            ),
            (
                json!({"AppIngressPorts": "80", "AppIngressSourceSecurityGroupIds": "alb"}),
                "AppIngressSourceSecurityGroupIds",
            ),
            (
                json!({"AppIngressPorts": ports, "AppIngressSourceSecurityGroupIds": [ALB, "sg-0123456789abcdef1"]}),
                "AppIngressPorts",
            ),
        ] {
            let errors = parse(props.clone()).expect_err(&props.to_string());
            assert!(
                errors.iter().any(|e| e.contains(named)),
                "{props}: {errors:?}"
            );
        }
    }
}
