//! What an environment's logs say about its debug tasks, read once per cluster (a few paginated
//! calls, whatever the number of tasks) and within CloudWatch Logs' per-account request rates:
//! - the session heartbeats (docs/interface.md, `idle-reaper`): `FilterLogEvents` over the
//!   debug-toolkit log group for the heartbeat line since the idle window began, latest beat per
//!   task;
//! - the exec session streams: `DescribeLogStreams` over the exec log group (a stream per finished
//!   session, named by its id), read only when a task recorded a session.

use crate::rules::Sessions;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use debug_toolkit::aws::{has_code, AwsError};
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::heartbeat;
use debug_toolkit::names::{debug_log_group, exec_log_group};
use debug_toolkit::tags::LAST_SESSION;
use debug_toolkit::timestamp::EpochSeconds;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::num::NonZeroU32;

/// Account-wide request rates of the calls the reaper makes (per second): DescribeLogStreams 25
/// (its service model documentation), FilterLogEvents 5 (CloudWatch Logs quotas page). Shared by
/// every cluster of a run.
#[derive(Debug)]
pub struct LogRates {
    describe_log_streams: DefaultDirectRateLimiter,
    filter_log_events: DefaultDirectRateLimiter,
}

impl Default for LogRates {
    fn default() -> Self {
        let per_second = |n| RateLimiter::direct(Quota::per_second(NonZeroU32::new(n).unwrap()));
        Self {
            describe_log_streams: per_second(25),
            filter_log_events: per_second(5),
        }
    }
}

#[derive(Debug, Default)]
pub struct ClusterActivity {
    /// Exec session streams by name (session id): their last event, if known.
    exec_streams: HashMap<String, Option<EpochSeconds>>,
    /// The latest heartbeat of each task id.
    heartbeats: HashMap<String, EpochSeconds>,
}

impl ClusterActivity {
    /// What is known of the task's last recorded exec session.
    pub fn sessions(&self, task: &TaskView) -> Sessions {
        let Some(session) = task.tags.get(LAST_SESSION).filter(|s| !s.is_empty()) else {
            return Sessions::NoneRecorded;
        };
        match self.exec_streams.get(session) {
            None => Sessions::PossiblyOpen,
            Some(last_event) => Sessions::Closed {
                last_event: *last_event,
            },
        }
    }

    /// The task's latest heartbeat since the window began.
    pub fn heartbeat(&self, task: &TaskView) -> Option<EpochSeconds> {
        self.heartbeats.get(task.id()).copied()
    }
}

/// Reads the cluster's activity for `tasks`, heartbeats from `since` to `now`.
pub async fn read(
    logs: &aws_sdk_cloudwatchlogs::Client,
    rates: &LogRates,
    cluster: &str,
    tasks: &[TaskView],
    since: EpochSeconds,
    now: EpochSeconds,
) -> Result<ClusterActivity, AwsError> {
    let any_session = tasks.iter().any(|t| t.tags.contains_key(LAST_SESSION));
    let heartbeats = heartbeats(logs, rates, cluster, since, now);
    let exec_streams = async {
        if any_session {
            exec_streams(logs, rates, cluster).await
        } else {
            Ok(HashMap::new())
        }
    };
    let (heartbeats, exec_streams) = futures::try_join!(heartbeats, exec_streams)?;
    Ok(ClusterActivity {
        exec_streams,
        heartbeats,
    })
}

async fn heartbeats(
    logs: &aws_sdk_cloudwatchlogs::Client,
    rates: &LogRates,
    cluster: &str,
    since: EpochSeconds,
    now: EpochSeconds,
) -> Result<HashMap<String, EpochSeconds>, AwsError> {
    let mut latest = HashMap::new();
    let mut pages = logs
        .filter_log_events()
        .log_group_name(debug_log_group(cluster))
        .log_stream_name_prefix(heartbeat::stream_name_prefix())
        .filter_pattern(format!("\"{}\"", heartbeat::LINE))
        .start_time(since * 1000)
        .end_time(now * 1000 + 999)
        .into_paginator()
        .send();
    // A page may hold no events and still a token: the search goes on until there is none.
    while let Some(page) =
        next_page(&rates.filter_log_events, "FilterLogEvents", pages.next()).await?
    {
        for event in page.events() {
            let task = event.log_stream_name().and_then(heartbeat::task_of_stream);
            if let (Some(task), Some(ms)) = (task, event.timestamp()) {
                let at = ms.div_euclid(1000);
                let entry = latest.entry(task.to_string()).or_insert(at);
                *entry = (*entry).max(at);
            }
        }
    }
    Ok(latest)
}

/// The next page of a paginated Logs call, at the account's rate; `None` at the end, and when the
/// log group does not exist (nothing was logged there yet).
async fn next_page<T, E>(
    rate: &DefaultDirectRateLimiter,
    action: &'static str,
    page: impl std::future::Future<Output = Option<Result<T, SdkError<E, HttpResponse>>>>,
) -> Result<Option<T>, AwsError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    rate.until_ready().await;
    match page.await {
        None => Ok(None),
        Some(Ok(page)) => Ok(Some(page)),
        Some(Err(e)) if has_code(&e, "ResourceNotFoundException") => Ok(None),
        Some(Err(e)) => Err(AwsError::of(action)(e)),
    }
}

async fn exec_streams(
    logs: &aws_sdk_cloudwatchlogs::Client,
    rates: &LogRates,
    cluster: &str,
) -> Result<HashMap<String, Option<EpochSeconds>>, AwsError> {
    let mut streams = HashMap::new();
    let mut pages = logs
        .describe_log_streams()
        .log_group_name(exec_log_group(cluster))
        .into_paginator()
        .send();
    while let Some(page) = next_page(
        &rates.describe_log_streams,
        "DescribeLogStreams",
        pages.next(),
    )
    .await?
    {
        for stream in page.log_streams() {
            // `lastEventTimestamp` is eventually consistent (it may lag ingestion by an hour, the
            // DescribeLogStreams reference says): the later of it and `lastIngestionTime`, so a
            // session never looks older than it is.
            let last_event = stream
                .last_event_timestamp()
                .max(stream.last_ingestion_time())
                .or(stream.creation_time())
                .map(|ms| ms.div_euclid(1000));
            if let Some(name) = stream.log_stream_name() {
                streams.insert(name.to_string(), last_event);
            }
        }
        if page.log_streams().is_empty() {
            break;
        }
    }
    Ok(streams)
}
