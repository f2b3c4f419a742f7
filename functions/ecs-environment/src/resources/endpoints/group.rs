//! `C-vpc-endpoints`: the security group of the environment's interface endpoints. It admits TCP
//! 443 from `C-ecs-tasks` and nothing else (an endpoint answers only what its group admits), and
//! is made, tagged and removed like `C-ecs-tasks` (`security_group`).

use crate::context::{Desired, Scope};
use crate::error::{aws, ProvisionError};
use crate::resources::network::Network;
use crate::resources::security_group::rules::{self, Direction, Peer, RulePlan};
use crate::resources::security_group::{named, ExistingGroup};
use crate::resources::tagging::{self, Tagged};
use crate::spec::GroupRef;
use debug_toolkit::backoff::Backoff;
use debug_toolkit::deadline::Deadline;
use debug_toolkit::preflight::ingress::HTTPS_PORT;
use std::collections::BTreeSet;
use std::time::Duration;

const DESCRIPTION: &str = "HTTPS from the debug tasks (ecs-debug-toolkit)";

/// The group of our name in `vpc_id`, whoever owns it.
pub async fn find(
    scope: &Scope<'_>,
    vpc_id: &str,
) -> Result<Option<ExistingGroup>, ProvisionError> {
    named::in_vpc(scope, &scope.names.vpc_endpoint_group, vpc_id).await
}

/// The group made or retagged, its ingress exactly HTTPS from `task_group`: its id.
pub async fn ensure(
    desired: &Desired<'_>,
    network: &Network,
    existing: Option<&ExistingGroup>,
    task_group: &str,
) -> Result<String, ProvisionError> {
    let name = desired.names().vpc_endpoint_group.as_str();
    let (id, ingress) = match existing {
        Some(group) => {
            tagging::retag(desired, Tagged::Ec2(&group.id), &group.tags, &desired.tags).await?;
            (group.id.clone(), group.ingress.clone())
        }
        None => {
            let description = format!(
                "ECS debug-toolkit VPC endpoints: HTTPS from {}",
                desired.names().security_group
            );
            let created = named::create(desired, network, name, description)
                .send()
                .await
                .map_err(aws("CreateSecurityGroup", name))?;
            (
                created.group_id().unwrap_or_default().to_string(),
                Vec::new(),
            )
        }
    };
    let wanted = BTreeSet::from([(
        HTTPS_PORT as u16,
        Peer::Group(GroupRef {
            id: task_group.to_string(),
            account: None,
        }),
    )]);
    let plan = RulePlan::new(&ingress, &wanted, |_, _| DESCRIPTION.to_string());
    rules::apply(desired, name, &id, Direction::Ingress, plan).await?;
    Ok(id)
}

/// Deletes the groups of our name that this stack resource owns, in any VPC; a group still held
/// by an endpoint's network interfaces is retried until `until` (or a minute).
pub async fn remove(scope: &Scope<'_>, until: Option<Deadline>) -> Result<(), ProvisionError> {
    let until = until.unwrap_or_else(|| Deadline::after(Duration::from_secs(60)));
    named::delete_owned(scope, &scope.names.vpc_endpoint_group, HELD, until).await
}

/// While deleted endpoints' network interfaces still hold the group: 1 s doubling to 10 s.
const HELD: Backoff = Backoff::doubling(Duration::from_secs(1), Duration::from_secs(10));
