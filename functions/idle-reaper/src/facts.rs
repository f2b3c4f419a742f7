//! What the rules need about one debug task: its tags and times, and what its cluster's logs say
//! about it (read once per cluster by `activity`).

use crate::activity::ClusterActivity;
use crate::rules::Facts;
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::tags::LAST_ACTIVITY;
use debug_toolkit::timestamp;

pub fn facts(task: &TaskView, activity: &ClusterActivity) -> Facts {
    Facts {
        start: task.start(),
        expires_at: task.expires_at(),
        last_activity: task
            .tags
            .get(LAST_ACTIVITY)
            .and_then(|t| timestamp::parse(t)),
        sessions: activity.sessions(task),
        heartbeat: activity.heartbeat(task),
    }
}
