//! The work of one request runs on its own task, so that a panic becomes an answer instead of
//! silence, and is abandoned at the time kept for answering.

use crate::cfn::Outcome;
use debug_toolkit::deadline::Deadline;
use std::future::Future;

/// Why work ended without an outcome.
#[derive(Debug, PartialEq, Eq)]
pub enum Interrupted {
    Panicked(String),
    OutOfTime,
}

/// Runs the work on its own task, so that a panic becomes an answer instead of silence, and
/// stops waiting for it at `answer_by`.
pub async fn guarded<F>(work: F, answer_by: Deadline) -> Result<Outcome, Interrupted>
where
    F: Future<Output = Outcome> + Send + 'static,
{
    let task = tokio::spawn(work);
    let abort = task.abort_handle();
    match tokio::time::timeout_at(answer_by.instant(), task).await {
        Ok(Ok(outcome)) => Ok(outcome),
        Ok(Err(join_error)) => {
            let message = match join_error.try_into_panic() {
                Ok(payload) => payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into()),
                Err(_) => "the work was cancelled".into(),
            };
            Err(Interrupted::Panicked(message))
        }
        Err(_) => {
            abort.abort();
            Err(Interrupted::OutOfTime)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_panic_becomes_an_interruption_with_its_message() {
        let result = guarded(
            async { panic!("boom") },
            Deadline::after(Duration::from_secs(5)),
        )
        .await;
        assert_eq!(result, Err(Interrupted::Panicked("boom".into())));
    }

    #[tokio::test(start_paused = true)]
    async fn work_past_the_answer_time_is_abandoned() {
        let slow = async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Outcome::failed("p", "never")
        };
        let result = guarded(slow, Deadline::after(Duration::from_secs(3))).await;
        assert_eq!(result, Err(Interrupted::OutOfTime));
    }
}
