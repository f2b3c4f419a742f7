//! What one launch request came to: the function's result, as Lambda returns it.

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serialised_as_the_function_returns_it() {
        for (outcome, expected) in [
            (
                Outcome::Refused { reason: "r".into() },
                json!({"outcome": "refused", "reason": "r"}),
            ),
            (
                Outcome::Launched {
                    task_arn: "arn:t".into(),
                    expires_at: "2026-11-30T11:00:00Z".into(),
                },
                json!({"outcome": "launched", "taskArn": "arn:t", "expiresAt": "2026-11-30T11:00:00Z"}),
            ),
            (
                Outcome::AlreadyRunning {
                    task_arn: "arn:t".into(),
                },
                json!({"outcome": "already-running", "taskArn": "arn:t"}),
            ),
        ] {
            assert_eq!(serde_json::to_value(&outcome).unwrap(), expected);
        }
    }
}
