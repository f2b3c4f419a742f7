use crate::*;
use integration_tests::fakes::slack::{form, now, sign, Delivery};

/// Each unverifiable request gets its status, and not one AWS call is made for it.
#[tokio::test]
async fn unverified_requests_are_refused_before_any_aws_call() {
    let world = LaunchWorld::start().await;
    let body = form(
        ALLOWED_USER,
        "C0X",
        "start payments-dev",
        &world.slack.response_url("v"),
    );
    let fresh = now().to_string();
    // Well outside Slack's 300 s window: the cases before it take time (seconds under qemu), and
    // a timestamp 301 s ahead was inside the window again by the time it was sent.
    let stale = (now() - 360).to_string();
    let future = (now() + 360).to_string();
    let good = sign(SIGNING_SECRET, &fresh, body.as_bytes());
    let cases: Vec<(&str, Delivery, String, u16)> = vec![
        (
            "forged signature",
            Delivery {
                timestamp: Some(fresh.clone()),
                signature: Some(sign("guessed-secret", &fresh, body.as_bytes())),
                base64: false,
            },
            body.clone(),
            401,
        ),
        (
            "signature of another body",
            Delivery {
                timestamp: Some(fresh.clone()),
                signature: Some(good.clone()),
                base64: false,
            },
            body.replace("start", "stop+"),
            401,
        ),
        (
            "stale timestamp",
            Delivery {
                timestamp: Some(stale.clone()),
                signature: Some(sign(SIGNING_SECRET, &stale, body.as_bytes())),
                base64: false,
            },
            body.clone(),
            401,
        ),
        (
            "timestamp from the future",
            Delivery {
                timestamp: Some(future.clone()),
                signature: Some(sign(SIGNING_SECRET, &future, body.as_bytes())),
                base64: false,
            },
            body.clone(),
            401,
        ),
        (
            "missing signature",
            Delivery {
                timestamp: Some(fresh.clone()),
                signature: None,
                base64: false,
            },
            body.clone(),
            401,
        ),
        (
            "missing timestamp",
            Delivery {
                timestamp: None,
                signature: Some(good.clone()),
                base64: false,
            },
            body.clone(),
            401,
        ),
        (
            "no headers at all",
            Delivery {
                timestamp: None,
                signature: None,
                base64: false,
            },
            body.clone(),
            401,
        ),
        (
            "oversized body, validly signed",
            {
                let big = format!("{body}&pad={}", "a".repeat(9000));
                Delivery {
                    timestamp: Some(fresh.clone()),
                    signature: Some(sign(SIGNING_SECRET, &fresh, big.as_bytes())),
                    base64: false,
                }
            },
            format!("{body}&pad={}", "a".repeat(9000)),
            413,
        ),
        (
            "oversized base64 body",
            Delivery {
                timestamp: Some(fresh.clone()),
                signature: Some(good.clone()),
                base64: true,
            },
            "a".repeat(20_000),
            413,
        ),
    ];
    world.proxy.reset_counts();
    for (what, delivery, body, status) in cases {
        let answer = world.deliver(&body, &delivery).await;
        assert_eq!(answer.status, status, "{what}: {answer:?}");
        assert!(
            answer.took < Duration::from_secs(3),
            "{what}: {:?}",
            answer.took
        );
    }
    assert_eq!(
        world.proxy.total_calls(),
        0,
        "AWS calls: {:?}",
        world.proxy.calls()
    );
    assert!(
        world.bus.drain().await.is_empty(),
        "nothing was put on the bus"
    );
    let logs = world.command.logs();
    assert!(
        logs.contains("request refused: not signed by Slack"),
        "{logs}"
    );
    assert!(logs.contains("body too large"), "{logs}");
    assert!(!logs.contains(&good), "signatures are not logged");
    assert_no_secrets_logged(&world);
}

#[tokio::test]
async fn without_a_signing_secret_every_request_is_refused_500() {
    let world = LaunchWorld::start_with(&[("SLACK_SIGNING_SECRET", "")], &[]).await;
    world.proxy.reset_counts();
    let answer = world.slash(ALLOWED_USER, "C0X", "start payments-dev").await;
    assert_eq!(answer.status, 500, "{answer:?}");
    assert_eq!(world.proxy.total_calls(), 0);
    assert!(world.bus.drain().await.is_empty());
    assert!(world
        .command
        .logs()
        .contains("set SLACK_SIGNING_SECRET or SLACK_SIGNING_SECRET_ARN"));
}
