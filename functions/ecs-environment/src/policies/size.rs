//! IAM's limit on a role's inline policies (the IAM quotas page): together at most 10,240
//! characters, whitespace not counted; over it PutRolePolicy answers `LimitExceeded`, after the
//! other resources were made. So the sizes are checked before any AWS call.

use super::{app_task_policy, execution_policy, task_policy};
use crate::names::ResourceNames;
use crate::spec::EnvironmentSpec;
use crate::stack::StackResource;
use serde_json::Value;

/// The most characters (whitespace not counted) of all inline policies of one role.
pub const MAX_ROLE_INLINE_CHARS: usize = 10_240;

/// The properties whose lists fill the app task role's policy.
const APP_LISTS: &str = "AppS3BucketArns, AppDynamoDbTableArns and AppKmsKeyArns";

/// What IAM counts of a policy document: its characters as sent, whitespace left out.
pub fn counted_chars(document: &Value) -> usize {
    document
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .count()
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{properties}: together they make the {role} role's policy {chars} characters, over IAM's {MAX_ROLE_INLINE_CHARS} for a role's inline policies (whitespace not counted); name fewer or shorter ARNs")]
pub struct TooLarge {
    pub properties: &'static str,
    pub role: String,
    pub chars: usize,
}

/// Every role's inline policy (one a role) within IAM's limit, or the first that is not.
pub fn check(stack: &StackResource, spec: &EnvironmentSpec) -> Result<(), TooLarge> {
    let names = ResourceNames::for_cluster(&spec.cluster_name);
    let roles = [
        (
            APP_LISTS,
            &names.app_task_role,
            app_task_policy(stack, &names, spec),
        ),
        (
            "KmsKeyArn",
            &names.task_role,
            task_policy(stack, &names, spec),
        ),
        (
            "ClusterName",
            &names.execution_role,
            execution_policy(stack, &names),
        ),
    ];
    for (properties, role, document) in roles {
        let chars = counted_chars(&document);
        if chars > MAX_ROLE_INLINE_CHARS {
            return Err(TooLarge {
                properties,
                role: role.clone(),
                chars,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Properties;
    use serde_json::json;

    /// `buckets` of names `bucket_len` long (S3 allows 63), `tables` of `table_len` (DynamoDB 255).
    fn spec(buckets: usize, bucket_len: usize, tables: usize, table_len: usize) -> EnvironmentSpec {
        let name = |i: usize, len: usize| format!("{i:02}{}", "x".repeat(len - 2));
        let buckets: Vec<String> = (0..buckets)
            .map(|i| format!("arn:aws:s3:::{}", name(i, bucket_len)))
            .collect();
        let tables: Vec<String> = (0..tables)
            .map(|i| {
                format!(
                    "arn:aws:dynamodb:eu-west-1:123456789012:table/{}",
                    name(i, table_len)
                )
            })
            .collect();
        let props: Properties = json!({
            "ClusterName": "c", "VpcId": "vpc-0a1b2c3d",
            "AppS3BucketArns": buckets, "AppDynamoDbTableArns": tables,
        })
        .as_object()
        .unwrap()
        .clone();
        EnvironmentSpec::parse(&props, "eu-west-1").unwrap()
    }

    #[test]
    fn whitespace_is_not_counted() {
        assert_eq!(counted_chars(&json!({"a b": "c d"})), 11);
    }

    #[test]
    fn what_fits_and_what_does_not() {
        let stack = StackResource::example();
        for (buckets, bucket_len, tables, table_len, fits) in [
            (0, 3, 0, 3, true),
            (20, 63, 20, 63, true),
            // 20 buckets and 20 tables of long names: IAM's LimitExceeded on AWS.
            (20, 63, 20, 200, false),
            (70, 63, 0, 3, false),
            (0, 3, 40, 255, false),
        ] {
            let result = check(&stack, &spec(buckets, bucket_len, tables, table_len));
            let case = format!("{buckets} of {bucket_len}, {tables} of {table_len}");
            assert_eq!(result.is_ok(), fits, "{case}: {result:?}");
            if let Err(too_large) = result {
                assert_eq!(too_large.role, "c-app-task");
                assert!(too_large.chars > MAX_ROLE_INLINE_CHARS);
                let text = too_large.to_string();
                assert!(text.starts_with("AppS3BucketArns, AppDynamoDbTableArns and AppKmsKeyArns"));
            }
        }
    }
}
