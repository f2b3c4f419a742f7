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
use crate::resources::log_groups::{self, ExistingLogGroup};
use crate::resources::network::{self, Network};
use crate::resources::preflight;
use crate::resources::roles::{self, ExistingRole, RoleSpec};
use crate::resources::security_group::{self, ExistingGroup};
use crate::resources::service_linked_role;
use crate::resources::task_definition::{self, ExistingTaskDefinition, Roles};
use debug_toolkit::tags;
use std::collections::BTreeMap;

/// What an environment is made of, once converged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provisioned {
    pub cluster_name: String,
    pub cluster_arn: String,
    pub security_group_id: String,
    pub subnet_ids: Vec<String>,
    pub execution_role_arn: String,
    pub task_role_arn: String,
    pub app_task_role_arn: String,
    pub task_definition_arn: String,
    pub log_groups: [String; 3],
    /// `ok`, or what keeps ECS Exec from working in the subnets (docs/interface.md,
    /// `ecs-environment`).
    pub exec_preflight: String,
}

impl Provisioned {
    /// The response `Data` (for `Fn::GetAtt`).
    pub fn data(&self) -> BTreeMap<String, String> {
        let [cluster_logs, debug_logs, exec_logs] = self.log_groups.clone();
        BTreeMap::from([
            ("ClusterName".into(), self.cluster_name.clone()),
            ("ClusterArn".into(), self.cluster_arn.clone()),
            ("SecurityGroupId".into(), self.security_group_id.clone()),
            ("SubnetIds".into(), self.subnet_ids.join(",")),
            (
                "TaskExecutionRoleArn".into(),
                self.execution_role_arn.clone(),
            ),
            ("DebugToolkitTaskRoleArn".into(), self.task_role_arn.clone()),
            (
                "DebugToolkitTaskDefinitionArn".into(),
                self.task_definition_arn.clone(),
            ),
            ("AppTaskRoleArn".into(), self.app_task_role_arn.clone()),
            // The application's own awslogs group is the cluster's (docs/interface.md,
            // `ecs-environment`).
            ("ServiceLogGroupName".into(), cluster_logs.clone()),
            ("ClusterLogGroupName".into(), cluster_logs),
            ("DebugToolkitLogGroupName".into(), debug_logs),
            ("ExecLogGroupName".into(), exec_logs),
            ("ExecPreflight".into(), self.exec_preflight.clone()),
        ])
    }
}

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

    let (network, inventory) = tokio::join!(
        network::resolve(desired),
        Inventory::take(scope, &spec.vpc_id)
    );
    let network: Network = network?;
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
        inline_policy: policies::app_task_policy(spec),
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
    let (l0, l1, l2, roles, group_id, linked) = tokio::join!(
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
        async {
            tokio::join!(
                roles::ensure(desired, &execution_role, found_execution_role.as_ref()),
                roles::ensure(desired, &task_role, found_task_role.as_ref()),
                roles::ensure(desired, &app_task_role, found_app_role.as_ref()),
            )
        },
        security_group::ensure(desired, &network, inventory.security_group.as_ref()),
        service_linked_role,
    );
    let (execution_role_arn, task_role_arn, app_task_role_arn, group_id) =
        match (l0, l1, l2, roles, group_id, linked) {
            (Ok(()), Ok(()), Ok(()), (Ok(e), Ok(t), Ok(a)), Ok(g), Ok(())) => (e, t, a, g),
            (l0, l1, l2, (e, t, a), g, s) => {
                return Err(failed([
                    l0.err(),
                    l1.err(),
                    l2.err(),
                    e.err(),
                    t.err(),
                    a.err(),
                    g.err(),
                    s.err(),
                ]))
            }
        };

    let roles = Roles {
        execution_role_arn: &execution_role_arn,
        task_role_arn: &task_role_arn,
    };
    let (cluster_arn, task_definition_arn, exec_preflight) = tokio::join!(
        cluster::ensure(desired, &network, &group_id, inventory.cluster.as_ref()),
        task_definition::ensure(desired, &roles, inventory.task_definition.as_ref()),
        preflight::exec_preflight(desired, &network),
    );
    let (cluster_arn, task_definition_arn) = match (cluster_arn, task_definition_arn) {
        (Ok(c), Ok(t)) => (c, t),
        (c, t) => return Err(failed([c.err(), t.err()])),
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
    })
}
