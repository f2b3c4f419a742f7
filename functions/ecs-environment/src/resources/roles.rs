//! The environment's roles: task execution, debug task and application task, made under
//! [`ROLE_PATH`] with the toolkit stack's permissions boundary. A role of the same name that an
//! earlier version made at path `/` (a legacy role) is kept in place: IAM names are unique per
//! account whatever the path, so moving it would mean deleting it under running tasks. The
//! stack's boundary is put on it before any policy write, its policies are converged and it is
//! deleted with the environment, but its trust and tags stay as they are (the function's policy
//! allows no TagRole outside its path and no trust change anywhere; docs/decisions.md, "Roles
//! under a path of ours").

use crate::context::{Desired, Scope};
use crate::error::{aws, ProvisionError};
use crate::names::ROLE_PATH;
use crate::resources::adopt::adopt;
pub use crate::resources::role_standing::{ExistingRole, Standing};
use crate::resources::tagging::{self, Tagged};
use crate::retry;
use serde_json::Value;

/// What one role should be.
pub struct RoleSpec<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub trust: Value,
    pub inline_policy_name: &'a str,
    /// `None`: the role has no inline policy (one left from an earlier spec is deleted).
    pub inline_policy: Option<Value>,
    pub managed_policy_arn: Option<String>,
}

pub async fn find(scope: &Scope<'_>, name: &str) -> Result<Option<ExistingRole>, ProvisionError> {
    match scope.clients.iam.get_role().role_name(name).send().await {
        Ok(out) => Ok(out.role().map(|role| ExistingRole {
            arn: role.arn().to_string(),
            tags: tagging::read(role.tags()),
            path: role.path().to_string(),
            boundary: role
                .permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
                .map(str::to_string),
        })),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_no_such_entity_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(aws("GetRole", name)(e)),
    }
}

/// Creates the role, or brings an owned one to the desired trust, policies and tags.
/// Returns the role's ARN.
pub async fn ensure(
    desired: &Desired<'_>,
    role: &RoleSpec<'_>,
    existing: Option<&ExistingRole>,
) -> Result<String, ProvisionError> {
    let arn = ensure_exists(desired, role, existing).await?;
    ensure_policies(desired, role, existing).await?;
    Ok(arn)
}

/// The role made, or an owned one's trust and tags brought to the spec: what a task definition
/// needs to name it. Its policies are [`ensure_policies`]' (which may run alongside).
pub async fn ensure_exists(
    desired: &Desired<'_>,
    role: &RoleSpec<'_>,
    existing: Option<&ExistingRole>,
) -> Result<String, ProvisionError> {
    let iam = &desired.clients().iam;
    let name = role.name;
    let arn = match existing {
        Some(current) => bring_up_to_date(desired, role, current).await?,
        None => match iam
            .create_role()
            .role_name(name)
            .path(ROLE_PATH)
            .set_permissions_boundary(desired.clients().defaults.role_boundary.clone())
            .description(role.description)
            .assume_role_policy_document(role.trust.to_string())
            .set_tags(Some(tagging::iam(&desired.tags)))
            .send()
            .await
        {
            Ok(created) => created.role().map(|r| r.arn().to_string()).ok_or_else(|| {
                ProvisionError::Incomplete {
                    action: "CreateRole",
                    target: name.to_string(),
                    missing: "role",
                }
            })?,
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_entity_already_exists_exception()) =>
            {
                let found = find(&desired.scope, name).await?;
                let current = adopt(
                    &desired.scope,
                    format!("IAM role {name}"),
                    found,
                    |r| &r.tags,
                    aws("CreateRole", name)(e),
                )?;
                bring_up_to_date(desired, role, &current).await?
            }
            Err(e) => return Err(aws("CreateRole", name)(e)),
        },
    };
    Ok(arn)
}

/// The role's inline policy (put, or deleted when the spec has none) and its managed policy, once
/// the role exists.
pub async fn ensure_policies(
    desired: &Desired<'_>,
    role: &RoleSpec<'_>,
    existing: Option<&ExistingRole>,
) -> Result<(), ProvisionError> {
    let iam = &desired.clients().iam;
    let name = role.name;
    // A legacy role given the boundary just now: IAM may still judge the write by the role as it
    // was (no boundary, so the policy's Deny) for a moment; that refusal passes.
    let boundary = desired.clients().defaults.role_boundary.as_deref();
    let just_bounded = existing.is_some_and(|r| r.needs_boundary(name, boundary));
    let put_inline = async {
        match &role.inline_policy {
            Some(policy) => retry::while_transient(
                name,
                "PutRolePolicy",
                |e| just_bounded && retry::code("AccessDenied")(e),
                || {
                    iam.put_role_policy()
                        .role_name(name)
                        .policy_name(role.inline_policy_name)
                        .policy_document(policy.to_string())
                        .send()
                },
            )
            .await
            .map(drop),
            // A role made just now has no policy to delete.
            None if existing.is_none() => Ok(()),
            None => match iam
                .delete_role_policy()
                .role_name(name)
                .policy_name(role.inline_policy_name)
                .send()
                .await
            {
                Ok(_) => Ok(()),
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|s| s.is_no_such_entity_exception()) =>
                {
                    Ok(())
                }
                Err(e) => Err(aws("DeleteRolePolicy", name)(e)),
            },
        }
    };
    let attach_managed = async {
        match &role.managed_policy_arn {
            Some(policy) => retry::while_transient(
                name,
                "AttachRolePolicy",
                |e| just_bounded && retry::code("AccessDenied")(e),
                || {
                    iam.attach_role_policy()
                        .role_name(name)
                        .policy_arn(policy)
                        .send()
                },
            )
            .await
            .map(drop),
            None => Ok(()),
        }
    };
    let (inline, managed) = tokio::join!(put_inline, attach_managed);
    inline.and(managed)
}

/// An owned role's tags as desired, a legacy role given the stack's boundary (its trust and tags
/// left, and said so: [`Standing`]); its ARN. No trust is ever rewritten: it is constant (ECS tasks
/// of this account) and set at CreateRole alone, and the function's policy has no
/// `iam:UpdateAssumeRolePolicy` (docs/security.md).
async fn bring_up_to_date(
    desired: &Desired<'_>,
    role: &RoleSpec<'_>,
    current: &ExistingRole,
) -> Result<String, ProvisionError> {
    if current.standing(role.name) != Standing::Current {
        current.bound_if_legacy(desired, role.name).await?;
        return Ok(current.arn.clone());
    }
    current.refuse_if_unbounded(
        role.name,
        desired.clients().defaults.role_boundary.as_deref(),
    )?;
    tagging::retag(
        desired,
        Tagged::Role(role.name),
        &current.tags,
        &desired.tags,
    )
    .await?;
    Ok(current.arn.clone())
}

/// Deletes the role with its policies if this stack resource owns it.
pub async fn remove(scope: &Scope<'_>, name: &str) -> Result<(), ProvisionError> {
    let Some(existing) = find(scope, name).await? else {
        return Ok(());
    };
    if !scope.owns(&existing.tags) {
        tracing::warn!(
            role = name,
            "not owned by this stack resource; left in place"
        );
        return Ok(());
    }
    if existing.standing(name) == Standing::LegacyUnmanageable {
        tracing::warn!(
            role = name,
            path = %existing.path,
            "legacy role with a shortened name, which this version's policy cannot delete: left \
             in place; delete it by hand (docs/limitations.md)"
        );
        return Ok(());
    }
    let iam = &scope.clients.iam;
    // IAM may cut a list below its page size (IsTruncated): every page, or DeleteRole would meet
    // a policy left behind (DeleteConflict).
    let (inline, attached) = tokio::join!(
        iam.list_role_policies()
            .role_name(name)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<String>, _>>(),
        iam.list_attached_role_policies()
            .role_name(name)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
    );
    let inline = inline.map_err(aws("ListRolePolicies", name))?;
    let attached = attached.map_err(aws("ListAttachedRolePolicies", name))?;
    let deletes = inline.iter().map(|policy| async move {
        iam.delete_role_policy()
            .role_name(name)
            .policy_name(policy)
            .send()
            .await
            .map(|_| ())
            .map_err(aws("DeleteRolePolicy", name))
    });
    let detaches = attached
        .iter()
        .filter_map(|p| p.policy_arn())
        .map(|policy| async move {
            iam.detach_role_policy()
                .role_name(name)
                .policy_arn(policy)
                .send()
                .await
                .map(|_| ())
                .map_err(aws("DetachRolePolicy", name))
        });
    let (deleted, detached) = tokio::join!(
        futures::future::join_all(deletes),
        futures::future::join_all(detaches)
    );
    deleted
        .into_iter()
        .chain(detached)
        .collect::<Result<Vec<_>, _>>()?;
    match iam.delete_role().role_name(name).send().await {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_no_such_entity_exception()) =>
        {
            Ok(())
        }
        Err(e) => Err(aws("DeleteRole", name)(e)),
    }
}
