//! One `Debug Task Requested` event: validate, re-check the cluster, run the task once, report.

use crate::outcome::Outcome;
use crate::plan::{self, LaunchPlan};
use crate::report::tell;
use crate::request::{self, RequestError, ValidRequest};
use crate::run::{self, RunError};
use crate::App;
use aws_lambda_events::eventbridge::EventBridgeEvent;
use debug_toolkit::address;
use debug_toolkit::cluster::Refusal;
use debug_toolkit::commands;
use debug_toolkit::deadline::Deadline;
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::duration::format_minutes;
use debug_toolkit::ecs::{describe_cluster, running_family_tasks};
use debug_toolkit::metrics;
use debug_toolkit::slack::{escape, Message};
use debug_toolkit::timestamp::{self, EpochSeconds};
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
            let url = request::response_url_of(&envelope.detail);
            let message = Message::new(format!(
                ":warning: No debug task was started: {}",
                escape(&error.to_string())
            ));
            tell(app, url.as_deref(), None, &message).await;
            return Ok(Outcome::Refused {
                reason: error.to_string(),
            });
        }
    };
    tracing::info!(cluster = %request.cluster, requested_by = %request.requested_by, request_id = %request.request_id, ttl_minutes = request.ttl_minutes, "launch requested");
    let outcome = launch(app, &request, deadline.minus(REPORT_RESERVE)).await;
    let (message, result) = conclude(app.config.spoke_alias.as_deref(), &request, outcome);
    tell(
        app,
        request.response_url.as_deref(),
        request.channel.as_deref(),
        &message,
    )
    .await;
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
    let groups = app.groups.members(&app.slack, &cluster.user_groups()).await;
    let written = address::qualified(app.config.spoke_alias.as_deref(), &request.cluster);
    cluster
        .authorise_with(&request.requested_by, request.channel.as_deref(), &groups)
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

/// `alias`: the spoke's, so the messages name the cluster as the hub knows it.
fn conclude(
    alias: Option<&str>,
    request: &ValidRequest,
    outcome: Result<Launch, LaunchError>,
) -> (Message, Result<Outcome, TransientFailure>) {
    match outcome {
        Ok(Launch::Started(plan, task)) => {
            tracing::info!(task = %task.arn, cluster = %plan.cluster_name, expires_at = %timestamp::format(plan.expires_at), "debug task started");
            let dimensions = [(metrics::CLUSTER, plan.cluster_name.as_str())];
            metrics::count(metrics::DEBUG_TASKS_LAUNCHED, 1, &dimensions);
            let capped = if plan.capped {
                " (capped at the cluster's max lifetime)"
            } else {
                ""
            };
            let mut message = ready_message(alias, &plan, &task, "is starting", capped);
            if plan.public_ip_withheld {
                message = message.section(crate::like::PUBLIC_IP_WITHHELD);
            }
            (
                message,
                Ok(Outcome::Launched {
                    task_arn: task.arn,
                    expires_at: timestamp::format(plan.expires_at),
                }),
            )
        }
        Ok(Launch::AlreadyRunning(plan, task)) => {
            tracing::info!(task = %task.arn, "this request's task is already running; nothing started");
            let message = ready_message(
                alias,
                &plan,
                &task,
                "is already running for this request",
                "",
            );
            (message, Ok(Outcome::AlreadyRunning { task_arn: task.arn }))
        }
        Err(error) => {
            let transient = matches!(&error, LaunchError::Run(run) if run.is_transient());
            tracing::error!(%error, cluster = %request.cluster, transient, "no debug task started");
            let dimensions = [(metrics::CLUSTER, request.cluster.as_str())];
            metrics::count(metrics::LAUNCH_FAILURES, 1, &dimensions);
            let message = Message::new(format!(
                ":x: No debug task was started on `{}`: {}",
                escape(&address::qualified(alias, &request.cluster)),
                escape(&error.told())
            ));
            let result = if transient {
                Err(TransientFailure(error.to_string()))
            } else {
                Ok(Outcome::Refused {
                    reason: error.to_string(),
                })
            };
            (message, result)
        }
    }
}

fn ready_message(
    alias: Option<&str>,
    plan: &LaunchPlan,
    task: &TaskView,
    state: &str,
    capped: &str,
) -> Message {
    let written = address::qualified(alias, &plan.cluster_name);
    Message::new(format!(
        ":toolbox: Debug task `{}` on `{}` {state}. It expires at {} ({} after the request){capped}. Connect with ECS Exec once it is RUNNING:",
        escape(task.id()),
        escape(&written),
        timestamp::format(plan.expires_at),
        format_minutes(plan.ttl_minutes),
    ))
    .command(&commands::connect(&plan.cluster_name, &task.arn, task.image.as_deref()))
    .task_buttons(&written, task.id())
}
