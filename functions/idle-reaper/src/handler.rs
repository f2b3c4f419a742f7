//! One scheduled run: every managed cluster, in parallel with bounded concurrency, judged as of
//! the event's `time`; a JSON summary returned.

use crate::scan::scan;
use crate::App;
use aws_lambda_events::eventbridge::EventBridgeEvent;
use debug_toolkit::ecs::managed_clusters;
use debug_toolkit::metrics;
use debug_toolkit::timestamp::{self, EpochSeconds};
use futures::stream::{self, StreamExt};
use serde::Serialize;
use serde_json::Value;

/// Clusters scanned at the same time.
pub const CLUSTER_CONCURRENCY: usize = 4;

#[derive(Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub clusters: usize,
    pub scanned: usize,
    /// Task ARNs stopped (in a dry run: that would have been stopped).
    pub stopped: Vec<String>,
    pub kept: usize,
    pub errors: Vec<String>,
    pub dry_run: bool,
    /// The time the tasks were judged at.
    pub as_of: String,
}

/// The event's `time` (a late or replayed event never stops more than it should), else `now`.
pub fn judged_at(event: &Value, now: EpochSeconds) -> EpochSeconds {
    serde_json::from_value::<EventBridgeEvent<Value>>(event.clone())
        .ok()
        .and_then(|e| e.time)
        .map(|t| t.timestamp())
        .unwrap_or(now)
}

pub async fn handle(app: &App, event: Value, now: EpochSeconds) -> Summary {
    let started = std::time::Instant::now();
    let summary = run(app, &event, now).await;
    metrics::milliseconds(
        metrics::REAPER_DURATION_MS,
        started.elapsed().as_secs_f64() * 1000.0,
    );
    summary
}

async fn run(app: &App, event: &Value, now: EpochSeconds) -> Summary {
    let as_of = judged_at(event, now);
    let mut summary = Summary {
        dry_run: app.config.dry_run,
        as_of: timestamp::format(as_of),
        ..Summary::default()
    };
    let clusters = match managed_clusters(&app.ecs).await {
        Ok(clusters) => clusters,
        Err(error) => {
            summary.errors.push(error.to_string());
            tracing::error!(%error, "managed clusters could not be listed");
            return summary;
        }
    };
    summary.clusters = clusters.len();
    let reports: Vec<_> = stream::iter(clusters.iter())
        .map(|cluster| async move { (cluster, scan(app, cluster, as_of).await) })
        .buffer_unordered(CLUSTER_CONCURRENCY)
        .collect()
        .await;
    for (cluster, report) in reports {
        match report {
            Ok(report) => {
                let dimensions = [(metrics::CLUSTER, cluster.name.as_str())];
                metrics::count(
                    metrics::REAPER_TASKS_SCANNED,
                    report.scanned as u64,
                    &dimensions,
                );
                summary.scanned += report.scanned;
                summary.kept += report.kept;
                summary.stopped.extend(report.stopped);
                summary.errors.extend(report.errors);
            }
            Err(error) => {
                tracing::error!(cluster = %cluster.name, %error, "cluster not scanned");
                summary.errors.push(format!("{}: {error}", cluster.name));
            }
        }
    }
    summary.stopped.sort();
    tracing::info!(clusters = summary.clusters, scanned = summary.scanned, stopped = summary.stopped.len(), kept = summary.kept, errors = summary.errors.len(), dry_run = summary.dry_run, as_of = %summary.as_of, "reaper run");
    summary
}
