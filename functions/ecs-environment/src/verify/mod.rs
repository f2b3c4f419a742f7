//! Every request is verified before anything is read or changed: its stack is of the function's
//! own account and region, and CloudFormation itself (`DescribeStackResource`) shows the stack
//! resource in a state that fits the request ([`verdict`]). A request whose `ResponseURL` is not
//! CloudFormation's is not answered at all ([`origin::ResponsePolicy`]).

pub mod origin;
pub mod verdict;

use crate::cfn::RequestIdentity;
use crate::request::Request;
use crate::stack::StackResource;
use aws_sdk_cloudformation::operation::describe_stack_resource::DescribeStackResourceError;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use debug_toolkit::aws::describe_sdk_error;
use debug_toolkit::deadline::Deadline;
pub use origin::{Home, ResponsePolicy};
pub use verdict::{verdict, Described, RequestKind, Shown, Verdict};

/// What verification needs, built once per cold start.
#[derive(Clone, Debug)]
pub struct Verifier {
    pub cloudformation: aws_sdk_cloudformation::Client,
    pub responses: ResponsePolicy,
}

impl Verifier {
    pub fn new(config: &aws_config::SdkConfig) -> Self {
        Self {
            cloudformation: aws_sdk_cloudformation::Client::new(config),
            responses: ResponsePolicy::from_env(),
        }
    }

    /// `Ok(Verified)` when CloudFormation is really asking this of this function, `Ok(AlreadyGone)`
    /// for a Delete of what it no longer shows (answered SUCCESS, nothing touched); else why not.
    pub async fn verify(
        &self,
        home: Option<&Home>,
        stack: &StackResource,
        identity: &RequestIdentity,
        request: &Request,
        until: Deadline,
    ) -> Result<Verdict, String> {
        let home = home.ok_or("request not verified: the invoked function's ARN is unreadable")?;
        home.admits(stack)?;
        let (kind, physical_id) = match request {
            Request::Create { .. } => (RequestKind::Create, None),
            Request::Update { physical_id, .. } => (RequestKind::Update, Some(physical_id)),
            Request::Delete { physical_id, .. } => (RequestKind::Delete, Some(physical_id)),
        };
        let described = tokio::time::timeout_at(until.instant(), self.describe(identity))
            .await
            .map_err(|_| "request not verified: DescribeStackResource did not answer in time")??;
        match verdict(kind, physical_id.map(String::as_str), &described) {
            Verdict::Refused(reason) => Err(reason),
            checked => {
                tracing::info!(?described, ?checked, "request verified with CloudFormation");
                Ok(checked)
            }
        }
    }

    async fn describe(&self, identity: &RequestIdentity) -> Result<Described, String> {
        let answer = self
            .cloudformation
            .describe_stack_resource()
            .stack_name(&identity.stack_id)
            .logical_resource_id(&identity.logical_resource_id)
            .send()
            .await;
        match answer {
            Ok(output) => {
                let detail = output
                    .stack_resource_detail()
                    .ok_or("request not verified: DescribeStackResource returned no resource")?;
                Ok(Described::Resource(Shown {
                    resource_type: detail.resource_type().unwrap_or_default().to_string(),
                    status: detail
                        .resource_status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    physical_id: detail
                        .physical_resource_id()
                        .filter(|id| !id.is_empty())
                        .map(str::to_string),
                }))
            }
            Err(error) => gone(&error).ok_or_else(|| {
                format!(
                    "request not verified: DescribeStackResource failed: {}",
                    describe_sdk_error(&error)
                )
            }),
        }
    }
}

/// CloudFormation's `ValidationError`s for a stack that does not exist ("Stack with id … does not
/// exist") and for a logical resource it does not have ("Resource … does not exist for stack …").
fn gone<R>(error: &SdkError<DescribeStackResourceError, R>) -> Option<Described> {
    let service = error.as_service_error()?;
    let message = service.message().unwrap_or_default();
    if service.code() != Some("ValidationError") || !message.contains("does not exist") {
        return None;
    }
    if message.starts_with("Stack ") {
        Some(Described::StackGone)
    } else if message.starts_with("Resource ") {
        Some(Described::ResourceGone)
    } else {
        None
    }
}
