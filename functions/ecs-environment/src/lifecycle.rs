//! Create, Update and Delete as CloudFormation means them, each ending in one [`Outcome`].

use crate::cfn::Outcome;
use crate::context::{Clients, Desired, Scope};
use crate::converge::{converge, Provisioned};
use crate::error::ProvisionError;
use crate::names::ResourceNames;
use crate::policies;
use crate::resources::cluster;
use crate::spec::{EnvironmentSpec, ExecLogsOnDelete, Properties};
use crate::stack::StackResource;
use crate::teardown::remove_environment;
use debug_toolkit::deadline::Deadline;
use tokio::time::timeout_at;

/// When the work must stop, and when clean-up (rollback) must stop so the answer goes out in time.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    pub work: Deadline,
    pub cleanup: Deadline,
}

/// The physical id answered for a Create that failed: deliberately not a cluster ARN, so the
/// Delete CloudFormation sends for it touches nothing.
pub fn failed_create_id(request_id: &str) -> String {
    format!("failed-create-{request_id}")
}

/// The properties parsed, and what they derive checked against AWS's limits, before any AWS call.
fn checked_spec(
    clients: &Clients,
    props: &Properties,
    stack: &StackResource,
) -> Result<EnvironmentSpec, String> {
    let spec = EnvironmentSpec::parse_with(props, &stack.home(), &clients.defaults)
        .map_err(|e| e.to_string())?;
    policies::size::check(stack, &spec).map_err(|e| e.to_string())?;
    Ok(spec)
}

pub async fn create(
    clients: &Clients,
    stack: &StackResource,
    request_id: &str,
    props: &Properties,
    budget: Budget,
) -> Outcome {
    let failed_id = failed_create_id(request_id);
    let spec = match checked_spec(clients, props, stack) {
        Ok(spec) => spec,
        Err(why) => return Outcome::failed(failed_id, why),
    };
    match provision_new(clients, stack, &spec, budget).await {
        Ok(provisioned) => success(&provisioned),
        Err(failed) => Outcome::failed(failed_id, failed.to_string()),
    }
}

pub async fn update(
    clients: &Clients,
    stack: &StackResource,
    physical_id: &str,
    props: &Properties,
    old_props: &Properties,
    budget: Budget,
) -> Outcome {
    let spec = match checked_spec(clients, props, stack) {
        Ok(spec) => spec,
        Err(why) => return Outcome::failed(physical_id, why),
    };
    let previous = EnvironmentSpec::parse_with(old_props, &stack.home(), &clients.defaults).ok();
    let current_cluster = cluster_name_of(stack, physical_id);
    let same_cluster = current_cluster.as_deref() == Some(spec.cluster_name.as_str());
    let vpc_changed = previous.as_ref().is_some_and(|p| p.vpc_id != spec.vpc_id);
    if same_cluster && vpc_changed {
        return Outcome::failed(
            physical_id,
            "VpcId changed but ClusterName did not: replacing an environment needs a new ClusterName \
             (the cluster ARN is the physical id, and the old and new environments cannot share it)",
        );
    }
    if !same_cluster {
        return match provision_new(clients, stack, &spec, budget).await {
            Ok(provisioned) => success(&provisioned),
            Err(failed) => Outcome::failed(physical_id, failed.to_string()),
        };
    }
    let names = ResourceNames::for_cluster(&spec.cluster_name);
    let desired = Desired::new(
        Scope {
            clients,
            stack,
            names: &names,
        },
        &spec,
        previous.as_ref(),
    );
    match timeout_at(budget.cleanup.instant(), Box::pin(converge(&desired))).await {
        Ok(Ok(provisioned)) => success(&provisioned),
        Ok(Err(error)) => Outcome::failed(physical_id, format!("update failed: {error}")),
        Err(_) => Outcome::failed(
            physical_id,
            "update ran out of time before the Lambda deadline; run the update again",
        ),
    }
}

pub async fn delete(
    clients: &Clients,
    stack: &StackResource,
    physical_id: &str,
    exec_logs: ExecLogsOnDelete,
    budget: Budget,
) -> Outcome {
    let done = || Outcome::Success {
        physical_resource_id: physical_id.to_string(),
        data: Default::default(),
    };
    let Some(cluster_name) = cluster_name_of(stack, physical_id) else {
        tracing::info!(
            physical_id,
            "not a cluster of this account and region: nothing of ours to delete"
        );
        return done();
    };
    let names = ResourceNames::for_cluster(&cluster_name);
    let scope = Scope {
        clients,
        stack,
        names: &names,
    };
    match cluster::find(&scope).await {
        Ok(Some(found)) if !scope.owns(&found.tags) => {
            tracing::warn!(cluster = %cluster_name, "cluster is not owned by this stack resource: left untouched");
            return done();
        }
        Ok(_) => {}
        Err(error) => return Outcome::failed(physical_id, format!("delete failed: {error}")),
    }
    match timeout_at(
        budget.cleanup.instant(),
        remove_environment(&scope, exec_logs, budget.cleanup),
    )
    .await
    {
        Ok(Ok(())) => done(),
        Ok(Err(error)) => Outcome::failed(physical_id, format!("delete failed: {error}")),
        Err(_) => Outcome::failed(physical_id, "delete ran out of time before the Lambda deadline; what remains is still tagged and a retry removes it"),
    }
}

/// Creates (or converges) an environment; on failure removes what this stack resource owns of
/// it again, so that a failed Create leaves nothing behind.
async fn provision_new(
    clients: &Clients,
    stack: &StackResource,
    spec: &EnvironmentSpec,
    budget: Budget,
) -> Result<Provisioned, CreateFailed> {
    let names = ResourceNames::for_cluster(&spec.cluster_name);
    let scope = Scope {
        clients,
        stack,
        names: &names,
    };
    let desired = Desired::new(scope, spec, None);
    // Boxed: the whole convergence is a large future; on the stack of a Tokio worker (2 MiB) a
    // debug build overflowed it once the application's role joined the level-1 calls.
    let cause = match timeout_at(budget.work.instant(), Box::pin(converge(&desired))).await {
        Ok(Ok(provisioned)) => return Ok(provisioned),
        Ok(Err(error)) => Cause::Provision(error),
        Err(_) => Cause::OutOfTime,
    };
    tracing::warn!(error = %cause, cluster = %names.cluster, "provisioning failed; rolling back");
    let rollback = timeout_at(
        budget.cleanup.instant(),
        remove_environment(&scope, ExecLogsOnDelete::Remove, budget.cleanup),
    )
    .await;
    let owner = stack.owner.clone();
    let rollback = match rollback {
        Ok(Ok(())) => Rollback::Clean,
        Ok(Err(error)) => Rollback::Failed { error, owner },
        Err(_) => Rollback::OutOfTime { owner },
    };
    Err(CreateFailed { cause, rollback })
}

/// Why a Create failed, and what rolling it back left (the `Reason` CloudFormation shows).
#[derive(Debug, thiserror::Error)]
#[error("{cause} ({rollback})")]
pub struct CreateFailed {
    cause: Cause,
    rollback: Rollback,
}

#[derive(Debug, thiserror::Error)]
enum Cause {
    #[error(transparent)]
    Provision(ProvisionError),
    #[error("provisioning ran out of time before the Lambda deadline")]
    OutOfTime,
}

#[derive(Debug, thiserror::Error)]
enum Rollback {
    #[error("nothing was left behind")]
    Clean,
    #[error("rolling back also failed ({error}); resources tagged debug-toolkit:owner={owner} may remain")]
    Failed {
        error: ProvisionError,
        owner: String,
    },
    #[error(
        "rolling back ran out of time; resources tagged debug-toolkit:owner={owner} may remain"
    )]
    OutOfTime { owner: String },
}

/// Removes what a Create that was interrupted (panic, overrun) may have made; `true` when the
/// environment is gone.
pub async fn rollback_create(
    clients: &Clients,
    stack: &StackResource,
    props: &Properties,
    until: Deadline,
) -> bool {
    let Ok(spec) = EnvironmentSpec::parse_with(props, &stack.home(), &clients.defaults) else {
        return true;
    };
    let names = ResourceNames::for_cluster(&spec.cluster_name);
    remove_environment(
        &Scope {
            clients,
            stack,
            names: &names,
        },
        ExecLogsOnDelete::Remove,
        until,
    )
    .await
    .is_ok()
}

fn success(provisioned: &Provisioned) -> Outcome {
    Outcome::Success {
        physical_resource_id: provisioned.cluster_arn.clone(),
        data: provisioned.data(),
    }
}

/// The cluster name in an ECS cluster ARN of the stack's own partition, region and account.
pub fn cluster_name_of(stack: &StackResource, physical_id: &str) -> Option<String> {
    let name = physical_id.strip_prefix(&stack.arn("ecs", "cluster/"))?;
    crate::spec::is_cluster_name(name).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack() -> StackResource {
        StackResource::example()
    }

    #[test]
    fn cluster_names_come_only_from_our_own_cluster_arns() {
        let s = stack();
        assert_eq!(
            cluster_name_of(&s, "arn:aws:ecs:eu-west-1:123456789012:cluster/pay-dev").as_deref(),
            Some("pay-dev")
        );
        for other in [
            "failed-create-abc",
            "arn:aws:ecs:us-east-1:123456789012:cluster/pay-dev",
            "arn:aws:ecs:eu-west-1:210987654321:cluster/pay-dev",
            "arn:aws:ecs:eu-west-1:123456789012:service/pay-dev/x",
            "arn:aws:ecs:eu-west-1:123456789012:cluster/",
            "arn:aws:ecs:eu-west-1:123456789012:cluster/a/b",
        ] {
            assert_eq!(cluster_name_of(&s, other), None, "{other}");
        }
    }
}
