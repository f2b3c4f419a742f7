//! Reading clusters and debug tasks from ECS (feature `ecs`): the calls the Slack command, the
//! launcher and the reaper share.

use crate::aws::{has_code, AwsError};
use crate::cluster::ClusterSettings;
use crate::debug_task::TaskView;
use aws_sdk_ecs::types::ManagedAgentName;
use aws_sdk_ecs::types::{ClusterField, DesiredStatus, Task, TaskField};
use aws_sdk_ecs::Client;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// DescribeClusters and DescribeTasks take at most 100 names a call.
pub const BATCH: usize = 100;

fn tag_pairs(tags: &[aws_sdk_ecs::types::Tag]) -> impl Iterator<Item = (String, String)> + '_ {
    tags.iter().filter_map(|t| {
        Some((
            t.key()?.to_string(),
            t.value().unwrap_or_default().to_string(),
        ))
    })
}

fn settings(cluster: &aws_sdk_ecs::types::Cluster) -> Option<ClusterSettings> {
    if cluster.status() != Some("ACTIVE") {
        return None;
    }
    Some(ClusterSettings::new(
        cluster.cluster_name()?,
        cluster.cluster_arn()?,
        tag_pairs(cluster.tags()),
    ))
}

/// One ACTIVE cluster with its tags; `None` when there is no such cluster.
pub async fn describe_cluster(
    client: &Client,
    name: &str,
) -> Result<Option<ClusterSettings>, AwsError> {
    let described = client
        .describe_clusters()
        .clusters(name)
        .include(ClusterField::Tags)
        .send()
        .await
        .map_err(AwsError::of("DescribeClusters"))?;
    Ok(described.clusters().iter().find_map(settings))
}

/// Every ACTIVE cluster of the account and region that this service manages.
pub async fn managed_clusters(client: &Client) -> Result<Vec<ClusterSettings>, AwsError> {
    let arns: Vec<String> = client
        .list_clusters()
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<_, _>>()
        .await
        .map_err(AwsError::of("ListClusters"))?;
    let mut managed = Vec::new();
    for batch in arns.chunks(BATCH) {
        let described = client
            .describe_clusters()
            .set_clusters(Some(batch.to_vec()))
            .include(ClusterField::Tags)
            .send()
            .await
            .map_err(AwsError::of("DescribeClusters"))?;
        managed.extend(
            described
                .clusters()
                .iter()
                .filter_map(settings)
                .filter(ClusterSettings::is_managed),
        );
    }
    Ok(managed)
}

/// The RUNNING tasks of the cluster's debug-toolkit family, with their tags.
///
/// Only tasks whose `clusterArn` is this cluster are kept (an emulator that matched names loosely
/// must not make us act on another cluster's tasks).
pub async fn running_family_tasks(
    client: &Client,
    cluster: &ClusterSettings,
    family: &str,
) -> Result<Vec<TaskView>, AwsError> {
    let arns: Vec<String> = client
        .list_tasks()
        .cluster(&cluster.arn)
        .family(family)
        .desired_status(DesiredStatus::Running)
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<_, _>>()
        .await
        .map_err(AwsError::of("ListTasks"))?;
    describe_tasks(client, &cluster.arn, &arns).await
}

/// Whether a cluster ARN is the cluster named by `cluster` (a name or an ARN).
pub fn is_cluster(cluster: &str, arn: &str) -> bool {
    arn == cluster || crate::cluster::name_of_arn(arn) == Some(cluster)
}

/// DescribeTasks (with tags) in batches of 100; unknown tasks are left out, and so are tasks of
/// any other cluster. `cluster` is a name or an ARN.
pub async fn describe_tasks(
    client: &Client,
    cluster: &str,
    tasks: &[String],
) -> Result<Vec<TaskView>, AwsError> {
    let mut views = Vec::with_capacity(tasks.len());
    for batch in tasks.chunks(BATCH) {
        let described = match client
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(batch.to_vec()))
            .include(TaskField::Tags)
            .send()
            .await
        {
            Ok(described) => described,
            Err(e) if has_code(&e, "ClusterNotFoundException") => return Ok(Vec::new()),
            Err(e) => return Err(AwsError::of("DescribeTasks")(e)),
        };
        views.extend(
            described
                .tasks()
                .iter()
                .map(task_view)
                .filter(|t| is_cluster(cluster, &t.cluster_arn)),
        );
    }
    Ok(views)
}

pub fn task_view(task: &Task) -> TaskView {
    TaskView {
        arn: task.task_arn().unwrap_or_default().to_string(),
        cluster_arn: task.cluster_arn().unwrap_or_default().to_string(),
        started_by: task.started_by().map(str::to_string),
        last_status: task.last_status().map(str::to_string),
        started_at: task.started_at().map(|t| t.secs()),
        created_at: task.created_at().map(|t| t.secs()),
        tags: tag_pairs(task.tags()).collect(),
        runtime_id: debug_container(task)
            .and_then(|c| c.runtime_id())
            .map(str::to_owned),
        exec_agent_status: debug_container(task)
            .into_iter()
            .flat_map(|c| c.managed_agents())
            .find(|a| a.name() == Some(&ManagedAgentName::ExecuteCommandAgent))
            .and_then(|a| a.last_status())
            .map(str::to_owned),
    }
}

fn debug_container(task: &Task) -> Option<&aws_sdk_ecs::types::Container> {
    task.containers()
        .iter()
        .find(|c| c.name() == Some(crate::debug_task::CONTAINER))
}

/// StopTask with a reason (cut to ECS's 255 characters). A task ECS no longer knows
/// ("task not found") counts as stopped: that is what was wanted.
pub async fn stop_task(
    client: &Client,
    cluster: &str,
    task: &str,
    reason: &str,
) -> Result<(), AwsError> {
    match client
        .stop_task()
        .cluster(cluster)
        .task(task)
        .reason(reason.chars().take(255).collect::<String>())
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if is_task_not_found(&e) => Ok(()),
        Err(e) => Err(AwsError::of("StopTask")(e)),
    }
}

/// ECS answers a task it no longer knows with InvalidParameterException "The referenced task was
/// not found."; the same code also means a bad parameter, which is a real failure.
fn is_task_not_found<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> bool {
    has_code(error, "InvalidParameterException")
        && error
            .as_service_error()
            .and_then(|e| e.message())
            .is_some_and(|m| m.to_ascii_lowercase().contains("not found"))
}

/// ECS tags from pairs.
pub fn tags<K: Into<String>, V: Into<String>>(
    pairs: impl IntoIterator<Item = (K, V)>,
) -> Vec<aws_sdk_ecs::types::Tag> {
    pairs
        .into_iter()
        .map(|(k, v)| aws_sdk_ecs::types::Tag::builder().key(k).value(v).build())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_by_name_or_arn() {
        let arn = "arn:aws:ecs:eu-west-1:1:cluster/payments-dev";
        assert!(is_cluster("payments-dev", arn));
        assert!(is_cluster(arn, arn));
        assert!(!is_cluster("payments", arn));
        assert!(!is_cluster("payments-dev-2", arn));
        assert!(!is_cluster(
            "arn:aws:ecs:eu-west-1:2:cluster/payments-dev",
            arn
        ));
    }

    mod paginated {
        //! moto never paginates: these use `aws-smithy-mocks` to serve real pages.
        use super::super::*;
        use crate::tags;
        use aws_sdk_ecs::operation::describe_clusters::DescribeClustersOutput;
        use aws_sdk_ecs::operation::describe_tasks::DescribeTasksOutput;
        use aws_sdk_ecs::operation::list_clusters::ListClustersOutput;
        use aws_sdk_ecs::operation::list_tasks::ListTasksOutput;
        use aws_sdk_ecs::types::{Cluster, Tag};
        use aws_smithy_mocks::{
            create_mock_http_client, mock, MockResponseInterceptor, Rule, RuleMode,
        };

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
                                format!(
                                    "arn:aws:ecs:eu-west-1:123456789012:task/payments-dev/{i:032x}"
                                )
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
                                if n % 2 == 0 {
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
    }
}
