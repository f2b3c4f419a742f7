//! What one launch request came to: the function's result, as Lambda returns it (its JSON is
//! asserted by `slack_launch::launcher`, field by field).

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(
    tag = "outcome",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Outcome {
    /// Not a launch request of ours (nothing told).
    Ignored { reason: String },
    /// A launch request that will never succeed as sent (the requester is told why).
    Refused { reason: String },
    /// The task was started.
    Launched {
        task_arn: String,
        expires_at: String,
    },
    /// The request's task runs already (a redelivered event): nothing started.
    AlreadyRunning { task_arn: String },
}
