//! `VpcEndpoints`: the VPC endpoints the environment makes for its debug tasks (docs/interface.md,
//! "VPC endpoints"): none (the default), `needed` (what the Exec preflight says the subnets lack),
//! or a comma-separated list of services. Read before any AWS call.

use super::fields::{list, Properties};
use super::PropertyError;
use std::collections::BTreeSet;

pub const PROPERTY: &str = "VpcEndpoints";
pub const NEEDED: &str = "needed";

/// The services an environment may make an endpoint for (`com.amazonaws.<region>.<service>`):
/// `s3` as a gateway endpoint, every other as an interface endpoint.
pub const SERVICES: [&str; 10] = [
    "ssmmessages",
    "ssm",
    "ec2messages",
    "logs",
    "ecr.api",
    "ecr.dkr",
    S3,
    "kms",
    "sts",
    "secretsmanager",
];

/// The one service made as a gateway endpoint.
pub const S3: &str = "s3";

/// What the property asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum VpcEndpoints {
    #[default]
    None,
    /// What the subnets lack, by the preflight's rules.
    Needed,
    /// Exactly these services.
    Listed(BTreeSet<String>),
}

impl VpcEndpoints {
    /// Whether any endpoint may be asked for (the VPC's DNS attributes then matter).
    pub fn any(&self) -> bool {
        *self != Self::None
    }
}

pub fn parse(props: &Properties) -> Result<VpcEndpoints, PropertyError> {
    let Some(items) = list(props, PROPERTY)? else {
        return Ok(VpcEndpoints::None);
    };
    let items: Vec<String> = items.iter().map(|s| s.to_ascii_lowercase()).collect();
    if items.iter().any(|s| s == NEEDED) {
        return if items.len() == 1 {
            Ok(VpcEndpoints::Needed)
        } else {
            Err(PropertyError::new(
                PROPERTY,
                format!("`needed` stands alone, got {:?}", items.join(",")),
            ))
        };
    }
    let unknown: Vec<&str> = items
        .iter()
        .map(String::as_str)
        .filter(|s| !SERVICES.contains(s))
        .collect();
    if !unknown.is_empty() {
        return Err(PropertyError::new(
            PROPERTY,
            format!(
                "{} {} not one of `needed` or {}",
                unknown.join(", "),
                if unknown.len() == 1 { "is" } else { "are" },
                SERVICES.join(", ")
            ),
        ));
    }
    Ok(VpcEndpoints::Listed(items.into_iter().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(value: serde_json::Value) -> Result<VpcEndpoints, String> {
        let props = json!({ PROPERTY: value }).as_object().unwrap().clone();
        parse(&props).map_err(|e| e.to_string())
    }

    fn listed(items: &[&str]) -> Result<VpcEndpoints, String> {
        Ok(VpcEndpoints::Listed(
            items.iter().map(|s| s.to_string()).collect(),
        ))
    }

    #[test]
    fn values() {
        for (value, expected) in [
            (json!(null), Ok(VpcEndpoints::None)),
            (json!(""), Ok(VpcEndpoints::None)),
            (json!("needed"), Ok(VpcEndpoints::Needed)),
            (json!(" Needed "), Ok(VpcEndpoints::Needed)),
            (json!("logs"), listed(&["logs"])),
            (json!("logs, ssmmessages,s3"), listed(&["logs", "s3", "ssmmessages"])),
            (json!(["ecr.api", "ecr.dkr", "ecr.api"]), listed(&["ecr.api", "ecr.dkr"])),
            (json!(SERVICES.join(",")), listed(&SERVICES)),
            (
                json!("ec2"),
                Err("VpcEndpoints: ec2 is not one of `needed` or ssmmessages, ssm, ec2messages, logs, ecr.api, ecr.dkr, s3, kms, sts, secretsmanager".into()),
            ),
            (
                json!("logs,ecr,s3express"),
                Err("VpcEndpoints: ecr, s3express are not one of `needed` or ssmmessages, ssm, ec2messages, logs, ecr.api, ecr.dkr, s3, kms, sts, secretsmanager".into()),
            ),
            (
                json!("needed,logs"),
                Err(r#"VpcEndpoints: `needed` stands alone, got "needed,logs""#.into()),
            ),
            (
                json!("com.amazonaws.eu-west-1.logs"),
                Err("VpcEndpoints: com.amazonaws.eu-west-1.logs is not one of `needed` or ssmmessages, ssm, ec2messages, logs, ecr.api, ecr.dkr, s3, kms, sts, secretsmanager".into()),
            ),
            (json!({"a": 1}), Err("VpcEndpoints: must be a single value (a string)".into())),
        ] {
            assert_eq!(parsed(value.clone()), expected, "{value}");
        }
    }
}
