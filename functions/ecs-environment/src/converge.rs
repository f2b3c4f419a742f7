//! Create or update: bring one environment to its spec, running independent calls concurrently.
//!
//! Level 0 reads the network and who owns each named resource; level 1 makes the log groups,
//! roles and security group (and, before a new cluster, ECS's service-linked role); level 2 the
//! cluster (needs the exec log group and the group id for its tags) and the task definition (needs
//! the roles and the debug log group).

use crate::context::{Desired, Scope};
use crate::error::{combine, failed, ProvisionError};
use crate::policies;
use crate::resources::cluster::{self, ExistingCluster};
use crate::resources::endpoints;
use crate::resources::log_groups::{self, ExistingLogGroup};
use crate::resources::network::{self, Network};
use crate::resources::preflight;
use crate::resources::roles::{self, ExistingRole, RoleSpec};
use crate::resources::security_group::{self, ExistingGroup};
use crate::resources::service_linked_role;
use crate::resources::source_groups;
use crate::resources::task_definition::{self, ExistingTaskDefinition, Roles};
use debug_toolkit::tags;
use std::collections::BTreeMap;

mod provisioned;
pub use provisioned::Provisioned;

/// The named resources as found before any change.
struct Inventory {
    cluster: Option<ExistingCluster>,
    log_groups: [Option<ExistingLogGroup>; 3],
    roles: [Option<ExistingRole>; 3],
    security_group: Option<ExistingGroup>,
    task_definition: Option<ExistingTaskDefinition>,
}

impl Inventory {
    async fn take(scope: &Scope<'_>, vpc_id: &str) -> Result<Self, ProvisionError> {
        let names = scope.names;
        let [cluster_logs, debug_logs, exec_logs] = names.log_groups();
        let (cluster, l0, l1, l2, r0, r1, r2, group, definition) = tokio::join!(
            cluster::find(scope),
            log_groups::find(scope, cluster_logs),
            log_groups::find(scope, debug_logs),
            log_groups::find(scope, exec_logs),
            roles::find(scope, &names.execution_role),
            roles::find(scope, &names.task_role),
            roles::find(scope, &names.app_task_role),
            security_group::find(scope, vpc_id),
            task_definition::find(scope),
        );
        Ok(Self {
            cluster: cluster?,
            log_groups: [l0?, l1?, l2?],
            roles: [r0?, r1?, r2?],
            security_group: group?,
            task_definition: definition?,
        })
    }

    /// Every named resource that exists and belongs to someone else.
    fn foreign(&self, scope: &Scope<'_>) -> Vec<ProvisionError> {
        let names = scope.names;
        let owner_of =
            |t: &BTreeMap<String, String>| t.get(tags::OWNER).cloned().unwrap_or_default();
        let mut found: Vec<(String, &BTreeMap<String, String>)> = Vec::new();
        if let Some(c) = &self.cluster {
            found.push((format!("ECS cluster {}", names.cluster), &c.tags));
        }
        for (name, group) in names.log_groups().iter().zip(&self.log_groups) {
            if let Some(g) = group {
                found.push((format!("log group {name}"), &g.tags));
            }
        }
        for (name, role) in names.roles().iter().zip(&self.roles) {
            if let Some(r) = role {
                found.push((format!("IAM role {name}"), &r.tags));
            }
        }
        if let Some(g) = &self.security_group {
            found.push((
                format!("security group {} ({})", names.security_group, g.id),
                &g.tags,
            ));
        }
        if let Some(t) = &self.task_definition {
            found.push((format!("task definition {}", t.arn), &t.tags));
        }
        found
            .into_iter()
            .filter(|(_, t)| !scope.owns(t))
            .map(|(resource, t)| ProvisionError::Foreign {
                resource,
                owner: owner_of(t),
            })
            .collect()
    }
}

pub async fn converge(desired: &Desired<'_>) -> Result<Provisioned, ProvisionError> {
    let scope = &desired.scope;
    let names = desired.names();
    let spec = desired.spec;

    // The endpoints' survey needs the subnets; it refuses what cannot be met before anything
    // is made.
    let network_then_endpoints = async {
        let network: Network = network::resolve(desired).await?;
        let survey = endpoints::survey(desired, &network).await?;
        Ok::<_, ProvisionError>((network, survey))
    };
    let (network, inventory, sources) = tokio::join!(
        network_then_endpoints,
        Inventory::take(scope, &spec.vpc_id),
        source_groups::check(desired)
    );
    let (network, survey) = network?;
    sources?;
    security_group::egress::check_fits(&spec.extra_egress_ports, &network.vpc_cidrs)?;
    let inventory = inventory?;
    combine(inventory.foreign(scope))?;

    let [cluster_logs, debug_logs, exec_logs] = names.log_groups();
    let execution_role = RoleSpec {
        name: &names.execution_role,
        description: "ECS task execution role of an ecs-debug-toolkit environment",
        trust: policies::ecs_tasks_trust(scope.stack),
        inline_policy_name: policies::EXECUTION_INLINE_POLICY,
        inline_policy: Some(policies::execution_policy(scope.stack, names)),
        managed_policy_arn: Some(policies::managed_execution_policy_arn(scope.stack)),
    };
    let task_role = RoleSpec {
        name: &names.task_role,
        description: "Task role of ecs-debug-toolkit debug tasks (read-only view, ECS Exec)",
        trust: policies::ecs_tasks_trust(scope.stack),
        inline_policy_name: policies::TASK_INLINE_POLICY,
        inline_policy: Some(policies::task_policy(scope.stack, names, spec)),
        managed_policy_arn: None,
    };
    let app_task_role = RoleSpec {
        name: &names.app_task_role,
        description: "Task role of the environment's application (ecs-debug-toolkit)",
        trust: policies::ecs_tasks_trust(scope.stack),
        inline_policy_name: policies::APP_INLINE_POLICY,
        inline_policy: Some(policies::app_task_policy(scope.stack, names, spec)),
        managed_policy_arn: None,
    };
    let [found_cluster_logs, found_debug_logs, found_exec_logs] = &inventory.log_groups;
    let [found_execution_role, found_task_role, found_app_role] = &inventory.roles;
    let service_linked_role = async {
        match inventory.cluster {
            None => service_linked_role::ensure(desired).await,
            Some(_) => Ok(()),
        }
    };
    // Each resource starts as soon as what it names exists: the task definition once the roles
    // exist (their policies alongside), the cluster once the group exists and the account has
    // ECS's service-linked role (the group's rules alongside).
    let roles_then_definition = async {
        let role_specs = [&execution_role, &task_role, &app_task_role];
        let found = [found_execution_role, found_task_role, found_app_role];
        let (e, t, a) = tokio::join!(
            roles::ensure_exists(desired, role_specs[0], found[0].as_ref()),
            roles::ensure_exists(desired, role_specs[1], found[1].as_ref()),
            roles::ensure_exists(desired, role_specs[2], found[2].as_ref()),
        );
        let (e, t, a) = match (e, t, a) {
            (Ok(e), Ok(t), Ok(a)) => (e, t, a),
            (e, t, a) => return Err(failed([e.err(), t.err(), a.err()])),
        };
        let roles = Roles {
            execution_role_arn: &e,
            task_role_arn: &t,
        };
        let (p0, p1, p2, definition) = tokio::join!(
            roles::ensure_policies(desired, role_specs[0], found[0].as_ref()),
            roles::ensure_policies(desired, role_specs[1], found[1].as_ref()),
            roles::ensure_policies(desired, role_specs[2], found[2].as_ref()),
            task_definition::ensure(desired, &roles, inventory.task_definition.as_ref()),
        );
        match (p0, p1, p2, definition) {
            (Ok(()), Ok(()), Ok(()), Ok(d)) => Ok((e, t, a, d)),
            (p0, p1, p2, d) => Err(failed([p0.err(), p1.err(), p2.err(), d.err()])),
        }
    };
    let group_then_cluster = async {
        let (group, linked) = tokio::join!(
            security_group::ensure_exists(desired, &network, inventory.security_group.as_ref()),
            service_linked_role,
        );
        let group = match (group, linked) {
            (Ok(group), Ok(())) => group,
            (g, l) => return Err(failed([g.err(), l.err()])),
        };
        // The endpoints admit this group; the preflight then asks whether the VPC's endpoints
        // (ours among them, once available) serve it.
        let endpoints_then_preflight = async {
            let ids = endpoints::ensure(desired, &network, &survey, &group.id).await?;
            let verdict = preflight::exec_preflight(desired, &network, &group.id).await;
            Ok::<_, ProvisionError>((ids, verdict))
        };
        let (rules, cluster, endpoints) = tokio::join!(
            security_group::ensure_rules(desired, &network, &group),
            cluster::ensure(desired, &network, &group.id, inventory.cluster.as_ref()),
            // Boxed: its reads make a large future, and this join sits deep in Create and Update.
            Box::pin(endpoints_then_preflight),
        );
        match (rules, cluster, endpoints) {
            (Ok(()), Ok(cluster), Ok(endpoints)) => Ok((group.id, cluster, endpoints)),
            (r, c, e) => Err(failed([r.err(), c.err(), e.err()])),
        }
    };
    let (l0, l1, l2, roles, group) = tokio::join!(
        log_groups::ensure(
            desired,
            cluster_logs,
            spec.log_retention_days,
            found_cluster_logs.as_ref()
        ),
        log_groups::ensure(
            desired,
            debug_logs,
            spec.debug_log_retention_days,
            found_debug_logs.as_ref()
        ),
        log_groups::ensure(
            desired,
            exec_logs,
            spec.log_retention_days,
            found_exec_logs.as_ref()
        ),
        roles_then_definition,
        group_then_cluster,
    );
    let (
        (execution_role_arn, task_role_arn, app_task_role_arn, task_definition_arn),
        (group_id, cluster_arn, (vpc_endpoint_ids, exec_preflight)),
    ) = match (l0, l1, l2, roles, group) {
        (Ok(()), Ok(()), Ok(()), Ok(roles), Ok(group)) => (roles, group),
        (l0, l1, l2, r, g) => return Err(failed([l0.err(), l1.err(), l2.err(), r.err(), g.err()])),
    };

    Ok(Provisioned {
        cluster_name: names.cluster.clone(),
        cluster_arn,
        security_group_id: group_id,
        subnet_ids: network.subnet_ids,
        execution_role_arn,
        task_role_arn,
        app_task_role_arn,
        task_definition_arn,
        log_groups: [
            cluster_logs.to_string(),
            debug_logs.to_string(),
            exec_logs.to_string(),
        ],
        exec_preflight,
        vpc_endpoint_ids,
    })
}
