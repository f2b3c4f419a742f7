//! `doctor <cluster>`: the ECS Exec checklist of one cluster as it stands now (docs/interface.md,
//! `doctor`), authorised as `start`. Everything is read concurrently in two rounds (the cluster
//! first, then what it names) within the command's 2.4 s; a fact that cannot be read is said on
//! its line. The debug task definition is known from the cluster's tags (ecs-environment records
//! its task role and image), never read. [`checks`] judges.

mod checks;

use super::{locate, Caller, CommandError};
use crate::sites::Site;
use crate::App;
use aws_sdk_ecs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ecs::types::{ClusterField, ExecuteCommandLogging};
use checks::{checklist, Facts};
use debug_toolkit::aws::AwsError;
use debug_toolkit::cluster::ClusterSettings;
use debug_toolkit::preflight::network::Place;
use debug_toolkit::slack::{escape, Message};
use serde_json::Value;

pub async fn doctor(app: &App, caller: &Caller<'_>, name: &str) -> Result<Message, CommandError> {
    let located = locate::allowed_cluster(app, caller, name).await?;
    let (site, cluster) = (located.site, &located.cluster);
    let subnets: Vec<String> = cluster.subnets().iter().map(|s| s.to_string()).collect();
    let task_groups: Vec<String> = cluster
        .security_groups()
        .iter()
        .map(|g| g.to_string())
        .collect();
    // The task definition is not read (a hub's role in a spoke reads none: definitions carry
    // secrets): ecs-environment records what doctor needs of it in the cluster's tags.
    let definition = recorded_definition(cluster);
    let (exec, vpc) = tokio::join!(exec_configuration(site, cluster), vpc_of(site, &subnets));
    let log_group = exec.as_ref().ok().and_then(|e| e.log_group.clone());
    let needs_kms = exec.as_ref().is_ok_and(|e| e.kms);
    let (log_group_exists, task_role_policies, network) = tokio::join!(
        log_group_exists(site, log_group.as_deref()),
        role_policies(site, definition.as_ref().ok().map(|d| d.task_role.as_str())),
        network(
            site,
            vpc,
            (&subnets[..], &task_groups[..]),
            definition.as_ref().ok(),
            needs_kms
        ),
    );
    let facts = Facts {
        exec_log_group: exec.map(|e| e.log_group),
        log_group_exists,
        init_process: definition.as_ref().map(|_| true).map_err(Clone::clone),
        task_role_policies: match definition {
            Ok(_) => task_role_policies,
            Err(why) => Err(why),
        },
        network,
    };
    let lines = checklist(&facts);
    let fine = lines.iter().filter(|l| l.ok).count();
    let mut message = Message::new(format!(
        "*ECS Exec checklist for `{}`*: {fine} of {} ok",
        escape(name),
        lines.len()
    ));
    for line in lines {
        let mark = if line.ok {
            ":white_check_mark:"
        } else {
            ":warning:"
        };
        message = message.section(&format!("{mark} {}", line.text));
    }
    Ok(message)
}

struct ExecConfiguration {
    log_group: Option<String>,
    kms: bool,
}

async fn exec_configuration(
    site: &Site,
    cluster: &ClusterSettings,
) -> Result<ExecConfiguration, String> {
    let described = site
        .ecs
        .describe_clusters()
        .clusters(&cluster.arn)
        .include(ClusterField::Configurations)
        .send()
        .await
        .map_err(unread("DescribeClusters"))?;
    let configuration = described
        .clusters()
        .first()
        .and_then(|c| c.configuration())
        .and_then(|c| c.execute_command_configuration());
    let logs_to_group = configuration
        .filter(|c| c.logging() == Some(&ExecuteCommandLogging::Override))
        .and_then(|c| c.log_configuration())
        .and_then(|l| l.cloud_watch_log_group_name())
        .map(str::to_string);
    Ok(ExecConfiguration {
        log_group: logs_to_group,
        kms: configuration.and_then(|c| c.kms_key_id()).is_some(),
    })
}

/// What ecs-environment recorded of the debug task definition it registered (whose
/// `debug-toolkit` container always has `initProcessEnabled`).
struct DebugDefinition {
    task_role: String,
    image: String,
}

fn recorded_definition(cluster: &ClusterSettings) -> Result<DebugDefinition, String> {
    let task_role = cluster.task_role().ok_or(
        "the cluster does not record its task definition (made before doctor read it from the \
         cluster's tags): update the environment's stack",
    )?;
    Ok(DebugDefinition {
        task_role: task_role.to_string(),
        image: cluster.image().unwrap_or_default().to_string(),
    })
}

async fn vpc_of(site: &Site, subnets: &[String]) -> Result<String, String> {
    let described = site
        .ec2
        .describe_subnets()
        .set_subnet_ids(Some(subnets.to_vec()))
        .send()
        .await
        .map_err(unread("DescribeSubnets"))?;
    described
        .subnets()
        .first()
        .and_then(|s| s.vpc_id())
        .map(str::to_string)
        .ok_or_else(|| "the cluster's subnets are gone".to_string())
}

async fn log_group_exists(site: &Site, group: Option<&str>) -> Result<bool, String> {
    let Some(group) = group else {
        return Ok(false);
    };
    let described = site
        .logs
        .describe_log_groups()
        .log_group_name_prefix(group)
        .send()
        .await
        .map_err(unread("DescribeLogGroups"))?;
    Ok(described
        .log_groups()
        .iter()
        .any(|g| g.log_group_name() == Some(group)))
}

/// The role's inline policy documents (IAM returns them URL-encoded).
async fn role_policies(site: &Site, role: Option<&str>) -> Result<Vec<Value>, String> {
    let role = role.ok_or("the task definition has no task role")?;
    let names = site
        .iam
        .list_role_policies()
        .role_name(role)
        .send()
        .await
        .map_err(unread("ListRolePolicies"))?;
    let reads = names.policy_names().iter().map(|name| async move {
        let policy = site
            .iam
            .get_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
            .await
            .map_err(unread("GetRolePolicy"))?;
        let text = percent_encoding::percent_decode_str(policy.policy_document())
            .decode_utf8_lossy()
            .into_owned();
        serde_json::from_str(&text).map_err(|e| format!("policy {name} is not JSON: {e}"))
    });
    futures::future::try_join_all(reads).await
}

/// `tasks`: the debug tasks' subnets and security groups (the cluster's tags).
async fn network(
    site: &Site,
    vpc: Result<String, String>,
    tasks: (&[String], &[String]),
    definition: Option<&DebugDefinition>,
    needs_kms: bool,
) -> Option<String> {
    let vpc = match vpc {
        Ok(vpc) => vpc,
        Err(why) => return Some(format!("the network could not be checked ({why})")),
    };
    let place = Place {
        region: site.region.as_str(),
        vpc_id: &vpc,
        subnet_ids: tasks.0,
        task_groups: tasks.1,
    };
    let image = definition.map(|d| d.image.as_str()).unwrap_or_default();
    debug_toolkit::preflight::network::check(&site.ec2, &place, image, needs_kms).await
}

/// A check's failed call in words any workspace member may read (the action and AWS's error
/// code, never its message with account ids and ARNs); the whole error goes to the log.
fn unread<E, R>(action: &'static str) -> impl FnOnce(SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    move |error| {
        let error = AwsError::of(action)(error);
        tracing::warn!(%error, "doctor: a check could not be made");
        error.public()
    }
}
