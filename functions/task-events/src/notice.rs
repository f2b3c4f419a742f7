//! Telling a claimed notice, ready or stopped ([`crate::notify`], [`crate::stopped`]): the one
//! place both go through, so neither imports the other. In one account it is posted here; in a
//! spoke it is put for the hub ([`debug_toolkit::notice::tell`]).

use crate::outcome::Outcome;
use crate::App;
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
