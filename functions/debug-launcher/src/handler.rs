//! One `Debug Task Requested` event: validate, re-check the cluster, run the task once, report.

use crate::outcome::Outcome;
use crate::plan::{self, LaunchPlan};
use crate::report::tell;
use crate::request::{self, ReplyTo, RequestError, ValidRequest};
use crate::run::{self, RunError};
use crate::App;
use aws_lambda_events::eventbridge::EventBridgeEvent;
use debug_toolkit::address;
use debug_toolkit::cluster::Refusal;
use debug_toolkit::deadline::Deadline;
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::ecs::{describe_cluster, running_family_tasks};
use debug_toolkit::metrics;
use debug_toolkit::notice::About;
use debug_toolkit::timestamp::{self, EpochSeconds};
use debug_toolkit::user_groups::GroupMembers;
use serde_json::Value;
use std::time::Duration;

/// Kept back from the deadline to tell the requester how it ended.
pub const REPORT_RESERVE: Duration = Duration::from_secs(6);

/// A launch that failed for a reason that may pass: the event should be delivered again.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TransientFailure(String);

pub async fn handle(
    app: &App,
    event: Value,
    deadline: Deadline,
    now: EpochSeconds,
) -> Result<Outcome, TransientFailure> {
    let envelope: EventBridgeEvent<Value> = match serde_json::from_value(event) {
        Ok(envelope) => envelope,
        Err(error) => {
            tracing::error!(%error, "not an EventBridge event; ignored");
            return Ok(Outcome::Ignored {
                reason: error.to_string(),
            });
        }
    };
    let validated = request::validate(
        &envelope.source,
        &envelope.detail_type,
        envelope.id.as_deref(),
        envelope.time.map(|t| t.timestamp()),
        &envelope.detail,
        now,
    );
    let request = match validated {
        Ok(request) => request,
        Err(error @ RequestError::NotALaunch { .. }) => {
            tracing::warn!(%error, "ignored");
            return Ok(Outcome::Ignored {
                reason: error.to_string(),
            });
        }
        Err(error) => {
            tracing::warn!(%error, "launch request refused");
            // The requester only: a malformed event posts in no channel.
            let to = ReplyTo {
                channel: None,
                ..ReplyTo::of(&envelope.detail)
            };
            let reason = error.to_string();
            tell(app, &to, About::Refused { reason }).await;
            return Ok(Outcome::Refused {
                reason: error.to_string(),
            });
        }
    };
    tracing::info!(cluster = %request.cluster, requested_by = %request.requested_by, request_id = %request.request_id, ttl_minutes = request.ttl_minutes, "launch requested");
    let outcome = launch(app, &request, deadline.minus(REPORT_RESERVE)).await;
    let (about, result) = conclude(&request, outcome);
    tell(app, &request.reply, about).await;
    result
}

enum Launch {
    Started(LaunchPlan, TaskView),
    AlreadyRunning(LaunchPlan, TaskView),
}

#[derive(Debug, thiserror::Error)]
enum LaunchError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Run(#[from] RunError),
    #[error(transparent)]
    Like(#[from] crate::like::LikeError),
    #[error(transparent)]
    TooMany(#[from] crate::cap::TooMany),
}

impl LaunchError {
    /// What the requester is told: an AWS failure by its action and error code only (AWS's
    /// message names account ids and ARNs; the log has it).
    fn told(&self) -> String {
        match self {
            Self::Run(RunError::Aws(aws)) | Self::Like(crate::like::LikeError::Aws(aws)) => {
                format!(
                    "{} ({}; the reason is in debug-launcher's log)",
                    aws.lead(),
                    aws.public()
                )
            }
            other => other.to_string(),
        }
    }
}

impl From<debug_toolkit::aws::AwsError> for LaunchError {
    fn from(error: debug_toolkit::aws::AwsError) -> Self {
        Self::Run(RunError::Aws(error))
    }
}

async fn launch(app: &App, request: &ValidRequest, until: Deadline) -> Result<Launch, LaunchError> {
    let cluster = describe_cluster(&app.ecs, &request.cluster)
        .await?
        .ok_or_else(|| {
            Refusal::Unknown(address::qualified(
                app.config.spoke_alias.as_deref(),
                &request.cluster,
            ))
        })?;
    let groups = requester_groups(app, request, &cluster.user_groups()).await;
    let written = address::qualified(app.config.spoke_alias.as_deref(), &request.cluster);
    cluster
        .authorise_with(
            &request.requested_by,
            request.reply.channel.as_deref(),
            &groups,
        )
        .map_err(|refusal| refusal.naming(&written))?;
    let mut plan = plan::plan(request, &cluster, &app.config.limits)
        .map_err(|refusal| refusal.naming(&written))?;
    if let Some(service) = &request.like_service {
        debug_toolkit::like_services::may_copy(&cluster, service)?;
        crate::like::place_like(&app.ecs, &mut plan, service).await?;
    }
    let running = running_family_tasks(&app.ecs, &cluster, &plan.family).await?;
    if let Some(task) = run::of_request(&running, &plan) {
        let task = task.clone();
        return Ok(Launch::AlreadyRunning(plan, task));
    }
    let cap = app.config.max_tasks_per_user;
    crate::cap::check(cap, &request.requested_by, &cluster.name, &running)?;
    let task = run::run(&app.ecs, &cluster, &plan, until).await?;
    Ok(Launch::Started(plan, task))
}

/// The members of the cluster's user groups `wanted`: read with the bot token in one account; in
/// a spoke (no token), as the hub read them for this request (`requesterGroups`): the requester
/// in each group the hub found them in, nobody in the others.
async fn requester_groups(app: &App, request: &ValidRequest, wanted: &[&str]) -> GroupMembers {
    if app.slack.has_token() || app.hub.is_none() {
        return app.groups.members(&app.slack, wanted).await;
    }
    wanted
        .iter()
        .map(|group| {
            let member = request.requester_groups.iter().any(|g| g == group);
            let members = member.then(|| request.requested_by.clone());
            (group.to_string(), Ok(members.into_iter().collect()))
        })
        .collect()
}

/// What the requester is told, and the function's result.
fn conclude(
    request: &ValidRequest,
    outcome: Result<Launch, LaunchError>,
) -> (About, Result<Outcome, TransientFailure>) {
    match outcome {
        Ok(Launch::Started(plan, task)) => {
            tracing::info!(task = %task.arn, cluster = %plan.cluster_name, expires_at = %timestamp::format(plan.expires_at), "debug task started");
            let dimensions = [(metrics::CLUSTER, plan.cluster_name.as_str())];
            metrics::count(metrics::DEBUG_TASKS_LAUNCHED, 1, &dimensions);
            let about = launched(&plan, &task, false);
            (
                about,
                Ok(Outcome::Launched {
                    task_arn: task.arn,
                    expires_at: timestamp::format(plan.expires_at),
                }),
            )
        }
        Ok(Launch::AlreadyRunning(plan, task)) => {
            tracing::info!(task = %task.arn, "this request's task is already running; nothing started");
            let about = launched(&plan, &task, true);
            (about, Ok(Outcome::AlreadyRunning { task_arn: task.arn }))
        }
        Err(error) => {
            let transient = matches!(&error, LaunchError::Run(run) if run.is_transient());
            tracing::error!(%error, cluster = %request.cluster, transient, "no debug task started");
            let dimensions = [(metrics::CLUSTER, request.cluster.as_str())];
            metrics::count(metrics::LAUNCH_FAILURES, 1, &dimensions);
            let about = About::NotLaunched {
                cluster: request.cluster.clone(),
                reason: error.told(),
            };
            let result = if transient {
                Err(TransientFailure(error.to_string()))
            } else {
                Ok(Outcome::Refused {
                    reason: error.to_string(),
                })
            };
            (about, result)
        }
    }
}

fn launched(plan: &LaunchPlan, task: &TaskView, already_running: bool) -> About {
    About::Launched {
        task_arn: task.arn.clone(),
        image: task.image.clone(),
        expires_at: plan.expires_at,
        ttl_minutes: plan.ttl_minutes,
        already_running,
        capped: plan.capped && !already_running,
        public_ip_withheld: plan.public_ip_withheld && !already_running,
    }
}
