//! How far this version may manage an existing role of an environment (docs/decisions.md, "Roles
//! under a path of ours"): its own roles under [`ROLE_PATH`] fully; the roles earlier versions made
//! at path `/` (legacy) by the function's `IamConvergeLegacyRoles` statement, which names them by
//! [`ROLE_ENDINGS`] and our tag, so a legacy role whose name was shortened is out of its reach.

use crate::names::{ROLE_ENDINGS, ROLE_PATH};
use crate::resources::roles::ExistingRole;

/// How far this version may manage an existing role of ours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Under our path: trust, tags and policies converged.
    Current,
    /// At another path (made by an earlier version): policies converged, trust and tags left.
    Legacy,
    /// At another path with a shortened name, which the function's policy cannot name: left
    /// entirely as it is.
    LegacyUnmanageable,
}

impl ExistingRole {
    /// Where `name`, found as `self`, stands.
    pub fn standing(&self, name: &str) -> Standing {
        if self.path == ROLE_PATH {
            Standing::Current
        } else if ROLE_ENDINGS.iter().any(|ending| name.ends_with(ending)) {
            Standing::Legacy
        } else {
            Standing::LegacyUnmanageable
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_roles_this_version_manages_and_how_far() {
        let at = |path: &str| ExistingRole {
            arn: String::new(),
            tags: Default::default(),
            path: path.into(),
        };
        let shortened = crate::names::ResourceNames::for_cluster(&"c".repeat(60)).task_role;
        for (path, name, standing) in [
            (
                "/ecs-debug-toolkit/",
                "pay-task-execution",
                Standing::Current,
            ),
            ("/ecs-debug-toolkit/", shortened.as_str(), Standing::Current),
            ("/", "pay-task-execution", Standing::Legacy),
            ("/", "pay-debug-toolkit-task", Standing::Legacy),
            ("/", "pay-app-task", Standing::Legacy),
            ("/team/", "pay-app-task", Standing::Legacy),
            ("/", shortened.as_str(), Standing::LegacyUnmanageable),
        ] {
            assert_eq!(at(path).standing(name), standing, "{path}{name}");
        }
    }
}
