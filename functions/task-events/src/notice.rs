//! Posting a claimed notice, ready or stopped ([`crate::notify`], [`crate::stopped`]): the one
//! place both go through, so neither imports the other.

use crate::outcome::Outcome;
use crate::App;
use debug_toolkit::aws::AwsError;
use debug_toolkit::ecs_status::TaskStatus;
use debug_toolkit::slack::Message;

/// Posts a claimed notice; a failed post is logged and not retried (the claim stands).
pub(crate) async fn post(
    app: &App,
    channel: &str,
    task_arn: &str,
    status: TaskStatus,
    message: Message,
) -> Result<Outcome, AwsError> {
    if let Err(error) = app.slack.post(channel, &message).await {
        tracing::warn!(%error, task = %task_arn, "the channel could not be told; the notice stays claimed");
        return Ok(Outcome::Failed {
            reason: error.to_string(),
        });
    }
    tracing::info!(task = %task_arn, channel, last_status = status.as_str(), "channel told");
    Ok(Outcome::Posted {
        task_arn: task_arn.to_string(),
        status: status.as_str().to_string(),
    })
}
