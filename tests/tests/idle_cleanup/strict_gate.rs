//! The strict gate bites: under the ListTasks statement the template had before (scoped to
//! cluster and container-instance ARNs), the reaper's cluster-wide ListTasks is denied, as AWS
//! denies it; under today's template the same reaper in the same world lists and reaps.

use crate::*;
use integration_tests::lambda::Lambda;
use integration_tests::moto::function_env;
use integration_tests::strict::TEMPLATE_OVERRIDE;
use std::time::Duration;

const TODAY: &str = r#"              Action: ecs:ListTasks
              Resource: "*"
              Condition:
                ArnLike:
                  ecs:cluster: !Sub "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:cluster/*""#;

const BEFORE: &str = r#"              Action: ecs:ListTasks
              Resource:
                - !Sub "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:cluster/*"
                - !Sub "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:container-instance/*""#;

#[tokio::test]
async fn the_list_tasks_statement_scoped_to_cluster_arns_is_denied() {
    let world = ReapWorld::start().await;
    let template = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../infra/template.yaml"
    ))
    .expect("infra/template.yaml");
    assert!(template.contains(TODAY), "today's ListTasks statement");
    let before = std::env::temp_dir().join(format!("template-before-{}.yaml", std::process::id()));
    std::fs::write(&before, template.replace(TODAY, BEFORE)).unwrap();
    let mut env = function_env(&world.proxy.endpoint());
    env.push((TEMPLATE_OVERRIDE.into(), before.display().to_string()));
    let reaper = Lambda::start("idle-reaper", &env).await;

    let time = at(now(), 0);
    let reply = reaper
        .invoke(ReapWorld::scheduled_event(&time), Duration::from_secs(60))
        .await;
    let logs = reaper.logs();
    assert!(
        logs.contains("is not authorized to perform: ecs:ListTasks on resource: *"),
        "denied as AWS denies it ({reply:?}):\n{logs}"
    );
    std::fs::remove_file(&before).ok();

    // The same call under today's template passes the gate.
    world.reap(&time).await;
    let logs = world.reaper.logs();
    assert!(!logs.contains("not authorized"), "{logs}");
    assert!(logs.contains("\"errors\":0"), "{logs}");
}

#[tokio::test]
async fn a_request_the_gate_cannot_read_is_refused_not_passed_to_moto() {
    let moto = integration_tests::moto::Moto::start().await;
    let key = integration_tests::strict::access_key("idle-reaper");
    // A caller of the gate's own tests: a template given, so it stays out of the report.
    let template = concat!(env!("CARGO_MANIFEST_DIR"), "/../infra/template.yaml");
    let env =
        std::collections::BTreeMap::from([(TEMPLATE_OVERRIDE.to_string(), template.to_string())]);
    integration_tests::strict::register(&moto.endpoint(), &key, "idle-reaper", &env).await;
    // S3's ListBuckets speaks a REST protocol (no X-Amz-Target, no Action=): the gate cannot say
    // what it asks for, so it must not let it through unjudged.
    let response = reqwest::Client::new()
        .get(format!("{}/", moto.endpoint()))
        .header(
            "authorization",
            format!("AWS4-HMAC-SHA256 Credential={key}/20261202/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=00"),
        )
        .send()
        .await
        .expect("the gate answers");
    assert_eq!(response.status(), 400);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("StrictGateError") && body.contains("cannot judge this s3 request"),
        "{body}"
    );
}
