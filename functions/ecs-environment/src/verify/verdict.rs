//! Whether CloudFormation is really asking: the request against what `DescribeStackResource`
//! shows for its stack resource, allowing for CloudFormation's real sequences.
//!
//! What CloudFormation shows while it waits for a custom resource's answer:
//! - Create: the resource `CREATE_IN_PROGRESS`, no physical id yet.
//! - Update (in place, a replacement, and the Update back to the old properties during an
//!   `UPDATE_ROLLBACK_IN_PROGRESS`): `UPDATE_IN_PROGRESS` (or `UPDATE_ROLLBACK_IN_PROGRESS`) with
//!   the physical id the request names.
//! - Delete of the stack, of a resource removed from the template, or after a failed Create
//!   (`ROLLBACK_IN_PROGRESS`): `DELETE_IN_PROGRESS` (a failed Create may still show
//!   `CREATE_FAILED`) with the physical id the request names, or none when the Create never gave
//!   one.
//! - Delete of the old physical id after a replacement (`UPDATE_COMPLETE_CLEANUP_IN_PROGRESS`) or
//!   of the new one after a rolled-back replacement (`UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS`):
//!   the resource already shows the OTHER physical id, in an update status. Such a Delete may
//!   only name an environment that is not the one CloudFormation shows.
//! - Delete when the stack is gone (`ValidationError: Stack with id … does not exist`) or no longer
//!   has the resource, or it shows `DELETE_COMPLETE`: CloudFormation sends no such Delete of its
//!   own (a redelivery means the first Delete already ran), so it is answered SUCCESS and nothing
//!   is read or changed ([`Verdict::AlreadyGone`]): a forged one cannot remove what a resource
//!   kept with `DeletionPolicy: Retain` or `--retain-resources` still owns.
//!
//! Everything else is refused: above all an Update, Create or Delete of a resource that
//! CloudFormation is not changing (`CREATE_COMPLETE`, `UPDATE_COMPLETE`…), which is what a forged
//! request of a stack author who copies another stack's `StackId` looks like.

/// The resource type every request must be for.
pub const RESOURCE_TYPE: &str = "Custom::EcsEnvironment";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    Create,
    Update,
    Delete,
}

/// The stack resource as `DescribeStackResource` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    pub resource_type: String,
    pub status: String,
    pub physical_id: Option<String>,
}

/// What `DescribeStackResource` answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Described {
    Resource(Shown),
    /// `ValidationError`: the stack does not exist.
    StackGone,
    /// `ValidationError`: the stack exists without this logical resource.
    ResourceGone,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Verified,
    /// A Delete of what CloudFormation no longer shows: answered SUCCESS, nothing touched.
    AlreadyGone,
    Refused(String),
}

const UPDATING: [&str; 2] = ["UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS"];
const DELETING: [&str; 2] = ["DELETE_IN_PROGRESS", "CREATE_FAILED"];
/// Where the Delete of the other physical id of a replacement (or of its rollback) comes.
const CLEANING_UP: [&str; 5] = [
    "UPDATE_IN_PROGRESS",
    "UPDATE_COMPLETE",
    "UPDATE_FAILED",
    "UPDATE_ROLLBACK_IN_PROGRESS",
    "UPDATE_ROLLBACK_COMPLETE",
];

/// `physical_id` is the one the request names (none for a Create).
pub fn verdict(kind: RequestKind, physical_id: Option<&str>, described: &Described) -> Verdict {
    let shown = match described {
        Described::Resource(shown) => shown,
        Described::StackGone | Described::ResourceGone if kind == RequestKind::Delete => {
            return Verdict::AlreadyGone
        }
        Described::StackGone => return refused("CloudFormation says the stack does not exist"),
        Described::ResourceGone => {
            return refused("CloudFormation says the stack has no such logical resource")
        }
    };
    if shown.resource_type != RESOURCE_TYPE {
        return refused(&format!(
            "CloudFormation shows the logical resource as {}, not {RESOURCE_TYPE}",
            shown.resource_type
        ));
    }
    let status = shown.status.as_str();
    if kind == RequestKind::Delete && status == "DELETE_COMPLETE" {
        return Verdict::AlreadyGone;
    }
    let same_id = match (physical_id, shown.physical_id.as_deref()) {
        (Some(asked), Some(current)) => same_environment(asked, current),
        (_, None) => true,
        (None, Some(_)) => false,
    };
    let fits = match kind {
        RequestKind::Create => status == "CREATE_IN_PROGRESS",
        RequestKind::Update => UPDATING.contains(&status) && same_id && shown.physical_id.is_some(),
        RequestKind::Delete if same_id => DELETING.contains(&status),
        RequestKind::Delete => CLEANING_UP.contains(&status),
    };
    if fits {
        return Verdict::Verified;
    }
    let shown_id = shown.physical_id.as_deref().unwrap_or("none");
    refused(&format!(
        "CloudFormation shows the resource {status} with physical id {shown_id}, which does not fit a {kind:?} of {}",
        physical_id.unwrap_or("a new resource")
    ))
}

/// Two physical ids name the same environment: the same cluster (ECS names compare without case
/// here, to be safe), or the same text when they are not cluster ARNs.
fn same_environment(a: &str, b: &str) -> bool {
    use debug_toolkit::cluster::name_of_arn;
    match (name_of_arn(a), name_of_arn(b)) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        _ => a == b,
    }
}

fn refused(reason: &str) -> Verdict {
    Verdict::Refused(format!("request not verified: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use RequestKind::{Create, Delete, Update};

    const A: &str = "arn:aws:ecs:eu-west-1:123456789012:cluster/payments";
    const B: &str = "arn:aws:ecs:eu-west-1:123456789012:cluster/payments-v2";
    const FAILED_CREATE: &str = "failed-create-r1";

    fn shown(status: &str, physical_id: Option<&str>) -> Described {
        Described::Resource(Shown {
            resource_type: RESOURCE_TYPE.into(),
            status: status.into(),
            physical_id: physical_id.map(str::to_string),
        })
    }

    #[test]
    fn every_phase_of_cloudformation_and_every_forgery() {
        let other_type = Described::Resource(Shown {
            resource_type: "AWS::CloudFormation::CustomResource".into(),
            status: "UPDATE_IN_PROGRESS".into(),
            physical_id: Some(A.into()),
        });
        #[rustfmt::skip]
        let table: Vec<(&str, RequestKind, Option<&str>, Described, bool)> = vec![
            ("create", Create, None, shown("CREATE_IN_PROGRESS", None), true),
            ("update in place", Update, Some(A), shown("UPDATE_IN_PROGRESS", Some(A)), true),
            ("replacement: the update itself", Update, Some(A), shown("UPDATE_IN_PROGRESS", Some(A)), true),
            ("replacement: old id deleted in cleanup", Delete, Some(A), shown("UPDATE_COMPLETE", Some(B)), true),
            ("rollback: update back to old properties", Update, Some(A), shown("UPDATE_ROLLBACK_IN_PROGRESS", Some(A)), true),
            ("rollback: update of the new id back", Update, Some(B), shown("UPDATE_IN_PROGRESS", Some(B)), true),
            ("rollback of a replacement: new id deleted in cleanup", Delete, Some(B), shown("UPDATE_ROLLBACK_COMPLETE", Some(A)), true),
            ("rollback of a replacement: resource shown updated", Delete, Some(B), shown("UPDATE_COMPLETE", Some(A)), true),
            ("failed create rolled back: our id", Delete, Some(FAILED_CREATE), shown("DELETE_IN_PROGRESS", Some(FAILED_CREATE)), true),
            ("failed create rolled back: no id shown", Delete, Some(FAILED_CREATE), shown("DELETE_IN_PROGRESS", None), true),
            ("failed create rolled back: still CREATE_FAILED", Delete, Some(FAILED_CREATE), shown("CREATE_FAILED", None), true),
            ("stack delete", Delete, Some(A), shown("DELETE_IN_PROGRESS", Some(A)), true),
            // Forgeries, and requests CloudFormation never sends.
            ("forged update, nothing in progress", Update, Some(A), shown("CREATE_COMPLETE", Some(A)), false),
            ("forged update after an update", Update, Some(A), shown("UPDATE_COMPLETE", Some(A)), false),
            ("forged update of another id", Update, Some(B), shown("UPDATE_IN_PROGRESS", Some(A)), false),
            ("forged update while creating", Update, Some(A), shown("CREATE_IN_PROGRESS", None), false),
            ("forged create of an existing resource", Create, None, shown("CREATE_COMPLETE", Some(A)), false),
            ("forged create during an update", Create, None, shown("UPDATE_IN_PROGRESS", Some(A)), false),
            ("forged delete, nothing in progress", Delete, Some(A), shown("CREATE_COMPLETE", Some(A)), false),
            ("forged delete of the current id after an update", Delete, Some(A), shown("UPDATE_COMPLETE", Some(A)), false),
            ("forged delete, same cluster spelt otherwise", Delete, Some("arn:aws:ecs:eu-west-1:123456789012:cluster/PAYMENTS"), shown("UPDATE_COMPLETE", Some(A)), false),
            ("forged delete of another id, never updated", Delete, Some(B), shown("CREATE_COMPLETE", Some(A)), false),
            ("forged delete of another id during a stack delete", Delete, Some(B), shown("DELETE_IN_PROGRESS", Some(A)), false),
            ("delete after a failed delete", Delete, Some(A), shown("DELETE_FAILED", Some(A)), false),
            ("create, stack gone", Create, None, Described::StackGone, false),
            ("update, stack gone", Update, Some(A), Described::StackGone, false),
            ("update, resource gone", Update, Some(A), Described::ResourceGone, false),
            ("another resource type", Update, Some(A), other_type, false),
        ];
        for (phase, kind, physical_id, described, verified) in table {
            let got = verdict(kind, physical_id, &described);
            assert_eq!(got == Verdict::Verified, verified, "{phase}: {got:?}");
            if let Verdict::Refused(reason) = got {
                assert!(
                    reason.starts_with("request not verified: "),
                    "{phase}: {reason}"
                );
            }
        }
    }

    #[test]
    fn a_delete_of_what_cloudformation_no_longer_shows_touches_nothing() {
        // Never sent by CloudFormation itself (a redelivery: the first Delete ran), and what a
        // forged Delete of a stack gone with a retained environment looks like.
        for described in [
            shown("DELETE_COMPLETE", Some(A)),
            Described::StackGone,
            Described::ResourceGone,
        ] {
            assert_eq!(
                verdict(Delete, Some(A), &described),
                Verdict::AlreadyGone,
                "{described:?}"
            );
        }
    }

    #[test]
    fn a_refusal_says_what_cloudformation_shows() {
        let Verdict::Refused(reason) = verdict(Update, Some(A), &shown("CREATE_COMPLETE", Some(A)))
        else {
            panic!("refused")
        };
        assert!(reason.contains("CREATE_COMPLETE"), "{reason}");
        assert!(reason.contains(A), "{reason}");
    }
}
