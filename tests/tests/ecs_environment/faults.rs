use crate::*;
use integration_tests::fakes::fault_proxy::Fault;
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
async fn dropped_connections_are_survived_and_delete_leaves_nothing() {
    let world = world().await;
    // Requests that never reach AWS are retried by the SDK; so are answers lost after idempotent
    // calls took effect (retention, egress rule, CreateCluster of the same cluster).
    for (action, fault) in [
        ("DescribeVpcs", Fault::Drop),
        ("CreateRole", Fault::Drop),
        ("CreateSecurityGroup", Fault::Drop),
        ("RegisterTaskDefinition", Fault::Drop),
        ("PutRetentionPolicy", Fault::DropAfter),
        ("PutRolePolicy", Fault::DropAfter),
        ("CreateCluster", Fault::DropAfter),
    ] {
        world.proxy.inject(action, fault, Some(1));
    }
    let props = props(&world, "dropped", json!({}));
    let response = create(&world, "create", &props).await;
    let physical_id = assert_success(&response);
    assert_eq!(world.proxy.injected().values().sum::<usize>(), 7);
    let response = delete(&world, "delete", &physical_id, &props).await;
    assert_success(&response);
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}

#[tokio::test]
async fn creates_whose_answers_are_lost_adopt_what_they_made_and_nothing_else() {
    let world = world().await;
    // Each resource is made but the answer is lost; the SDK's retry meets "already exists". The
    // function looks again and adopts it because it carries this stack resource's owner tag.
    for action in ["CreateLogGroup", "CreateRole", "CreateSecurityGroup"] {
        world.proxy.inject(action, Fault::DropAfter, Some(1));
    }
    let props = props(&world, "lost", json!({}));
    let response = create(&world, "create", &props).await;
    let physical_id = assert_success(&response);
    assert_eq!(world.proxy.injected().values().sum::<usize>(), 3);
    let calls = world.proxy.calls();
    assert_eq!(
        calls.get("CreateLogGroup"),
        Some(&4),
        "3 groups, one retried"
    );
    assert_eq!(calls.get("CreateRole"), Some(&4), "3 roles, one retried");
    assert_eq!(calls.get("CreateSecurityGroup"), Some(&2));
    let mut made = leaks::inventory(&world.aws).await;
    made.sort();
    assert_eq!(
        made.iter().filter(|r| r.starts_with("log-group")).count(),
        3,
        "{made:?}"
    );
    assert_eq!(
        made.iter().filter(|r| r.starts_with("role")).count(),
        3,
        "{made:?}"
    );
    assert_eq!(
        made.iter()
            .filter(|r| r.starts_with("security-group"))
            .count(),
        1,
        "{made:?}"
    );
    let response = delete(&world, "delete", &physical_id, &props).await;
    assert_success(&response);
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_resource_someone_else_makes_mid_create_is_refused_and_left_untouched() {
    let world = world().await;
    // Between the function's inventory (nothing there) and its CreateLogGroup, someone else
    // makes the group: the function must not adopt it, must say whose it is, and must leave it.
    world.proxy.inject(
        "CreateLogGroup",
        Fault::Delay(Duration::from_millis(1500)),
        None,
    );
    let logs = aws_sdk_cloudwatchlogs::Client::new(&world.aws);
    let intruder = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        logs.create_log_group()
            .log_group_name("/ecs/race")
            .tags("debug-toolkit:owner", "someone-else")
            .send()
            .await
            .expect("CreateLogGroup");
    };
    let props = props(&world, "race", json!({}));
    let (response, ()) = tokio::join!(create(&world, "create", &props), intruder);
    let reason = assert_failed(
        &response,
        "log group /ecs/race already exists and is not owned by this stack resource",
    );
    assert!(reason.contains("someone-else"), "{reason}");
    assert_eq!(leaks::inventory(&world.aws).await, ["log-group /ecs/race"]);
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
        calls.get("DeleteRole").copied().unwrap_or(0) == 3
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
    world.show(&event, Shown::while_waiting(&event)).await;
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
