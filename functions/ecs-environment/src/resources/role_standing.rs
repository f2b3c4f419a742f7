//! How far this version may manage an existing role of an environment (docs/decisions.md, "Roles
//! under a path of ours"): its own roles under [`ROLE_PATH`] fully; the roles earlier versions made
//! at path `/` (legacy) by the function's `IamConvergeLegacyRoles` statement, which names them by
//! [`ROLE_ENDINGS`] and our tag, so a legacy role whose name was shortened is out of its reach.
//! A legacy role gets the stack's permissions boundary before any policy write
//! ([`ExistingRole::bound_if_legacy`]): the function's policy denies policy writes to a role of
//! those names without it, so nothing the function writes reaches beyond the boundary.

use crate::context::Desired;
use crate::error::{aws, ProvisionError};
use crate::names::{ROLE_ENDINGS, ROLE_PATH};
use std::collections::BTreeMap;

/// A role of ours as IAM describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExistingRole {
    pub arn: String,
    pub tags: BTreeMap<String, String>,
    /// `/ecs-debug-toolkit/` for roles of this version, `/` for those earlier versions made.
    pub path: String,
    /// The permissions boundary's ARN, if the role has one.
    pub boundary: Option<String>,
}

/// How far this version may manage an existing role of ours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Under our path: trust, tags and policies converged.
    Current,
    /// At another path (made by an earlier version): the stack's boundary put on, policies
    /// converged, trust and tags left.
    Legacy,
    /// At another path with a name earlier versions shortened (ending in the hash), which the
    /// function's policy cannot name: left entirely as it is. Only such an earlier name
    /// ([`crate::names::ResourceNames::earlier_roles`]) stands so: today's names keep their ending.
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

    /// A role of ours under the path without the stack's `boundary` (none configured: local runs,
    /// nothing to compare) was not made by this function, whose CreateRole always sets it:
    /// someone put it there with our tags. Refused rather than adopted, so no task definition
    /// names it (`iam:PassRole` admits any role there by ARN).
    pub fn refuse_if_unbounded(
        &self,
        name: &str,
        boundary: Option<&str>,
    ) -> Result<(), ProvisionError> {
        if self.standing(name) == Standing::Current && self.lacks(boundary) {
            return Err(ProvisionError::UnboundedRole {
                role: name.to_string(),
                found: self.boundary.clone().unwrap_or_else(|| "none".into()),
            });
        }
        Ok(())
    }

    /// Whether `name`, found as `self`, needs the stack's `boundary` put on: a legacy role without
    /// it (a role of ours has had it since CreateRole; one out of reach is left as it is).
    pub fn needs_boundary(&self, name: &str, boundary: Option<&str>) -> bool {
        self.standing(name) == Standing::Legacy && self.lacks(boundary)
    }

    /// Whether the stack configures a `boundary` and this role has another or none.
    fn lacks(&self, boundary: Option<&str>) -> bool {
        boundary.is_some_and(|b| self.boundary.as_deref() != Some(b))
    }

    /// A role not under our path, said so; a legacy one given the stack's boundary first
    /// (`iam:PutRolePermissionsBoundary`, allowed by the policy for the legacy names, our tag
    /// and that boundary alone).
    pub async fn bound_if_legacy(
        &self,
        desired: &Desired<'_>,
        name: &str,
    ) -> Result<(), ProvisionError> {
        tracing::warn!(
            role = name,
            path = %self.path,
            "legacy role made by an earlier version: kept in place (replacing it would cut \
             running tasks off), the stack's boundary put on, its policies converged, its trust \
             and tags left as they are (docs/deploying.md, Upgrading)"
        );
        let boundary = desired.clients().defaults.role_boundary.as_deref();
        let (true, Some(boundary)) = (self.needs_boundary(name, boundary), boundary) else {
            return Ok(());
        };
        desired
            .clients()
            .iam
            .put_role_permissions_boundary()
            .role_name(name)
            .permissions_boundary(boundary)
            .send()
            .await
            .map(drop)
            .map_err(aws("PutRolePermissionsBoundary", name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: &str = "arn:aws:iam::1:policy/ecs-debug-toolkit/B";

    fn role(path: &str, boundary: Option<&str>) -> ExistingRole {
        ExistingRole {
            arn: String::new(),
            tags: Default::default(),
            path: path.into(),
            boundary: boundary.map(str::to_string),
        }
    }

    /// A name as earlier versions shortened it (ending in the hash).
    fn shortened() -> String {
        crate::names::ResourceNames::for_cluster(&"c".repeat(60)).earlier_roles()[1].clone()
    }

    #[test]
    fn which_roles_this_version_manages_and_how_far() {
        let shortened = shortened();
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
            assert_eq!(role(path, None).standing(name), standing, "{path}{name}");
        }
    }

    #[test]
    fn a_role_under_our_path_without_the_stacks_boundary_is_refused() {
        for (found, stack, refused) in [
            (role("/ecs-debug-toolkit/", Some(OURS)), Some(OURS), false),
            (role("/ecs-debug-toolkit/", None), Some(OURS), true),
            (
                role("/ecs-debug-toolkit/", Some("arn:aws:iam::1:policy/Loose")),
                Some(OURS),
                true,
            ),
            // Legacy roles get the boundary put on instead; local runs configure none.
            (role("/", None), Some(OURS), false),
            (role("/ecs-debug-toolkit/", None), None, false),
        ] {
            let answer = found.refuse_if_unbounded("pay-debug-toolkit-task", stack);
            assert_eq!(answer.is_err(), refused, "{found:?} {stack:?}");
        }
    }

    #[test]
    fn only_a_legacy_role_without_the_stacks_boundary_gets_it() {
        let shortened = shortened();
        for (found, name, stack, needs) in [
            (role("/", None), "pay-app-task", Some(OURS), true),
            (
                role("/", Some("arn:aws:iam::1:policy/Loose")),
                "pay-app-task",
                Some(OURS),
                true,
            ),
            (role("/", Some(OURS)), "pay-app-task", Some(OURS), false),
            (
                role("/ecs-debug-toolkit/", None),
                "pay-app-task",
                Some(OURS),
                false,
            ),
            (role("/", None), shortened.as_str(), Some(OURS), false),
            // Local runs without a boundary configured put none.
            (role("/", None), "pay-app-task", None, false),
        ] {
            assert_eq!(found.needs_boundary(name, stack), needs, "{found:?} {name}");
        }
    }
}
