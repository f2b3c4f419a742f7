//! One event: an exec session to record, a state change to tell, or something to ignore.

use crate::cloudtrail::ExecSession;
use crate::events::{read, Incoming};
use crate::outcome::Outcome;
use crate::{activity, hub, notify, App};
use debug_toolkit::aws::AwsError;
use debug_toolkit::deadline::Deadline;
use debug_toolkit::timestamp::EpochSeconds;
use serde_json::Value;

/// An AWS failure fails the invocation, so that Lambda's async retries deliver the event again.
pub async fn handle(
    app: &App,
    event: Value,
    now: EpochSeconds,
    deadline: Deadline,
) -> Result<Outcome, AwsError> {
    match read(event, now) {
        Incoming::ExecSession(ExecSession {
            cluster,
            task,
            session_id,
            at,
            opened_by,
        }) => {
            let session = activity::Session {
                id: session_id.as_deref(),
                at,
                opened_by: opened_by.as_deref(),
            };
            activity::record(app, &cluster, &task, &session).await
        }
        Incoming::StateChange(change) => notify::state_changed(app, &change, deadline).await,
        Incoming::Notice {
            account,
            region,
            detail,
        } => hub::notice_from_spoke(app, (account, region), detail).await,
        Incoming::Ignored(reason) => {
            tracing::info!(%reason, "event ignored");
            Ok(Outcome::Ignored { reason })
        }
    }
}
