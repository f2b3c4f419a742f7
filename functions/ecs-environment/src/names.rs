//! Names of an environment's resources, derived from its cluster name as in the seed module.

use sha2::{Digest, Sha256};

pub const MAX_ROLE_NAME_LEN: usize = 64;
/// Every role an environment gets lives under this IAM path: ecs-environment's own policy may
/// create, change, pass and delete roles there alone (docs/security.md).
pub const ROLE_PATH: &str = "/ecs-debug-toolkit/";
/// How earlier versions' role names end (execution, debug task, app), before any shortening; the
/// function's policy admits deleting those roles by these endings (infra/template.yaml,
/// `IamRemoveRolesOfEarlierVersions`).
pub const EARLIER_ROLE_ENDINGS: [&str; 3] = ["-task-execution", "-debug-toolkit-task", "-app-task"];
use debug_toolkit::names::{cluster_log_group, debug_log_group, exec_log_group, task_family};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceNames {
    pub cluster: String,
    pub cluster_log_group: String,
    pub debug_log_group: String,
    pub exec_log_group: String,
    pub execution_role: String,
    pub task_role: String,
    /// The application's task role (docs/interface.md, `ecs-environment`).
    pub app_task_role: String,
    pub security_group: String,
    pub task_family: String,
}

impl ResourceNames {
    pub fn for_cluster(cluster: &str) -> Self {
        Self {
            cluster: cluster.to_string(),
            cluster_log_group: cluster_log_group(cluster),
            debug_log_group: debug_log_group(cluster),
            exec_log_group: exec_log_group(cluster),
            execution_role: role_name(&format!("{cluster}-task-execution-role")),
            task_role: role_name(&format!("{cluster}-debug-toolkit-task-role")),
            app_task_role: role_name(&format!("{cluster}-app-task-role")),
            security_group: format!("{cluster}-ecs-tasks"),
            task_family: task_family(cluster),
        }
    }

    pub fn log_groups(&self) -> [&str; 3] {
        [
            &self.cluster_log_group,
            &self.debug_log_group,
            &self.exec_log_group,
        ]
    }

    pub fn roles(&self) -> [&str; 3] {
        [&self.execution_role, &self.task_role, &self.app_task_role]
    }

    /// The names earlier versions gave the three roles, at path `/`: an Update moves the
    /// environment to [`Self::roles`] and then removes these (docs/decisions.md, "Roles under a
    /// path of ours"). IAM names are unique whatever the path, so the new roles need new names.
    pub fn earlier_roles(&self) -> [String; 3] {
        EARLIER_ROLE_ENDINGS.map(|ending| role_name(&format!("{}{ending}", self.cluster)))
    }
}

/// IAM role names are at most 64 characters: a longer name keeps its head and ends in a hash of
/// the whole name, so the same input always gives the same, distinct name.
pub fn role_name(full: &str) -> String {
    if full.len() <= MAX_ROLE_NAME_LEN {
        return full.to_string();
    }
    let digest = hex::encode(Sha256::digest(full.as_bytes()));
    let suffix = format!("-{}", &digest[..10]);
    format!("{}{}", &full[..MAX_ROLE_NAME_LEN - suffix.len()], suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_seed_module() {
        let names = ResourceNames::for_cluster("payments-dev");
        assert_eq!(names.cluster_log_group, "/ecs/payments-dev");
        assert_eq!(names.debug_log_group, "/ecs/payments-dev/debug-toolkit");
        assert_eq!(names.exec_log_group, "/ecs/payments-dev/ecs-exec");
        assert_eq!(names.execution_role, "payments-dev-task-execution-role");
        assert_eq!(names.task_role, "payments-dev-debug-toolkit-task-role");
        assert_eq!(names.app_task_role, "payments-dev-app-task-role");
        assert_eq!(
            names.earlier_roles(),
            [
                "payments-dev-task-execution",
                "payments-dev-debug-toolkit-task",
                "payments-dev-app-task"
            ]
        );
        assert_eq!(names.security_group, "payments-dev-ecs-tasks");
        assert_eq!(names.task_family, "payments-dev-debug-toolkit");
    }

    #[test]
    fn long_role_names_are_shortened_deterministically() {
        let cluster = "a-very-long-cluster-name-that-goes-on-and-on-for-a-while";
        let names = ResourceNames::for_cluster(cluster);
        for role in names.roles() {
            assert_eq!(role.len(), MAX_ROLE_NAME_LEN, "{role}");
        }
        assert_ne!(names.execution_role, names.task_role);
        assert_eq!(names, ResourceNames::for_cluster(cluster));
        let other = ResourceNames::for_cluster(&format!("{cluster}x"));
        assert_ne!(other.task_role, names.task_role);
    }

    #[test]
    fn names_at_the_limit_are_kept() {
        let full = "x".repeat(MAX_ROLE_NAME_LEN);
        assert_eq!(role_name(&full), full);
    }

    #[test]
    fn no_role_of_today_takes_the_name_of_an_earlier_ones() {
        // IAM names are unique whatever the path: a new name equal to an earlier one of another
        // environment would meet that role instead of making its own.
        let clusters = [
            "c",
            "c-task",
            "c-app",
            "c-debug-toolkit",
            "c-task-execution",
        ];
        for mine in clusters {
            for other in clusters {
                let today = ResourceNames::for_cluster(mine);
                let earlier = ResourceNames::for_cluster(other).earlier_roles();
                for role in today.roles() {
                    assert!(!earlier.iter().any(|e| e == role), "{mine}/{other}: {role}");
                }
            }
        }
    }
}
