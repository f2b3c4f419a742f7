//! Names of an environment's resources, derived from its cluster name as in the seed module.

use sha2::{Digest, Sha256};

pub const MAX_ROLE_NAME_LEN: usize = 64;
/// Every role this version creates lives under this IAM path: ecs-environment's own policy may
/// create, tag and change roles there alone (docs/security.md, "The provider's own IAM").
pub const ROLE_PATH: &str = "/ecs-debug-toolkit/";
/// How the three role names end (execution, debug task, app) before any shortening. Earlier
/// versions made the same names at path `/` (legacy roles, kept in place: docs/decisions.md); the
/// function's policy admits changing those by these endings and our tag alone
/// (infra/template.yaml, `IamConvergeLegacyRoles`).
pub const ROLE_ENDINGS: [&str; 3] = ["-task-execution", "-debug-toolkit-task", "-app-task"];
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
    /// The group of the environment's interface endpoints (`VpcEndpoints`).
    pub vpc_endpoint_group: String,
    pub task_family: String,
}

impl ResourceNames {
    pub fn for_cluster(cluster: &str) -> Self {
        Self {
            cluster: cluster.to_string(),
            cluster_log_group: cluster_log_group(cluster),
            debug_log_group: debug_log_group(cluster),
            exec_log_group: exec_log_group(cluster),
            execution_role: role_name(&format!("{cluster}{}", ROLE_ENDINGS[0])),
            task_role: role_name(&format!("{cluster}{}", ROLE_ENDINGS[1])),
            app_task_role: role_name(&format!("{cluster}{}", ROLE_ENDINGS[2])),
            security_group: format!("{cluster}-ecs-tasks"),
            vpc_endpoint_group: format!("{cluster}-vpc-endpoints"),
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
        assert_eq!(names.execution_role, "payments-dev-task-execution");
        assert_eq!(names.task_role, "payments-dev-debug-toolkit-task");
        assert_eq!(names.app_task_role, "payments-dev-app-task");
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
}
