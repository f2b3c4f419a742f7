use crate::*;
use integration_tests::fault_proxy::Fault;
use integration_tests::leaks;

#[tokio::test]
async fn throttling_on_every_service_is_survived() {
    let world = world().await;
    for action in [
        "CreateRole",
        "PutRolePolicy",
        "CreateLogGroup",
        "CreateCluster",
        "RegisterTaskDefinition",
        "CreateSecurityGroup",
        "AuthorizeSecurityGroupEgress",
        "DescribeClusters",
    ] {
        world.proxy.inject(action, Fault::Throttle, Some(2));
    }
    let response = create(&world, "create", &props(&world, "throttled", json!({}))).await;
    assert_success(&response);
    let injected = world.proxy.injected();
    assert!(
        injected.values().sum::<usize>() >= 14,
        "throttles were injected: {injected:?}"
    );
}

#[tokio::test]
async fn a_server_error_mid_way_rolls_back_and_answers_failed() {
    let world = world().await;
    world
        .proxy
        .inject("RegisterTaskDefinition", Fault::ServerError, None);
    let response = create(
        &world,
        "create",
        &props(&world, "broken", json!({"ExtraEgressPorts": "5432"})),
    )
    .await;
    let reason = assert_failed(
        &response,
        "RegisterTaskDefinition on broken-debug-toolkit failed",
    );
    assert!(reason.contains("nothing was left behind"), "{reason}");
    assert_eq!(
        leaks::inventory(&world.aws).await,
        Vec::<String>::new(),
        "the partial Create was rolled back"
    );
    let calls = world.proxy.calls();
    assert!(
        calls.get("DeleteRole").copied().unwrap_or(0) == 2
            && calls.get("DeleteLogGroup").copied().unwrap_or(0) == 3,
        "{calls:?}"
    );
}

#[tokio::test]
async fn a_deadline_too_short_answers_failed_before_it_and_rolls_back() {
    let world = world().await;
    world.proxy.inject(
        "PutRetentionPolicy",
        Fault::Delay(Duration::from_secs(8)),
        None,
    );
    let deadline = Duration::from_secs(6);
    let started = std::time::Instant::now();
    let key = "short";
    let event = CfnRequest::create(
        key,
        &world.responses.url(key),
        &props(&world, "short", json!({})),
    );
    let invocation = world.runtime.invoke(event, deadline);
    let (_, received) = tokio::join!(invocation, world.responses.wait(key, deadline));
    assert!(
        started.elapsed() < deadline,
        "answered after the deadline: {:?}",
        started.elapsed()
    );
    let reason = assert_failed(&received.body, "ran out of time before the Lambda deadline");
    assert!(reason.contains("nothing was left behind"), "{reason}");
    world.proxy.clear();
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_failing_response_url_is_retried_until_it_takes_the_answer() {
    let world = world().await;
    world.responses.fail_next(2);
    let response = create(&world, "create", &props(&world, "retry-put", json!({}))).await;
    assert_success(&response);
    let logs = world.function.logs();
    assert!(logs.contains("retrying"), "{logs}");
    assert_no_secrets_logged(&world);
}
