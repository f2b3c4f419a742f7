use crate::*;
use aws_sdk_ecs::types::Tag;

fn assert_refused(answer: &integration_tests::worlds::launch::SlashAnswer, words: &str) {
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["response_type"], "ephemeral");
    assert!(
        answer.text.contains(words),
        "{:?} should say {words:?}",
        answer.text
    );
}

#[tokio::test]
async fn unauthorised_users_unmanaged_and_unknown_clusters_launch_nothing() {
    let world = LaunchWorld::start().await;
    // A cluster someone else made, with allow-lists that name our user but not our managed-by tag.
    ecs(&world)
        .create_cluster()
        .cluster_name("hand-made")
        .tags(
            Tag::builder()
                .key("debug-toolkit:allowed-users")
                .value(ALLOWED_USER)
                .build(),
        )
        .tags(
            Tag::builder()
                .key("debug-toolkit:task-family")
                .value("hand-made")
                .build(),
        )
        .send()
        .await
        .expect("CreateCluster");

    let unlisted = world
        .slash("U0STRANGER", "C0ELSEWHERE", "start payments-dev")
        .await;
    assert_refused(
        &unlisted,
        "you are not allowed to use debug tasks on cluster `payments-dev`",
    );
    let unmanaged = world.slash(ALLOWED_USER, "C0X", "start hand-made").await;
    assert_refused(
        &unmanaged,
        "cluster `hand-made` is not managed by ecs-debug-toolkit",
    );
    let unknown = world
        .slash(ALLOWED_USER, "C0X", "start no-such-cluster")
        .await;
    assert_refused(&unknown, "there is no cluster named `no-such-cluster`");
    let malformed = world.slash(ALLOWED_USER, "C0X", "start pay;ments").await;
    assert_refused(&malformed, "is not a valid cluster name");
    assert!(
        malformed.text.contains("pay;ments")
            && malformed.body.to_string().contains("start <cluster>")
    );
    let mention = world.slash(ALLOWED_USER, "C0X", "start <!channel>").await;
    assert!(
        !mention.body.to_string().contains("<!channel>"),
        "user text is escaped: {mention:?}"
    );

    assert!(
        world.bus.drain().await.is_empty(),
        "no launch request was put"
    );
    assert!(tasks(&world).await.is_empty());
}

#[tokio::test]
async fn a_cluster_without_allow_lists_allows_nobody() {
    let world = LaunchWorld::start().await;
    // Same environment, allow-lists removed by an Update.
    let props = serde_json::json!({
        "ClusterName": CLUSTER, "VpcId": world.vpc.id, "Environment": "dev",
    });
    let old = serde_json::json!({
        "ClusterName": CLUSTER, "VpcId": world.vpc.id, "Environment": "dev",
        "AllowedSlackUsers": ALLOWED_USER, "AllowedSlackChannels": "C0DEBUG", "MaxLifetimeMinutes": "120",
    });
    let url = world.responses.url("update");
    let physical = world.created["PhysicalResourceId"]
        .as_str()
        .unwrap()
        .to_string();
    let answer = world
        .cloudformation(
            &world.environment,
            integration_tests::CfnRequest::update("update", &url, &physical, &props, &old),
            "update",
            integration_tests::worlds::launch::INVOKE_TIMEOUT,
        )
        .await;
    assert_eq!(answer["Status"], "SUCCESS", "{answer:#}");

    let refused = world
        .slash(ALLOWED_USER, "C0DEBUG", "start payments-dev")
        .await;
    assert_refused(&refused, "allows nobody");
    assert!(world.bus.drain().await.is_empty());
}

#[tokio::test]
async fn help_unknown_verbs_and_bad_durations_answer_with_usage() {
    let world = LaunchWorld::start().await;
    world.proxy.reset_counts();
    for (text, words) in [
        ("", "start <cluster>"),
        ("help", "extend <task-id>"),
        ("launch payments-dev", "`launch` is not a command"),
        ("start payments-dev 0m", "longer than zero"),
        ("start payments-dev 99999h", "longer than a week"),
        ("extend abc 1d", "is not a duration"),
    ] {
        let answer = world.slash(ALLOWED_USER, "C0X", text).await;
        assert_eq!(answer.status, 200);
        assert!(
            answer.body.to_string().contains(words),
            "{text:?}: {answer:?}"
        );
    }
    assert_eq!(world.proxy.total_calls(), 0, "parsing needs no AWS call");
}
