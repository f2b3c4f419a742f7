use super::*;
use serde_json::{json, Value};

const REGION: &str = "eu-west-1";

fn props(value: Value) -> Properties {
    value.as_object().unwrap().clone()
}

fn minimal() -> Value {
    json!({"ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:ecs-environment",
           "ClusterName": "payments-dev", "VpcId": "vpc-0a1b2c3d"})
}

fn with(extra: Value) -> Properties {
    let mut p = props(minimal());
    for (k, v) in extra.as_object().unwrap() {
        p.insert(k.clone(), v.clone());
    }
    p
}

#[test]
fn minimal_properties_take_the_documented_defaults() {
    let spec = EnvironmentSpec::parse(&props(minimal()), REGION).unwrap();
    assert_eq!(spec.cluster_name, "payments-dev");
    assert_eq!(spec.vpc_id, "vpc-0a1b2c3d");
    assert_eq!(spec.subnet_ids, None);
    assert_eq!(spec.environment, "default");
    assert_eq!(spec.container_insights, ContainerInsights::Enabled);
    assert_eq!(spec.capacity_providers, ["FARGATE", "FARGATE_SPOT"]);
    assert_eq!(spec.default_capacity_provider, "FARGATE");
    assert_eq!(
        (spec.capacity_provider_base, spec.capacity_provider_weight),
        (0, 1)
    );
    assert_eq!(spec.image, "nicolaka/netshoot:latest");
    assert_eq!((spec.cpu, spec.memory), (256, 512));
    assert_eq!(
        (spec.log_retention_days, spec.debug_log_retention_days),
        (30, 7)
    );
    assert_eq!(spec.kms_key_arn, None);
    assert!(spec.extra_egress_ports.is_empty());
    assert!(spec.allowed_slack_users.is_empty() && spec.allowed_slack_channels.is_empty());
    assert_eq!(
        (spec.idle_timeout_minutes, spec.max_lifetime_minutes),
        (30, 240)
    );
    assert!(spec.tags.is_empty());
    assert_eq!(spec.environment_tag(), "default");
}

#[test]
fn every_property_as_cloudformation_sends_it() {
    let spec = EnvironmentSpec::parse(
        &with(json!({
            "SubnetIds": "subnet-0a1b2c3d, subnet-0a1b2c3e",
            "Environment": "dev",
            "EnableContainerInsights": "FALSE",
            "CapacityProviders": ["FARGATE"],
            "CapacityProviderBase": "1",
            "CapacityProviderWeight": "2",
            "DebugToolkitImage": "public.ecr.aws/x/tools:1.2",
            "DebugToolkitCpu": "1024",
            "DebugToolkitMemory": "3072",
            "LogRetentionDays": "90",
            "DebugLogRetentionDays": "1",
            "KmsKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab",
            "ExtraEgressPorts": ["5432", "6379", "5432"],
            "AllowedSlackUsers": "U012ABCDEF,W0ABC",
            "AllowedSlackChannels": ["C0123"],
            "IdleTimeoutMinutes": "15",
            "MaxLifetimeMinutes": "60",
            "Tags": [{"Key": "team", "Value": "payments"}, {"Key": "Environment", "Value": "staging"}],
            "ServiceTimeout": "600"
        })),
        REGION,
    )
    .unwrap();
    assert_eq!(
        spec.subnet_ids.clone().unwrap(),
        ["subnet-0a1b2c3d", "subnet-0a1b2c3e"]
    );
    assert_eq!(spec.container_insights, ContainerInsights::Disabled);
    assert_eq!((spec.cpu, spec.memory), (1024, 3072));
    assert_eq!(spec.extra_egress_ports, [5432, 6379]);
    assert_eq!(spec.allowed_slack_users, ["U012ABCDEF", "W0ABC"]);
    assert_eq!(spec.environment, "dev");
    assert_eq!(
        spec.environment_tag(),
        "staging",
        "a user tag of the same key wins"
    );
}

/// Bad values of every property, with words the reason must contain: the same table the
/// end-to-end test sends through the binary.
fn bad_properties() -> Vec<(String, String, String)> {
    let table: Vec<serde_json::Map<String, Value>> = serde_json::from_str(include_str!(
        "../../../../events/ecs-environment/bad-properties.json"
    ))
    .expect("the table is JSON");
    let text =
        |row: &serde_json::Map<String, Value>, key: &str| row[key].as_str().unwrap().to_owned();
    table
        .iter()
        .map(|row| {
            (
                text(row, "property"),
                text(row, "value"),
                text(row, "reason"),
            )
        })
        .collect()
}

#[test]
fn each_bad_property_is_named_with_what_is_allowed() {
    for (property, value, expected) in bad_properties() {
        let errors = EnvironmentSpec::parse(&with(json!({ &property: value })), REGION)
            .expect_err(&format!("{property}={value:?} must be refused"));
        let reason = errors.to_string();
        assert!(
            errors.names().contains(&property.as_str()),
            "{property}={value:?}: {reason}"
        );
        assert!(reason.contains(&expected), "{property}={value:?}: {reason}");
    }
}

#[test]
fn memory_out_of_range_for_a_large_cpu_is_explained_as_a_range() {
    let errors = EnvironmentSpec::parse(
        &with(json!({"DebugToolkitCpu": "4096", "DebugToolkitMemory": "4096"})),
        REGION,
    )
    .unwrap_err();
    assert!(
        errors
            .to_string()
            .contains("8192 to 30720 in steps of 1024"),
        "{errors}"
    );
}

#[test]
fn all_problems_are_reported_together() {
    let errors = EnvironmentSpec::parse(
        &props(json!({"VpcId": "nope", "LogRetentionDays": "2", "Bogus": "1"})),
        REGION,
    )
    .unwrap_err();
    assert_eq!(
        errors.names(),
        ["Bogus", "ClusterName", "VpcId", "LogRetentionDays"]
    );
}

#[test]
fn too_many_user_tags_are_refused() {
    let tags: Vec<Value> = (0..38)
        .map(|i| json!({"Key": format!("k{i}"), "Value": "v"}))
        .collect();
    let errors = EnvironmentSpec::parse(&with(json!({ "Tags": tags })), REGION).unwrap_err();
    assert!(errors.to_string().contains("at most 37 tags"), "{errors}");
}

#[test]
fn hostile_values_never_panic() {
    for value in [
        "\u{0}",
        "😀".repeat(300).as_str(),
        "'; DROP TABLE",
        "\n\t",
        "-1e309",
    ] {
        for property in KNOWN_PROPERTIES {
            let _ = EnvironmentSpec::parse(&with(json!({ property: value })), REGION);
        }
    }
}

#[test]
fn the_stacks_defaults_apply_and_a_clash_names_where_each_value_came_from() {
    let defaults = Defaults {
        image: Some(
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-debug-toolkit/debug-toolkit:1.0.0"
                .into(),
        ),
        idle_timeout_minutes: 45,
        max_lifetime_minutes: 600,
        ..Defaults::default()
    };
    let home = Home::example(REGION);
    let spec = EnvironmentSpec::parse_with(&props(minimal()), &home, &defaults).unwrap();
    assert_eq!(
        (
            spec.idle_timeout_minutes,
            spec.max_lifetime_minutes,
            spec.image.as_str()
        ),
        (45, 600, defaults.image.as_deref().unwrap())
    );
    let short = Defaults {
        max_lifetime_minutes: 20,
        ..defaults
    };
    let message = |extra: Value| {
        EnvironmentSpec::parse_with(&with(extra), &home, &short)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        message(json!({})),
        "invalid properties: IdleTimeoutMinutes: must not exceed MaxLifetimeMinutes (20 from the \
         toolkit stack's DefaultMaxLifetimeMinutes), got 45 from the toolkit stack's DefaultIdleTimeoutMinutes"
    );
    assert_eq!(
        message(json!({"IdleTimeoutMinutes": "30"})),
        "invalid properties: IdleTimeoutMinutes: must not exceed MaxLifetimeMinutes (20 from the \
         toolkit stack's DefaultMaxLifetimeMinutes), got 30"
    );
}

#[test]
fn other_accounts_resources_need_the_stacks_allowance() {
    let foreign = json!({
        "KmsKeyArn": "arn:aws:kms:eu-west-1:210987654321:key/k1",
        "AppDynamoDbTableArns": "arn:aws:dynamodb:eu-west-1:210987654321:table/orders",
    });
    let errors = EnvironmentSpec::parse(&with(foreign.clone()), REGION).unwrap_err();
    assert_eq!(errors.names(), ["KmsKeyArn", "AppDynamoDbTableArns"]);
    let allowing = Defaults {
        image: Some("nicolaka/netshoot:latest".into()),
        allow_foreign_resource_arns: true,
        ..Defaults::default()
    };
    let spec = EnvironmentSpec::parse_with(&with(foreign), &Home::example(REGION), &allowing)
        .expect("admitted by AllowForeignResourceArns");
    assert!(spec.foreign_resources_allowed);
}
