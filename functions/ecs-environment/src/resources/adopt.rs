//! A create call that meets "already exists" after our inventory found nothing: an earlier attempt
//! of the same call may have taken effect with its answer lost (the SDK then retries it), or
//! someone made the resource in between. Ours is known by its owner tag, set in the create call.

use crate::context::Scope;
use crate::error::ProvisionError;
use debug_toolkit::tags;
use std::collections::BTreeMap;

/// `found` (looked up again after the conflict) when it carries this stack resource's owner tag;
/// a `Foreign` error when it is someone else's; `conflict` when it cannot be found at all.
pub fn adopt<T>(
    scope: &Scope<'_>,
    resource: String,
    found: Option<T>,
    tags_of: impl Fn(&T) -> &BTreeMap<String, String>,
    conflict: ProvisionError,
) -> Result<T, ProvisionError> {
    match found {
        Some(found) if scope.owns(tags_of(&found)) => {
            tracing::info!(%resource, "adopting what an earlier attempt of this call created");
            Ok(found)
        }
        Some(found) => Err(ProvisionError::Foreign {
            resource,
            owner: tags_of(&found)
                .get(tags::OWNER)
                .cloned()
                .unwrap_or_default(),
        }),
        None => Err(conflict),
    }
}
