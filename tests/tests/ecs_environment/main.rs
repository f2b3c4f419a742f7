//! `ecs-environment` end to end: the real binary under the Runtime API emulator, against moto,
//! answered through a local `ResponseURL` server.

mod app_side;
mod bad_input;
mod create;
mod earlier_roles;
mod exec_preflight;
mod faults;
mod inside_task;
mod legacy_roles;
mod limits_and_references;
mod long_names;
mod ownership;
mod retain_exec_logs;
mod service_linked_role;
mod stack_defaults;
mod update_delete;
mod update_settings;
mod verification;
mod vpc_endpoints;

use aws_sdk_cloudwatchlogs::types::LogGroup;
use aws_sdk_ec2::types::SecurityGroup;
use integration_tests::fakes::cfn::{self, CfnRequest, Shown};
pub use integration_tests::fixtures::LogsKey;
use integration_tests::World;
use serde_json::{json, Value};
use std::time::Duration;

pub const FUNCTION: &str = "ecs-environment";
pub const DEADLINE: Duration = Duration::from_secs(120);

pub async fn world() -> World {
    World::start(FUNCTION, &[]).await
}

/// A sample event from `events/`, pointed at this world's `ResponseURL` server and VPC.
pub fn sample(world: &World, file: &str, key: &str) -> Value {
    let mut event = integration_tests::samples::sample(&format!("ecs-environment/{file}"));
    event["ResponseURL"] = json!(world.responses.url(key));
    for props in ["ResourceProperties", "OldResourceProperties"] {
        if event.get(props).is_some() {
            event[props]["VpcId"] = json!(world.vpc.id);
        }
    }
    event
}

/// The security group `id` as EC2 describes it.
pub async fn security_group(world: &World, id: &str) -> SecurityGroup {
    let described = aws_sdk_ec2::Client::new(&world.aws)
        .describe_security_groups()
        .group_ids(id)
        .send()
        .await
        .expect("DescribeSecurityGroups");
    described.security_groups()[0].clone()
}

/// The log groups whose names start with `prefix`.
pub async fn log_groups(world: &World, prefix: &str) -> Vec<LogGroup> {
    aws_sdk_cloudwatchlogs::Client::new(&world.aws)
        .describe_log_groups()
        .log_group_name_prefix(prefix)
        .send()
        .await
        .expect("DescribeLogGroups")
        .log_groups()
        .to_vec()
}

pub fn props(world: &World, cluster: &str, extra: Value) -> Value {
    let mut props = json!({"ClusterName": cluster, "VpcId": world.vpc.id});
    for (k, v) in extra.as_object().expect("extra properties are an object") {
        props[k] = v.clone();
    }
    props
}

pub async fn create(world: &World, key: &str, props: &Value) -> Value {
    world
        .cloudformation(
            CfnRequest::create(key, &world.responses.url(key), props),
            key,
            DEADLINE,
        )
        .await
}

pub async fn update(
    world: &World,
    key: &str,
    physical_id: &str,
    props: &Value,
    old: &Value,
) -> Value {
    let url = world.responses.url(key);
    world
        .cloudformation(
            CfnRequest::update(key, &url, physical_id, props, old),
            key,
            DEADLINE,
        )
        .await
}

/// The cluster as moto describes it, with its tags, settings and configuration.
pub async fn describe_cluster(world: &World, name: &str) -> aws_sdk_ecs::types::Cluster {
    use aws_sdk_ecs::types::ClusterField;
    let described = aws_sdk_ecs::Client::new(&world.aws)
        .describe_clusters()
        .clusters(name)
        .set_include(Some(vec![
            ClusterField::Tags,
            ClusterField::Settings,
            ClusterField::Configurations,
        ]))
        .send()
        .await
        .expect("DescribeClusters");
    described
        .clusters()
        .first()
        .cloned()
        .expect("the cluster exists")
}

pub async fn delete(world: &World, key: &str, physical_id: &str, props: &Value) -> Value {
    world
        .cloudformation(
            CfnRequest::delete(key, &world.responses.url(key), physical_id, props),
            key,
            DEADLINE,
        )
        .await
}

/// The Delete of `old_id` that CloudFormation sends after a replacement (or a rolled-back one),
/// in its cleanup phase, when the stack resource already shows `current_id`.
pub async fn delete_in_cleanup(
    world: &World,
    key: &str,
    old_id: &str,
    current_id: &str,
    props: &Value,
) -> Value {
    let event = CfnRequest::delete(key, &world.responses.url(key), old_id, props);
    let shown = Shown::new("UPDATE_COMPLETE", Some(current_id));
    world
        .cloudformation_showing(event, key, DEADLINE, Some(shown))
        .await
}

/// A Delete redelivered once the stack is gone (DescribeStackResource: "does not exist").
pub async fn delete_when_gone(world: &World, key: &str, physical_id: &str, props: &Value) -> Value {
    cfn::stack_gone(&world.moto.endpoint(), cfn::STACK_ID).await;
    let event = CfnRequest::delete(key, &world.responses.url(key), physical_id, props);
    world
        .cloudformation_showing(event, key, DEADLINE, None)
        .await
}

/// The function's calls since the proxy's counts were reset: verification alone
/// (DescribeStackResource), nothing read or changed.
pub fn assert_only_verification_called(world: &World) {
    let calls = world.proxy.calls();
    assert!(
        calls
            .keys()
            .all(|call| call.contains("DescribeStackResource")),
        "nothing read or changed: {calls:?}"
    );
}

pub fn assert_success(response: &Value) -> String {
    assert_eq!(response["Status"], "SUCCESS", "{response:#}");
    response["PhysicalResourceId"]
        .as_str()
        .expect("physical id")
        .to_string()
}

pub fn assert_failed(response: &Value, words: &str) -> String {
    assert_eq!(response["Status"], "FAILED", "{response:#}");
    let reason = response["Reason"]
        .as_str()
        .expect("a FAILED response has a Reason");
    assert!(
        reason.contains(words),
        "reason {reason:?} should contain {words:?}"
    );
    reason.to_string()
}

/// The function logs JSON (as `AWS_LAMBDA_LOG_FORMAT=JSON` asks), and the presigned URL's
/// signature never reaches its logs.
pub fn assert_no_secrets_logged(world: &World) {
    let logs = world.function.logs();
    assert!(!logs.is_empty(), "the function logs something");
    integration_tests::function::assert_json_and_no_secrets(&logs);
}
