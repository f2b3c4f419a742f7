//! One cluster: its running debug tasks judged, the guilty stopped (unless dry run). The stop
//! reason names the rule; `task-events` tells the channel from ECS's STOPPED event.

use crate::activity;
use crate::facts::facts;
use crate::rules::{judge, Verdict};
use crate::App;
use debug_toolkit::aws::AwsError;
use debug_toolkit::cluster::ClusterSettings;
use debug_toolkit::cluster::Limits;
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::ecs::{running_family_tasks, stop_task};
use debug_toolkit::heartbeat;
use debug_toolkit::timestamp::EpochSeconds;
use futures::stream::{self, StreamExt};

/// Stops in flight per cluster.
pub const PER_CLUSTER_CONCURRENCY: usize = 10;

#[derive(Debug, Default)]
pub struct ClusterReport {
    pub scanned: usize,
    pub stopped: Vec<String>,
    pub kept: usize,
    pub errors: Vec<String>,
}

pub async fn scan(
    app: &App,
    cluster: &ClusterSettings,
    now: EpochSeconds,
) -> Result<ClusterReport, AwsError> {
    let family = cluster.task_family().map_err(|refusal| AwsError {
        action: "reading the cluster's tags",
        code: None,
        message: refusal.to_string(),
    })?;
    let tasks = running_family_tasks(&app.ecs, cluster, family).await?;
    let limits = Limits {
        idle_timeout_minutes: cluster.idle_timeout_minutes(&app.config.limits),
        max_lifetime_minutes: cluster.max_lifetime_minutes(&app.config.limits),
    };
    let mut report = ClusterReport {
        scanned: tasks.len(),
        ..ClusterReport::default()
    };
    let (debug, others): (Vec<TaskView>, Vec<TaskView>) =
        tasks.into_iter().partition(TaskView::is_debug_task);
    report.kept += others.len();
    // The idle window (and at least the heartbeat's) before `now`: older beats change nothing.
    let window = i64::from(limits.idle_timeout_minutes) * 60;
    let since = now - window.max(heartbeat::OPEN_WITHIN_SECONDS);
    let activity = activity::read(&app.logs, &app.log_rates, &cluster.name, &debug, since, now)
        .await
        .map(|activity| {
            debug
                .iter()
                .map(|task| judge(&facts(task, &activity), &limits, now))
                .collect::<Vec<_>>()
        });
    let judged: Vec<(TaskView, Result<Verdict, AwsError>)> = match activity {
        Ok(verdicts) => debug
            .into_iter()
            .zip(verdicts.into_iter().map(Ok))
            .collect(),
        Err(error) => debug
            .into_iter()
            .map(|task| (task, Err(error.clone())))
            .collect(),
    };
    let mut to_stop = Vec::new();
    for (task, verdict) in judged {
        match verdict {
            Ok(Verdict::Stop(rule)) => to_stop.push((task, rule)),
            Ok(Verdict::Keep(why)) => {
                tracing::debug!(task = %task.arn, ?why, "kept");
                report.kept += 1;
            }
            Err(error) => {
                report.kept += 1;
                report
                    .errors
                    .push(format!("{}: task {}: {error}", cluster.name, task.arn));
            }
        }
    }
    let outcomes: Vec<(String, Result<(), AwsError>)> = stream::iter(to_stop)
        .map(|(task, rule)| async move {
            let reason = rule.reason();
            tracing::info!(task = %task.arn, rule = rule.name(), %reason, dry_run = app.config.dry_run, "stopping");
            if app.config.dry_run {
                return (task.arn, Ok(()));
            }
            let result = stop_task(&app.ecs, &cluster.arn, &task.arn, &reason).await;
            (task.arn, result)
        })
        .buffer_unordered(PER_CLUSTER_CONCURRENCY)
        .collect()
        .await;
    for (arn, outcome) in outcomes {
        match outcome {
            Ok(()) => report.stopped.push(arn),
            Err(error) => {
                report.kept += 1;
                report
                    .errors
                    .push(format!("{}: task {arn}: {error}", cluster.name));
            }
        }
    }
    report.stopped.sort();
    Ok(report)
}
