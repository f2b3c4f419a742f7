//! The signing secret from Secrets Manager as a real deploy keeps it (docs/interface.md,
//! "Configuration"): the stack's placeholder means "not configured", a JSON object holding
//! `signingSecret` works, and a rotated secret works at once (read again after a refusal, at most
//! every 10 s per instance).

use crate::*;
use integration_tests::fakes::slack::{form, function_url_event, now, sign, Delivery};
use integration_tests::lambda::Lambda;

const PLACEHOLDER: &str = "replace-me-with-the-slack-signing-secret";
const ROTATED: &str = "a-rotated-signing-secret-DO-NOT-LOG";
/// The function reads a secret at most this often (its `MIN_REREAD`), and a little more.
const REREAD: Duration = Duration::from_millis(10_500);

/// A world whose slack-command reads its signing secret from a secret holding `value`.
async fn with_secret(value: &str) -> (LaunchWorld, Lambda, String) {
    let world = LaunchWorld::start_with(&[("SLACK_SIGNING_SECRET", "")], &[]).await;
    let arn = aws_sdk_secretsmanager::Client::new(&world.aws)
        .create_secret()
        .name("slack/signing-secret")
        .secret_string(value)
        .send()
        .await
        .expect("CreateSecret")
        .arn()
        .unwrap()
        .to_string();
    let mut env = integration_tests::moto::function_env(&world.proxy.endpoint());
    env.push(("SLACK_SIGNING_SECRET_ARN".into(), arn.clone()));
    env.push((
        "EVENT_BUS_NAME".into(),
        integration_tests::worlds::launch::BUS.into(),
    ));
    let command = Lambda::start("slack-command", &env).await;
    world.proxy.reset_counts();
    (world, command, arn)
}

/// `help`, signed with `secret`: the status code.
async fn help(world: &LaunchWorld, command: &Lambda, secret: &str) -> u16 {
    let body = form(ALLOWED_USER, "C0X", "help", &world.slack.response_url("h"));
    let timestamp = now().to_string();
    let delivery = Delivery {
        signature: Some(sign(secret, &timestamp, body.as_bytes())),
        timestamp: Some(timestamp),
        base64: false,
    };
    let reply = command
        .call(
            function_url_event(&body, &delivery),
            Duration::from_secs(10),
        )
        .await;
    reply["statusCode"].as_u64().unwrap() as u16
}

async fn put(world: &LaunchWorld, arn: &str, value: &str) {
    aws_sdk_secretsmanager::Client::new(&world.aws)
        .put_secret_value()
        .secret_id(arn)
        .secret_string(value)
        .send()
        .await
        .expect("PutSecretValue");
}

fn reads(world: &LaunchWorld) -> usize {
    world
        .proxy
        .calls()
        .get("GetSecretValue")
        .copied()
        .unwrap_or(0)
}

#[tokio::test]
async fn the_signing_secret_is_read_once_per_cold_start() {
    let (world, command, _) = with_secret(SIGNING_SECRET).await;
    for _ in 0..3 {
        assert_eq!(
            help(&world, &command, SIGNING_SECRET).await,
            200,
            "{}",
            command.logs()
        );
    }
    assert_eq!(reads(&world), 1, "read once per cold start");
    assert!(!command.logs().contains(SIGNING_SECRET));
}

#[tokio::test]
async fn a_rotated_secret_works_at_once_and_a_forged_signature_costs_one_read_in_ten_seconds() {
    let json = format!(r#"{{"signingSecret": "{SIGNING_SECRET}"}}"#);
    let (world, command, arn) = with_secret(&json).await;
    assert_eq!(
        help(&world, &command, SIGNING_SECRET).await,
        200,
        "{}",
        command.logs()
    );
    assert_eq!(reads(&world), 1);

    // Slack's secret is rotated and the new value put; the instance still holds the old one.
    put(
        &world,
        &arn,
        &format!(r#"{{"signingSecret": "{ROTATED}"}}"#),
    )
    .await;
    tokio::time::sleep(REREAD).await;
    assert_eq!(
        help(&world, &command, ROTATED).await,
        200,
        "{}",
        command.logs()
    );
    assert_eq!(reads(&world), 2, "one fresh read after the refusal");
    assert_eq!(help(&world, &command, ROTATED).await, 200);
    assert_eq!(reads(&world), 2, "kept from then on");

    // Forgeries within ten seconds of that read cost no read, and are refused.
    for _ in 0..3 {
        assert_eq!(help(&world, &command, "guessed").await, 401);
    }
    assert_eq!(reads(&world), 2);
    assert_eq!(
        help(&world, &command, SIGNING_SECRET).await,
        401,
        "the old secret is gone"
    );
    let logs = command.logs();
    assert!(!logs.contains(ROTATED) && !logs.contains(SIGNING_SECRET));
}

#[tokio::test]
async fn the_stacks_placeholder_is_not_configured_until_the_real_value_is_put() {
    let (world, command, arn) = with_secret(PLACEHOLDER).await;
    assert_eq!(
        help(&world, &command, PLACEHOLDER).await,
        500,
        "never verified with it"
    );
    assert!(
        command.logs().contains(&format!(
            "the secret {arn} still holds the placeholder the stack created"
        )),
        "{}",
        command.logs()
    );
    assert_eq!(help(&world, &command, SIGNING_SECRET).await, 500);
    assert_eq!(reads(&world), 1, "not read again within ten seconds");
    put(&world, &arn, SIGNING_SECRET).await;
    tokio::time::sleep(REREAD).await;
    assert_eq!(
        help(&world, &command, SIGNING_SECRET).await,
        200,
        "{}",
        command.logs()
    );
    assert_eq!(reads(&world), 2);
}
