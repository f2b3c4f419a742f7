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
            execution_role: role_name(cluster, ROLE_ENDINGS[0]),
            task_role: role_name(cluster, ROLE_ENDINGS[1]),
            app_task_role: role_name(cluster, ROLE_ENDINGS[2]),
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

    /// The names earlier versions gave this environment's roles where they differ from today's
    /// (a long `ClusterName`: their shortened names ended in the hash, not the kind): an Update
    /// leaves such roles to the tasks still using them, a Delete removes them.
    pub fn earlier_roles(&self) -> Vec<String> {
        ROLE_ENDINGS
            .iter()
            .map(|ending| format!("{}{ending}", self.cluster))
            .filter(|full| full.len() > MAX_ROLE_NAME_LEN)
            .map(|full| format!("{}-{}", &full[..MAX_ROLE_NAME_LEN - HASH_LEN], hash(&full)))
            .collect()
    }
}

/// A separator and ten hex digits of a name's hash.
const HASH_LEN: usize = 11;

/// IAM role names are at most 64 characters: a longer name keeps the cluster's head, then `.` and
/// a hash of the whole name, then the kind's `ending`, so the same input always gives the same,
/// distinct name, and the functions' IAM can name a kind by its ending alone (`iam:PassRole` on
/// `role/ecs-debug-toolkit/*-debug-toolkit-task`: AWS's documented way, by ARN, not by tag). IAM
/// allows `.` in role names and ECS does not in cluster names, so no cluster's unshortened name is
/// ever another's shortened one.
pub fn role_name(cluster: &str, ending: &str) -> String {
    let full = format!("{cluster}{ending}");
    if full.len() <= MAX_ROLE_NAME_LEN {
        return full;
    }
    let head = &cluster[..MAX_ROLE_NAME_LEN - HASH_LEN - ending.len()];
    format!("{head}.{}{ending}", hash(&full))
}

fn hash(full: &str) -> String {
    hex::encode(Sha256::digest(full.as_bytes()))[..HASH_LEN - 1].to_string()
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
    fn long_role_names_are_shortened_deterministically_keeping_their_kind() {
        let cluster = "a-very-long-cluster-name-that-goes-on-and-on-for-a-while";
        let names = ResourceNames::for_cluster(cluster);
        for (role, ending) in names.roles().into_iter().zip(ROLE_ENDINGS) {
            assert_eq!(role.len(), MAX_ROLE_NAME_LEN, "{role}");
            assert!(role.ends_with(ending), "{role}");
            assert!(role.starts_with("a-very-long-cluster-name"), "{role}");
            assert!(!debug_toolkit::cluster::is_valid_name(
                &role[..role.len() - ending.len()]
            ));
        }
        assert_ne!(names.execution_role, names.task_role);
        assert_eq!(names, ResourceNames::for_cluster(cluster));
        let other = ResourceNames::for_cluster(&format!("{cluster}x"));
        assert_ne!(other.task_role, names.task_role);
        // docs/deploying.md (Upgrading) computes these with sha256sum; its check pins the same.
        let fifty = ResourceNames::for_cluster(&"c".repeat(50));
        assert_eq!(
            fifty.roles(),
            [
                format!("{}.002a5b5985-task-execution", "c".repeat(38)),
                format!("{}.2587c31bfa-debug-toolkit-task", "c".repeat(34)),
                format!("{}-app-task", "c".repeat(50)),
            ]
        );
        let longest = ResourceNames::for_cluster(&"c".repeat(255));
        assert!(longest.roles().iter().all(|r| r.len() == MAX_ROLE_NAME_LEN));
    }

    #[test]
    fn names_at_the_limit_are_kept_and_have_no_earlier_names() {
        let cluster = "x".repeat(MAX_ROLE_NAME_LEN - ROLE_ENDINGS[1].len());
        let names = ResourceNames::for_cluster(&cluster);
        assert_eq!(names.task_role, format!("{cluster}-debug-toolkit-task"));
        assert!(names.earlier_roles().is_empty());
    }

    #[test]
    fn earlier_names_are_the_hash_ended_ones_of_long_clusters() {
        // As the previous version named them (head, then the hash of the whole name).
        let names = ResourceNames::for_cluster(&"c".repeat(50));
        assert_eq!(
            names.earlier_roles(),
            [
                format!("{}-ta-002a5b5985", "c".repeat(50)),
                format!("{}-de-2587c31bfa", "c".repeat(50)),
            ]
        );
    }
}
