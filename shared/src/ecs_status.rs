//! ECS's lifecycle statuses as types (the SDK and the events carry them as strings).

/// A task's `lastStatus` or `desiredStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskStatus {
    Provisioning,
    Pending,
    Activating,
    Running,
    Deactivating,
    Stopping,
    Deprovisioning,
    Stopped,
    Deleted,
}

const TASK_STATUSES: [(TaskStatus, &str); 9] = [
    (TaskStatus::Provisioning, "PROVISIONING"),
    (TaskStatus::Pending, "PENDING"),
    (TaskStatus::Activating, "ACTIVATING"),
    (TaskStatus::Running, "RUNNING"),
    (TaskStatus::Deactivating, "DEACTIVATING"),
    (TaskStatus::Stopping, "STOPPING"),
    (TaskStatus::Deprovisioning, "DEPROVISIONING"),
    (TaskStatus::Stopped, "STOPPED"),
    (TaskStatus::Deleted, "DELETED"),
];

impl TaskStatus {
    /// `None` for a status ECS does not document.
    pub fn parse(text: &str) -> Option<Self> {
        TASK_STATUSES
            .iter()
            .find(|(_, name)| *name == text)
            .map(|(status, _)| *status)
    }

    pub fn as_str(self) -> &'static str {
        TASK_STATUSES
            .iter()
            .find(|(status, _)| *status == self)
            .map(|(_, name)| *name)
            .expect("every status has its name")
    }
}

/// A cluster's `status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterStatus {
    Active,
    Provisioning,
    Deprovisioning,
    Failed,
    Inactive,
}

impl ClusterStatus {
    /// `None` for a status ECS does not document (or none at all).
    pub fn parse(text: Option<&str>) -> Option<Self> {
        match text? {
            "ACTIVE" => Some(Self::Active),
            "PROVISIONING" => Some(Self::Provisioning),
            "DEPROVISIONING" => Some(Self::Deprovisioning),
            "FAILED" => Some(Self::Failed),
            "INACTIVE" => Some(Self::Inactive),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_status_reads_back_and_others_are_none() {
        for (status, name) in TASK_STATUSES {
            assert_eq!(TaskStatus::parse(name), Some(status));
            assert_eq!(status.as_str(), name);
        }
        assert_eq!(TaskStatus::parse("running"), None);
        assert_eq!(
            ClusterStatus::parse(Some("INACTIVE")),
            Some(ClusterStatus::Inactive)
        );
        assert_eq!(ClusterStatus::parse(None), None);
    }
}
