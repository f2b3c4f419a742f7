//! What one event came to: the function's result, as Lambda returns it.

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(
    tag = "outcome",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Outcome {
    /// Nothing to do: the event, the task or the moment did not call for anything.
    Ignored { reason: String },
    /// An exec session recorded on the task.
    Recorded {
        task_arn: String,
        last_activity: String,
    },
    /// The task's channel told of its new state.
    Posted { task_arn: String, status: String },
    /// The notice was claimed but the post failed (logged; not retried, so never told twice).
    Failed { reason: String },
}

impl Outcome {
    pub fn ignored(reason: impl Into<String>) -> Self {
        Self::Ignored {
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serialised_as_the_function_returns_it() {
        for (outcome, expected) in [
            (
                Outcome::ignored("unknown task"),
                json!({"outcome": "ignored", "reason": "unknown task"}),
            ),
            (
                Outcome::Recorded {
                    task_arn: "arn:t".into(),
                    last_activity: "2026-11-30T10:00:00Z".into(),
                },
                json!({"outcome": "recorded", "taskArn": "arn:t", "lastActivity": "2026-11-30T10:00:00Z"}),
            ),
            (
                Outcome::Posted {
                    task_arn: "arn:t".into(),
                    status: "RUNNING".into(),
                },
                json!({"outcome": "posted", "taskArn": "arn:t", "status": "RUNNING"}),
            ),
        ] {
            assert_eq!(serde_json::to_value(&outcome).unwrap(), expected);
        }
    }
}
