//! A `ClusterName` too long for IAM's 64-character role names: the names are shortened keeping
//! their kind's ending (`…-<hash>-debug-toolkit-task`), because the functions pass roles by ARN
//! alone (`role/ecs-debug-toolkit/*-debug-toolkit-task`, AWS's documented way, not by tag). An
//! environment an earlier version named with the hash last moves to the new names at its next
//! Update, leaving the old roles to the tasks still running with them; its Delete removes both.
//! All through the functions' policies from the template, judged by the strict gate.

use crate::earlier_roles::{latest_revision_naming, register_revision_naming, remake_role, Remade};
use crate::*;
use integration_tests::leaks;

/// 60 characters: each of the three role names is over 64.
const CLUSTER: &str = "payments-reconciliation-batch-processing-eu-west-1-staging-a";
/// The three names as earlier versions shortened them: the full name's first 53 characters, `-`,
/// then ten hex digits of its SHA-256 (execution, debug task, app).
const EARLIER: [&str; 3] = [
    "payments-reconciliation-batch-processing-eu-west-1-st-2ede40fe54",
    "payments-reconciliation-batch-processing-eu-west-1-st-0a12293084",
    "payments-reconciliation-batch-processing-eu-west-1-st-95ff5bb665",
];
const DATA_KEYS: [&str; 3] = [
    "TaskExecutionRoleArn",
    "DebugToolkitTaskRoleArn",
    "AppTaskRoleArn",
];
const ENDINGS: [&str; 3] = ["-task-execution", "-debug-toolkit-task", "-app-task"];

fn role_name(arn: &Value) -> &str {
    arn.as_str().unwrap().rsplit('/').next().unwrap()
}

#[tokio::test]
async fn a_long_cluster_names_roles_keep_their_kind_and_its_debug_task_definition_is_registered() {
    let world = world().await;
    let props = props(&world, CLUSTER, json!({}));
    let created = create(&world, "create", &props).await;
    let physical_id = assert_success(&created);
    // RegisterTaskDefinition passed the execution and debug task roles: the strict gate judged
    // that iam:PassRole against the template's ARN patterns.
    for (key, ending) in DATA_KEYS.iter().zip(ENDINGS) {
        let name = role_name(&created["Data"][key]);
        assert_eq!(name.len(), 64, "{name}");
        assert!(name.ends_with(ending), "{key}: {name}");
        assert!(name.starts_with("payments-reconciliation"), "{name}");
    }
    assert_success(&delete(&world, "delete", &physical_id, &props).await);
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}

/// Renames today's roles (under our path, with the boundary, tags, trust and policies) to the
/// names earlier versions gave them, and registers a revision naming them, as those left it.
async fn as_an_earlier_version_named_them(world: &World, created: &Value) {
    let mut arns = vec![];
    for (key, earlier) in DATA_KEYS.iter().zip(EARLIER) {
        let remade = Remade {
            name: earlier,
            path: "/ecs-debug-toolkit/",
            keep_boundary: true,
            earlier_document: None,
        };
        arns.push(remake_role(world, role_name(&created["Data"][key]), remade).await);
    }
    register_revision_naming(world, CLUSTER, &arns[0], &arns[1]).await;
}

#[tokio::test]
async fn roles_an_earlier_version_named_with_the_hash_last_move_on_update_and_go_on_delete() {
    let world = world().await;
    let before = props(&world, CLUSTER, json!({}));
    let created = create(&world, "create", &before).await;
    let physical_id = assert_success(&created);
    as_an_earlier_version_named_them(&world, &created).await;

    let after = props(
        &world,
        CLUSTER,
        json!({"DebugToolkitImage": "public.ecr.aws/docker/library/busybox:1.36"}),
    );
    let updated = update(&world, "update", &physical_id, &after, &before).await;
    assert_eq!(assert_success(&updated), physical_id);
    // Today's names again, made anew under the path (PassRole by ARN admits them), and the new
    // revision names them.
    for key in DATA_KEYS {
        assert_eq!(updated["Data"][key], created["Data"][key], "{key}");
    }
    latest_revision_naming(&world, CLUSTER, &created["Data"]).await;
    // The old roles are left to the tasks still running with them.
    let iam = aws_sdk_iam::Client::new(&world.aws);
    for earlier in EARLIER {
        iam.get_role().role_name(earlier).send().await.unwrap();
    }

    assert_success(&delete(&world, "delete", &physical_id, &after).await);
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}
