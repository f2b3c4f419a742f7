//! Does a KMS key policy admit CloudWatch Logs for the exec log group? A pure decision over the
//! policy document, as CloudWatch Logs' guide asks of a key that encrypts a log group: the
//! service principal `logs.<region>.amazonaws.com` allowed `kms:Encrypt*`, `kms:Decrypt*` and
//! `kms:GenerateDataKey*`, usually conditioned on `kms:EncryptionContext:aws:logs:arn`.
//!
//! It names a key only when its policy *certainly* does not admit Logs: a condition it cannot
//! read counts as met in an Allow and as unmet in a Deny (docs/decisions.md, "Exec preflight").

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use wildmatch::WildMatch;

/// What CloudWatch Logs does with the key of a log group it writes and reads.
pub const LOGS_NEEDS: [&str; 3] = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"];
/// The encryption-context key CloudWatch Logs sets to the log group's ARN.
const CONTEXT_KEY: &str = "kms:encryptioncontext:aws:logs:arn";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyPolicyProblem {
    #[error("its policy is not a JSON policy document ({0})")]
    Unreadable(String),
    #[error("its policy does not allow {service} {}", missing.join(", "))]
    Missing {
        service: String,
        missing: Vec<&'static str>,
    },
}

#[derive(Deserialize)]
struct Document {
    #[serde(rename = "Statement")]
    statement: OneOrMany<Statement>,
}

#[derive(Deserialize)]
struct Statement {
    #[serde(rename = "Effect")]
    effect: String,
    #[serde(rename = "Principal")]
    principal: Option<Value>,
    #[serde(rename = "Action")]
    action: Option<OneOrMany<String>>,
    #[serde(rename = "Condition", default)]
    condition: BTreeMap<String, BTreeMap<String, OneOrMany<String>>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    fn iter(&self) -> impl Iterator<Item = &T> {
        match self {
            Self::One(one) => std::slice::from_ref(one).iter(),
            Self::Many(many) => many.iter(),
        }
    }
}

/// `Ok` when the policy admits CloudWatch Logs of `region` for the log group `log_group_arn`.
pub fn admits_logs(
    policy: &str,
    region: &str,
    log_group_arn: &str,
) -> Result<(), KeyPolicyProblem> {
    let document: Document =
        serde_json::from_str(policy).map_err(|e| KeyPolicyProblem::Unreadable(e.to_string()))?;
    let service = format!("logs.{region}.amazonaws.com");
    let statements: Vec<&Statement> = document
        .statement
        .iter()
        .filter(|s| names_service(s.principal.as_ref(), &service))
        .collect();
    let missing: Vec<&'static str> = LOGS_NEEDS
        .into_iter()
        .filter(|action| {
            let applies = |effect: &str, unreadable_condition_holds: bool| {
                statements.iter().any(|s| {
                    s.effect == effect
                        && s.action
                            .as_ref()
                            .is_some_and(|a| a.iter().any(|p| glob(p, action)))
                        && conditions_hold(&s.condition, log_group_arn, unreadable_condition_holds)
                })
            };
            !applies("Allow", true) || applies("Deny", false)
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(KeyPolicyProblem::Missing { service, missing })
    }
}

/// `"*"`, `{"AWS": "*"}` or `{"Service": ...}` naming the service.
fn names_service(principal: Option<&Value>, service: &str) -> bool {
    let named = |value: Option<&Value>, wanted: &str| match value {
        Some(Value::String(s)) => s == wanted,
        Some(Value::Array(items)) => items.iter().any(|i| i.as_str() == Some(wanted)),
        _ => false,
    };
    match principal {
        Some(Value::String(s)) => s == "*",
        Some(Value::Object(map)) => {
            named(map.get("AWS"), "*") || named(map.get("Service"), service)
        }
        _ => false,
    }
}

fn conditions_hold(
    conditions: &BTreeMap<String, BTreeMap<String, OneOrMany<String>>>,
    log_group_arn: &str,
    unreadable_holds: bool,
) -> bool {
    conditions.iter().all(|(operator, keys)| {
        keys.iter().all(|(key, values)| {
            let operator = operator.to_ascii_lowercase();
            let operator = operator.strip_suffix("ifexists").unwrap_or(&operator);
            if key.to_ascii_lowercase() != CONTEXT_KEY {
                return unreadable_holds;
            }
            match operator {
                "stringequals" | "arnequals" => values.iter().any(|v| v == log_group_arn),
                "stringlike" | "arnlike" => values.iter().any(|v| glob(v, log_group_arn)),
                _ => unreadable_holds,
            }
        })
    })
}

/// IAM's `*` and `?` wildcards; actions compare case-insensitively (ARNs in our use too).
fn glob(pattern: &str, value: &str) -> bool {
    WildMatch::new_case_insensitive(pattern).matches(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const REGION: &str = "eu-west-1";
    const GROUP: &str = "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/c/ecs-exec";

    /// The account's IAM policies decide for the account: what KMS gives a key made without a policy.
    fn root_statement() -> Value {
        json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"})
    }

    /// The statement CloudWatch Logs' guide gives.
    fn logs_statement(condition: Value) -> Value {
        json!({
            "Effect": "Allow",
            "Principal": {"Service": "logs.eu-west-1.amazonaws.com"},
            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            "Resource": "*",
            "Condition": condition
        })
    }

    fn missing(statements: Vec<Value>) -> Vec<&'static str> {
        let policy = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        match admits_logs(&policy, REGION, GROUP) {
            Ok(()) => vec![],
            Err(KeyPolicyProblem::Missing { missing, .. }) => missing,
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn verdicts() {
        let arn_like =
            |pattern: &str| json!({"ArnLike": {"kms:EncryptionContext:aws:logs:arn": pattern}});
        for (name, statements, expected) in [
            (
                "the default key policy: Logs is not the account",
                vec![root_statement()],
                LOGS_NEEDS.to_vec(),
            ),
            (
                "the guide's statement for every log group",
                vec![
                    root_statement(),
                    logs_statement(arn_like("arn:aws:logs:eu-west-1:123456789012:log-group:*")),
                ],
                vec![],
            ),
            (
                "the guide's statement for this log group",
                vec![logs_statement(arn_like(GROUP))],
                vec![],
            ),
            (
                "no condition at all",
                vec![logs_statement(json!({}))],
                vec![],
            ),
            (
                "another log group only",
                vec![logs_statement(arn_like(
                    "arn:aws:logs:eu-west-1:123456789012:log-group:/other/*",
                ))],
                LOGS_NEEDS.to_vec(),
            ),
            (
                "another region's Logs",
                vec![
                    json!({"Effect": "Allow", "Principal": {"Service": "logs.us-east-1.amazonaws.com"}, "Action": "kms:*", "Resource": "*"}),
                ],
                LOGS_NEEDS.to_vec(),
            ),
            (
                "everyone",
                vec![
                    json!({"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}),
                ],
                vec![],
            ),
            (
                "decrypt only",
                vec![
                    json!({"Effect": "Allow", "Principal": {"Service": ["logs.eu-west-1.amazonaws.com"]}, "Action": "kms:Decrypt", "Resource": "*"}),
                ],
                vec!["kms:Encrypt", "kms:GenerateDataKey"],
            ),
            (
                "a condition we cannot read admits in an Allow",
                vec![logs_statement(
                    json!({"StringEquals": {"aws:SourceAccount": "123456789012"}}),
                )],
                vec![],
            ),
            (
                "a Deny of encryption",
                vec![
                    logs_statement(json!({})),
                    json!({"Effect": "Deny", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*"}),
                ],
                vec!["kms:Encrypt"],
            ),
            (
                "a Deny with a condition we cannot read does not count",
                vec![
                    logs_statement(json!({})),
                    json!({"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
                ],
                vec![],
            ),
            (
                "actions compare case-insensitively",
                vec![
                    json!({"Effect": "Allow", "Principal": {"Service": "logs.eu-west-1.amazonaws.com"}, "Action": "KMS:*", "Resource": "*"}),
                ],
                vec![],
            ),
        ] {
            assert_eq!(missing(statements), expected, "{name}");
        }
    }

    #[test]
    fn a_single_statement_object_and_bad_documents() {
        let single = json!({"Statement": logs_statement(json!({}))}).to_string();
        assert_eq!(admits_logs(&single, REGION, GROUP), Ok(()));
        assert!(matches!(
            admits_logs("{not json", REGION, GROUP),
            Err(KeyPolicyProblem::Unreadable(_))
        ));
        let problem = admits_logs(
            &json!({"Statement": [root_statement()]}).to_string(),
            REGION,
            GROUP,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            problem,
            "its policy does not allow logs.eu-west-1.amazonaws.com kms:Encrypt, kms:Decrypt, kms:GenerateDataKey"
        );
    }
}
