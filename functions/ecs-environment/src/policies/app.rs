//! The application task role's policy (docs/interface.md, `ecs-environment`): objects of
//! `AppS3BucketArns` read and written and the buckets listed; items of `AppDynamoDbTableArns` and
//! their indexes read, written, queried and scanned (buckets of this account only, unless the stack
//! allows other accounts' resources); `AppKmsKeyArns` used through S3 and DynamoDB of this region
//! only; and what ECS Exec needs, so Exec works on the application's own service.

use super::exec_statements;
use crate::names::ResourceNames;
use crate::spec::EnvironmentSpec;
use crate::stack::StackResource;
use serde_json::{json, Value};

pub fn app_task_policy(
    stack: &StackResource,
    names: &ResourceNames,
    spec: &EnvironmentSpec,
) -> Value {
    let app = &spec.app;
    let mut statements = Vec::new();
    if !app.s3_bucket_arns.is_empty() {
        let objects: Vec<String> = app
            .s3_bucket_arns
            .iter()
            .map(|b| format!("{b}/*"))
            .collect();
        let mut objects = json!({
            "Sid": "AppObjects",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": objects
        });
        let mut buckets = json!({
            "Sid": "AppBuckets",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": app.s3_bucket_arns
        });
        // A bucket ARN names no account: without AllowForeignResourceArns, S3 checks the
        // bucket's owner (`s3:ResourceAccount`, Service Authorization Reference, Amazon S3).
        if !spec.foreign_resources_allowed {
            for statement in [&mut objects, &mut buckets] {
                statement["Condition"] =
                    json!({"StringEquals": {"s3:ResourceAccount": stack.account}});
            }
        }
        statements.extend([objects, buckets]);
    }
    if !app.dynamodb_table_arns.is_empty() {
        let tables: Vec<String> = app
            .dynamodb_table_arns
            .iter()
            .flat_map(|t| [t.clone(), format!("{t}/index/*")])
            .collect();
        statements.push(json!({
            "Sid": "AppTables",
            "Effect": "Allow",
            "Action": [
                "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
                "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"
            ],
            "Resource": tables
        }));
    }
    if !app.kms_key_arns.is_empty() {
        let via: Vec<String> = ["s3", "dynamodb"]
            .iter()
            .map(|service| format!("{service}.{}.amazonaws.com", stack.region))
            .collect();
        statements.push(json!({
            "Sid": "AppDataKeys",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": app.kms_key_arns,
            "Condition": {"StringEquals": {"kms:ViaService": via}}
        }));
    }
    statements.extend(exec_statements(stack, names, spec));
    json!({"Version": "2012-10-17", "Statement": statements})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Properties;

    fn policy(extra: Value) -> Value {
        policy_with(extra, false)
    }

    fn policy_with(extra: Value, foreign_allowed: bool) -> Value {
        let mut props: Properties = json!({"ClusterName": "c", "VpcId": "vpc-0a1b2c3d"})
            .as_object()
            .unwrap()
            .clone();
        props.extend(extra.as_object().unwrap().clone());
        let mut spec = EnvironmentSpec::parse(&props, "eu-west-1").unwrap();
        spec.foreign_resources_allowed = foreign_allowed;
        app_task_policy(
            &StackResource::example(),
            &ResourceNames::for_cluster("c"),
            &spec,
        )
    }

    fn sids(policy: &Value) -> Vec<&str> {
        policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["Sid"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn exec_works_on_the_application_even_with_no_data_to_reach() {
        let policy = policy(json!({}));
        assert_eq!(
            sids(&policy),
            [
                "EcsExecSessionChannels",
                "EcsExecFindLogGroup",
                "EcsExecSessionLogs"
            ]
        );
    }

    #[test]
    fn buckets_tables_and_their_keys() {
        let key = "arn:aws:kms:eu-west-1:123456789012:key/k1";
        let policy = policy(json!({
            "AppS3BucketArns": "arn:aws:s3:::bucket-1",
            "AppDynamoDbTableArns": "arn:aws:dynamodb:eu-west-1:123456789012:table/payments",
            "AppKmsKeyArns": key,
        }));
        assert_eq!(
            &sids(&policy)[..4],
            ["AppObjects", "AppBuckets", "AppTables", "AppDataKeys"]
        );
        let keys = &policy["Statement"][3];
        assert_eq!(
            keys["Action"],
            json!(["kms:Decrypt", "kms:GenerateDataKey"])
        );
        assert_eq!(keys["Resource"], json!([key]));
        assert_eq!(
            keys["Condition"]["StringEquals"]["kms:ViaService"],
            json!([
                "s3.eu-west-1.amazonaws.com",
                "dynamodb.eu-west-1.amazonaws.com"
            ])
        );
        assert_eq!(
            policy["Statement"][2]["Resource"],
            json!([
                "arn:aws:dynamodb:eu-west-1:123456789012:table/payments",
                "arn:aws:dynamodb:eu-west-1:123456789012:table/payments/index/*"
            ])
        );
    }

    #[test]
    fn buckets_are_this_accounts_unless_the_stack_allows_others() {
        let buckets = json!({"AppS3BucketArns": "arn:aws:s3:::bucket-1"});
        let own = policy_with(buckets.clone(), false);
        for statement in &own["Statement"].as_array().unwrap()[..2] {
            assert_eq!(
                statement["Condition"],
                json!({"StringEquals": {"s3:ResourceAccount": "123456789012"}}),
                "{statement}"
            );
        }
        let any = policy_with(buckets, true);
        for statement in &any["Statement"].as_array().unwrap()[..2] {
            assert!(statement.get("Condition").is_none(), "{statement}");
        }
    }
}
