//! ECS's service-linked role `AWSServiceRoleForECS`: CreateCluster with capacity providers fails in
//! an account that never had it. Created when missing (before the cluster, beside the level-1
//! work); it belongs to the account, so it is never tagged, owned, changed or deleted.

use crate::context::Desired;
use crate::error::{aws, has_code, ProvisionError};
use aws_sdk_iam::operation::create_service_linked_role::CreateServiceLinkedRoleError;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

pub const ROLE_NAME: &str = "AWSServiceRoleForECS";
pub const SERVICE: &str = "ecs.amazonaws.com";

pub async fn ensure(desired: &Desired<'_>) -> Result<(), ProvisionError> {
    let iam = &desired.clients().iam;
    match iam.get_role().role_name(ROLE_NAME).send().await {
        Ok(_) => return Ok(()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_no_such_entity_exception()) => {}
        Err(e) => return Err(aws("GetRole", ROLE_NAME)(e)),
    }
    match iam
        .create_service_linked_role()
        .aws_service_name(SERVICE)
        .send()
        .await
    {
        Ok(_) => {
            tracing::info!(
                role = ROLE_NAME,
                "created ECS's service-linked role; CreateCluster may wait for it"
            );
            Ok(())
        }
        // Made meanwhile by someone else (or ECS itself).
        Err(e) if was_taken(&e) => Ok(()),
        Err(e) => Err(aws("CreateServiceLinkedRole", SERVICE)(e)),
    }
}

/// IAM answers a second CreateServiceLinkedRole with InvalidInput "…has been taken in this
/// account…" (emulators with EntityAlreadyExists).
fn was_taken<R>(error: &SdkError<CreateServiceLinkedRoleError, R>) -> bool {
    // EntityAlreadyExists is not in the operation's model (emulators answer it).
    has_code(error, "EntityAlreadyExists")
        || (error
            .as_service_error()
            .is_some_and(|e| e.is_invalid_input_exception())
            && error
                .as_service_error()
                .and_then(|e| e.message())
                .is_some_and(|m| m.contains("has been taken")))
}

/// ECS's CreateCluster answer while the service-linked role does not exist or is not usable yet.
pub fn is_not_ready_yet(message: &str) -> bool {
    message.contains("Unable to assume the service linked role")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecs_s_answer_while_the_role_propagates_is_recognised() {
        for (message, not_ready) in [
            ("Unable to assume the service linked role. Please verify that the ECS service linked role exists.", true),
            ("The specified capacity provider does not exist.", false),
            ("", false),
        ] {
            assert_eq!(is_not_ready_yet(message), not_ready, "{message}");
        }
    }
}
