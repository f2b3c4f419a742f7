//! "Ready means Exec works" (docs/interface.md, `task-events`): the ready notice waits, within the
//! invocation, for the debug-toolkit container's `ExecuteCommandAgent` to be RUNNING.

use crate::App;
use debug_toolkit::aws::AwsError;
use debug_toolkit::deadline::Deadline;
use debug_toolkit::ecs::describe_tasks;
use std::time::Duration;

/// How often the agent's status is read while waiting.
pub const POLL: Duration = Duration::from_secs(2);
/// Kept for the Slack post after the wait.
pub const RESERVE: Duration = Duration::from_secs(5);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExecAgent {
    Running,
    /// Not RUNNING by the deadline: its last status (`PENDING`, `STOPPED`…, or `unknown`).
    NotYet(String),
}

/// The agent's state: `known` (as the caller just read it), then read again every [`POLL`] until
/// it is RUNNING or `deadline` (less [`RESERVE`]) comes.
pub async fn wait_for_exec_agent(
    app: &App,
    cluster_arn: &str,
    task_arn: &str,
    known: Option<&str>,
    deadline: Deadline,
) -> Result<ExecAgent, AwsError> {
    let until = deadline.minus(RESERVE);
    let mut status = known.unwrap_or("unknown").to_string();
    loop {
        if status == "RUNNING" {
            return Ok(ExecAgent::Running);
        }
        if until.remaining() < POLL {
            return Ok(ExecAgent::NotYet(status));
        }
        tokio::time::sleep(POLL).await;
        let found = describe_tasks(&app.ecs, cluster_arn, &[task_arn.to_string()]).await?;
        status = found
            .first()
            .and_then(|t| t.exec_agent_status.clone())
            .unwrap_or_else(|| "unknown".to_string());
    }
}
