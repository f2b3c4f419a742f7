//! Claiming and telling a notice, ready or stopped ([`crate::notify`], [`crate::stopped`]), and a
//! spoke's in a hub ([`crate::hub`]): the one place they go through, so none imports another. In one account it is posted here; in a
//! spoke it is put for the hub ([`debug_toolkit::notice::tell`]).

use crate::outcome::Outcome;
use crate::App;
use aws_sdk_cloudwatchlogs::operation::create_log_stream::CreateLogStreamError;
use debug_toolkit::aws::AwsError;
use debug_toolkit::ecs_status::TaskStatus;
use debug_toolkit::notice::tell::{tell, Told};
use debug_toolkit::notice::Notice;

/// Whether a notice can reach Slack from here: through the hub, or with a bot token.
pub(crate) fn can_tell(app: &App) -> bool {
    app.hub.is_some() || app.slack.has_token()
}

/// Tells a claimed notice; a failure is logged and not retried (the claim stands).
pub(crate) async fn post(
    app: &App,
    task_arn: &str,
    status: TaskStatus,
    notice: Notice,
) -> Result<Outcome, AwsError> {
    let told = tell(
        &app.slack,
        app.hub.as_ref(),
        &notice,
        app.spoke_alias.as_deref(),
    )
    .await;
    match told {
        Err(error) => {
            tracing::warn!(%error, task = %task_arn, "the channel could not be told; the notice stays claimed");
            Ok(Outcome::Failed {
                reason: error.to_string(),
            })
        }
        Ok(Told::Nobody(reason)) => Ok(Outcome::ignored(reason)),
        Ok(told) => {
            tracing::info!(task = %task_arn, ?told, last_status = status.as_str(), "channel told");
            Ok(Outcome::Posted {
                task_arn: task_arn.to_string(),
                status: status.as_str().to_string(),
            })
        }
    }
}

/// Creates the claim stream: `true` when this call made it, `false` when it already existed.
pub(crate) async fn claim(app: &App, group: &str, stream: &str) -> Result<bool, AwsError> {
    match app
        .logs
        .create_log_stream()
        .log_group_name(group)
        .log_stream_name(stream)
        .send()
        .await
    {
        Ok(_) => Ok(true),
        Err(e)
            if e.as_service_error()
                .is_some_and(CreateLogStreamError::is_resource_already_exists_exception) =>
        {
            Ok(false)
        }
        Err(e) => Err(AwsError::of("CreateLogStream")(e)),
    }
}
