//! Gathering what the rules need about one debug task: its tags, and the log stream of its last
//! recorded exec session in the environment's exec log group.

use crate::rules::{Facts, Sessions};
use debug_toolkit::aws::{has_code, AwsError};
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::tags::{LAST_ACTIVITY, LAST_SESSION};
use debug_toolkit::timestamp;

/// `/ecs/<cluster>/ecs-exec`, where ECS writes one stream per finished session.
pub fn exec_log_group(cluster: &str) -> String {
    format!("/ecs/{cluster}/ecs-exec")
}

pub fn facts(task: &TaskView, sessions: Sessions) -> Facts {
    Facts {
        start: task.start(),
        expires_at: task.expires_at(),
        last_activity: task
            .tags
            .get(LAST_ACTIVITY)
            .and_then(|t| timestamp::parse(t)),
        sessions,
    }
}

/// What is known of the task's last recorded session (the stream named by its session id; a
/// stream of any other session, another task's included, is not looked at).
pub async fn sessions(
    logs: &aws_sdk_cloudwatchlogs::Client,
    cluster: &str,
    task: &TaskView,
) -> Result<Sessions, AwsError> {
    let Some(session) = task.tags.get(LAST_SESSION).filter(|s| !s.is_empty()) else {
        return Ok(Sessions::NoneRecorded);
    };
    let found = match logs
        .describe_log_streams()
        .log_group_name(exec_log_group(cluster))
        .log_stream_name_prefix(session)
        .limit(5)
        .send()
        .await
    {
        Ok(found) => found,
        Err(e) if has_code(&e, "ResourceNotFoundException") => return Ok(Sessions::PossiblyOpen),
        Err(e) => return Err(AwsError::of("DescribeLogStreams")(e)),
    };
    let stream = found
        .log_streams()
        .iter()
        .find(|s| s.log_stream_name() == Some(session.as_str()));
    Ok(match stream {
        None => Sessions::PossiblyOpen,
        Some(stream) => Sessions::Closed {
            last_event: stream
                .last_event_timestamp()
                .or(stream.last_ingestion_time())
                .or(stream.creation_time())
                .map(|ms| ms.div_euclid(1000)),
        },
    })
}
