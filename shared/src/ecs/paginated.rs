//! Pagination and batching (moto never paginates): `aws-smithy-mocks` serves real pages.
use super::*;
use crate::debug_task::TaskView;
use crate::tags;
use aws_sdk_ecs::operation::describe_clusters::DescribeClustersOutput;
use aws_sdk_ecs::operation::describe_tasks::DescribeTasksOutput;
use aws_sdk_ecs::operation::list_clusters::ListClustersOutput;
use aws_sdk_ecs::operation::list_tasks::ListTasksOutput;
use aws_sdk_ecs::types::{Cluster, Tag};
use aws_sdk_ecs::types::{DesiredStatus, Task, TaskField};
use aws_smithy_mocks::{create_mock_http_client, mock, MockResponseInterceptor, Rule, RuleMode};

/// What `mock_client!` does, without the SDK's `test-util` feature (which would build a
/// second copy of the ECS client for tests).
fn mocked(rules: &[&Rule]) -> Client {
    let interceptor = rules.iter().fold(
        MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny),
        |i, rule| i.with_rule(rule),
    );
    let config = aws_sdk_ecs::Config::builder()
        .behavior_version(aws_sdk_ecs::config::BehaviorVersion::latest())
        .region(aws_sdk_ecs::config::Region::new("eu-west-1"))
        .credentials_provider(aws_sdk_ecs::config::Credentials::new(
            "a", "b", None, None, "test",
        ))
        .http_client(create_mock_http_client())
        .interceptor(interceptor)
        .build();
    Client::from_conf(config)
}

const CLUSTER_ARN: &str = "arn:aws:ecs:eu-west-1:123456789012:cluster/payments-dev";

fn page(token: Option<&str>, total: usize) -> (std::ops::Range<usize>, Option<String>) {
    let start: usize = token.map(|t| t.parse().unwrap()).unwrap_or(0);
    let end = (start + 100).min(total);
    (start..end, (end < total).then(|| end.to_string()))
}

fn managed_tag() -> Tag {
    Tag::builder()
        .key(tags::MANAGED_BY)
        .value(tags::MANAGED_BY_VALUE)
        .build()
}

#[tokio::test]
async fn every_page_of_tasks_is_listed_and_described_in_batches_of_100() {
    const TOTAL: usize = 1050;
    let list = mock!(Client::list_tasks).then_compute_output(|req| {
        assert_eq!(req.max_results(), Some(100));
        assert_eq!(req.family(), Some("payments-dev-debug-toolkit"));
        assert_eq!(req.desired_status(), Some(&DesiredStatus::Running));
        let (range, next) = page(req.next_token(), TOTAL);
        ListTasksOutput::builder()
            .set_task_arns(Some(
                range
                    .map(|i| {
                        format!("arn:aws:ecs:eu-west-1:123456789012:task/payments-dev/{i:032x}")
                    })
                    .collect(),
            ))
            .set_next_token(next)
            .build()
    });
    let describe = mock!(Client::describe_tasks).then_compute_output(|req| {
        assert!(req.tasks().len() <= BATCH, "at most 100 tasks a call");
        assert_eq!(req.include(), [TaskField::Tags]);
        DescribeTasksOutput::builder()
            .set_tasks(Some(
                req.tasks()
                    .iter()
                    .map(|arn| {
                        Task::builder()
                            .task_arn(arn)
                            .cluster_arn(CLUSTER_ARN)
                            .started_by(tags::STARTED_BY)
                            .tags(managed_tag())
                            .build()
                    })
                    .collect(),
            ))
            .build()
    });
    let client = mocked(&[&list, &describe]);
    let cluster = ClusterSettings::new(
        "payments-dev",
        CLUSTER_ARN,
        [(tags::MANAGED_BY, tags::MANAGED_BY_VALUE)],
    );
    let tasks = running_family_tasks(&client, &cluster, "payments-dev-debug-toolkit")
        .await
        .unwrap();
    assert_eq!(tasks.len(), TOTAL);
    assert!(tasks.iter().all(TaskView::is_debug_task));
    assert_eq!(list.num_calls(), TOTAL.div_ceil(100), "every page");
    assert_eq!(
        describe.num_calls(),
        TOTAL.div_ceil(BATCH),
        "⌈n/100⌉ DescribeTasks"
    );
}

/// An error's metadata as the SDK reads it from a real answer: the code is in it.
fn metadata(code: &str, message: &str) -> aws_smithy_types::error::ErrorMetadata {
    aws_smithy_types::error::ErrorMetadata::builder()
        .code(code)
        .message(message)
        .build()
}

#[tokio::test]
async fn a_task_ecs_no_longer_knows_counts_as_stopped_other_errors_do_not() {
    use aws_sdk_ecs::operation::stop_task::StopTaskError;
    use aws_sdk_ecs::types::error::{InvalidParameterException, ServerException};
    let invalid_parameter = |message: &'static str| {
        StopTaskError::InvalidParameterException(
            InvalidParameterException::builder()
                .message(message)
                .meta(metadata("InvalidParameterException", message))
                .build(),
        )
    };
    let gone = mock!(Client::stop_task)
        .match_requests(|req| req.task() == Some("gone"))
        .then_error(move || invalid_parameter("The referenced task was not found."));
    let broken = mock!(Client::stop_task)
        .match_requests(|req| req.task() == Some("broken"))
        .then_error(|| {
            StopTaskError::ServerException(
                ServerException::builder()
                    .message("boom")
                    .meta(metadata("ServerException", "boom"))
                    .build(),
            )
        });
    let bad_parameter = mock!(Client::stop_task)
        .match_requests(|req| req.task() == Some("bad"))
        .then_error(move || invalid_parameter("Reason is too long."));
    let long_reason = mock!(Client::stop_task)
        .match_requests(|req| req.task() == Some("ok"))
        .then_compute_output(|req| {
            assert_eq!(req.reason().map(|r| r.chars().count()), Some(255));
            aws_sdk_ecs::operation::stop_task::StopTaskOutput::builder().build()
        });
    let client = mocked(&[&gone, &broken, &bad_parameter, &long_reason]);
    assert_eq!(stop_task(&client, CLUSTER_ARN, "gone", "r").await, Ok(()));
    let refused = stop_task(&client, CLUSTER_ARN, "bad", "r")
        .await
        .unwrap_err();
    assert_eq!(refused.code.as_deref(), Some("InvalidParameterException"));
    let error = stop_task(&client, CLUSTER_ARN, "broken", "r")
        .await
        .unwrap_err();
    assert_eq!(error.action, "StopTask");
    assert_eq!(error.code.as_deref(), Some("ServerException"));
    assert_eq!(
        stop_task(&client, CLUSTER_ARN, "ok", &"é".repeat(400)).await,
        Ok(())
    );
}

#[tokio::test]
async fn every_page_of_clusters_is_read_and_only_managed_active_ones_kept() {
    const TOTAL: usize = 250;
    let list = mock!(Client::list_clusters).then_compute_output(|req| {
        let (range, next) = page(req.next_token(), TOTAL);
        ListClustersOutput::builder()
            .set_cluster_arns(Some(
                range
                    .map(|i| format!("arn:aws:ecs:eu-west-1:123456789012:cluster/c{i}"))
                    .collect(),
            ))
            .set_next_token(next)
            .build()
    });
    let describe = mock!(Client::describe_clusters).then_compute_output(|req| {
        assert!(req.clusters().len() <= BATCH);
        DescribeClustersOutput::builder()
            .set_clusters(Some(
                req.clusters()
                    .iter()
                    .map(|arn| {
                        let n: usize = arn.rsplit('c').next().unwrap().parse().unwrap();
                        let mut cluster = Cluster::builder()
                            .cluster_arn(arn)
                            .cluster_name(format!("c{n}"))
                            .status(if n % 10 == 9 { "INACTIVE" } else { "ACTIVE" });
                        if n.is_multiple_of(2) {
                            cluster = cluster.tags(managed_tag());
                        }
                        cluster.build()
                    })
                    .collect(),
            ))
            .build()
    });
    let client = mocked(&[&list, &describe]);
    let managed = managed_clusters(&client).await.unwrap();
    // Even numbers are managed; none of them ends in 9, so all 125 are ACTIVE.
    assert_eq!(managed.len(), 125);
    assert_eq!(list.num_calls(), 3);
    assert_eq!(describe.num_calls(), 3);
}

#[tokio::test]
async fn recently_stopped_tasks_that_listtasks_returns_are_left_out() {
    let arn = |id: &str| format!("arn:aws:ecs:eu-west-1:123456789012:task/payments-dev/{id}");
    let list = mock!(Client::list_tasks).then_output(move || {
        ListTasksOutput::builder()
            .set_task_arns(Some(vec![arn("running"), arn("stopping"), arn("stopped")]))
            .build()
    });
    let describe = mock!(Client::describe_tasks).then_output(move || {
        let task = |id: &str, last: &str, desired: &str| {
            Task::builder()
                .task_arn(arn(id))
                .cluster_arn(CLUSTER_ARN)
                .last_status(last)
                .desired_status(desired)
                .build()
        };
        DescribeTasksOutput::builder()
            .tasks(task("running", "RUNNING", "RUNNING"))
            .tasks(task("stopping", "RUNNING", "STOPPED"))
            .tasks(task("stopped", "STOPPED", "STOPPED"))
            .build()
    });
    let client = mocked(&[&list, &describe]);
    let cluster = ClusterSettings::new("payments-dev", CLUSTER_ARN, [("k", "v")]);
    let tasks = running_family_tasks(&client, &cluster, "payments-dev-debug-toolkit")
        .await
        .unwrap();
    let ids: Vec<&str> = tasks.iter().map(TaskView::id).collect();
    assert_eq!(ids, ["running"]);
}
