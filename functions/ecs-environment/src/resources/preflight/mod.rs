//! `Data.ExecPreflight`: `ok`, or one sentence naming what keeps ECS Exec or the debug task from
//! working in this environment — a subnet with no way to `ssmmessages`, `logs`, `kms` or the
//! image's registry ([`route`] with `debug_toolkit::preflight`), or a `KmsKeyArn` whose key
//! policy does not admit CloudWatch Logs ([`key`]). It never fails a Create or an Update:
//! a check that cannot be made says so instead (docs/interface.md, "Exec preflight").

mod key;
mod key_policy;
mod route;

use crate::context::Desired;
use crate::resources::network::Network;

pub const OK: &str = "ok";

/// What one check found: nothing, or the clause naming the problem.
type Finding = Option<String>;

/// `task_group`: the environment's security group (`C-ecs-tasks`), which the VPC's interface
/// endpoints must admit.
pub async fn exec_preflight(desired: &Desired<'_>, network: &Network, task_group: &str) -> String {
    let (route, key) = tokio::join!(
        route::check(desired, network, task_group),
        key::check(desired)
    );
    let verdict = sentence([route, key]);
    if verdict != OK {
        tracing::warn!(preflight = %verdict, "ECS Exec may not work in this environment");
    }
    verdict
}

/// The findings as one sentence, or `ok` when there are none.
fn sentence(findings: impl IntoIterator<Item = Finding>) -> String {
    let found: Vec<String> = findings.into_iter().flatten().collect();
    if found.is_empty() {
        OK.to_string()
    } else {
        found.join("; and ")
    }
}

use debug_toolkit::preflight::unchecked;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sentence_of_every_finding() {
        for (findings, expected) in [
            (vec![None, None], "ok"),
            (vec![Some("a".to_string()), None], "a"),
            (vec![None, Some("b".to_string())], "b"),
            (
                vec![Some("a".to_string()), Some("b".to_string())],
                "a; and b",
            ),
        ] {
            assert_eq!(sentence(findings), expected);
        }
    }
}
