//! Why provisioning failed, in words a CloudFormation user can act on.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use debug_toolkit::aws::describe_sdk_error;
pub use debug_toolkit::aws::has_code;

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("{resource} already exists and is not owned by this stack resource (its debug-toolkit:owner tag is {owner:?}); it was left untouched")]
    Foreign { resource: String, owner: String },
    #[error("{action} on {target} failed: {message}")]
    Aws {
        action: &'static str,
        target: String,
        message: String,
    },
    /// An answer AWS documents but did not give.
    #[error("{action} {target} returned no {missing}")]
    Incomplete {
        action: &'static str,
        target: String,
        missing: &'static str,
    },
    #[error("VpcId: {0} does not exist in this account and region")]
    NoSuchVpc(String),
    #[error("SubnetIds: {0}")]
    NoSuchSubnet(Box<ProvisionError>),
    #[error("SubnetIds: {subnet} is in {its_vpc}, not in VpcId {vpc}")]
    SubnetOfAnotherVpc {
        subnet: String,
        its_vpc: String,
        vpc: String,
    },
    #[error("AppIngressSourceSecurityGroupIds: {} in this account and region (another account's group is written <account-id>/sg-…)", missing(.0))]
    NoSuchSourceGroups(Vec<String>),
    #[error("ExtraEgressPorts: {ports} ports to each of the VPC's {cidrs} CIDRs make {rules} egress rules with the HTTPS one; a security group holds 60 in each direction")]
    TooManyEgressRules {
        ports: usize,
        cidrs: usize,
        rules: usize,
    },
    #[error("SubnetIds was not given and VpcId {0} has no subnet tagged Tier=private")]
    NoPrivateSubnets(String),
    #[error("cluster {cluster} still runs {count} task(s) not started by debug-toolkit (for example {example}); stop them or their services first")]
    ForeignTasks {
        cluster: String,
        count: usize,
        example: String,
    },
    #[error("cluster {cluster} runs {count} task(s) started as debug-toolkit but without its tag (for example {example}); they are not ours to stop")]
    UntaggedDebugTasks {
        cluster: String,
        count: usize,
        example: String,
    },
    #[error("security group {group} is referenced by rules of other groups, which this stack does not own and has not changed: {}. Remove those rules, then delete again; nothing was removed", by.join("; "))]
    ReferencedGroup { group: String, by: Vec<String> },
    /// `VpcEndpoints` cannot be met as asked, or EC2 did not make or remove an endpoint.
    #[error("{0}")]
    Endpoints(String),
    /// A role under our path, tagged as this stack resource's, without the stack's boundary:
    /// never made by this function (CreateRole there always sets it), so never adopted.
    #[error("IAM role {role} is under /ecs-debug-toolkit/ and tagged as this stack resource's, but its permissions boundary is {found}, not the stack's EnvironmentRoleBoundary: this function never makes such a role, so it was not adopted and nothing names it; delete it (or put the stack's boundary on it) and update again")]
    UnboundedRole { role: String, found: String },
    /// Several steps of one level failed.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Several(Vec<ProvisionError>),
}

/// "sg-a does not exist", "sg-a, sg-b do not exist".
fn missing(ids: &[String]) -> String {
    let verb = if ids.len() == 1 { "does" } else { "do" };
    format!("{} {verb} not exist", ids.join(", "))
}

/// Wraps an SDK error with the action and the resource it was about.
pub fn aws<E, R>(
    action: &'static str,
    target: impl Into<String>,
) -> impl FnOnce(SdkError<E, R>) -> ProvisionError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let target = target.into();
    move |error| ProvisionError::Aws {
        action,
        target,
        message: describe_sdk_error(&error),
    }
}

/// Joins the failures of one step into one error.
pub fn merge(mut errors: Vec<ProvisionError>) -> Option<ProvisionError> {
    match errors.len() {
        0 => None,
        1 => Some(errors.remove(0)),
        _ => Some(ProvisionError::Several(errors)),
    }
}

/// `Ok` when nothing failed, else the merged failure.
pub fn combine(errors: Vec<ProvisionError>) -> Result<(), ProvisionError> {
    merge(errors).map_or(Ok(()), Err)
}

/// The merged failure of a step that is known to have failed.
pub fn failed(errors: impl IntoIterator<Item = Option<ProvisionError>>) -> ProvisionError {
    merge(errors.into_iter().flatten().collect()).expect("called only when a result is an error")
}
