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
    #[error("{0}")]
    Precondition(String),
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
        _ => Some(ProvisionError::Precondition(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )),
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
