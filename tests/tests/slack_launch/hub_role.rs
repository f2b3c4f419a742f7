//! The hub role in a spoke reads debug tasks only (issue 36 item 5; docs/security.md): no task
//! definition (they often carry secrets), and DescribeTasks only on tasks tagged managed-by. So
//! `doctor` knows the debug task definition from the cluster's tags, a task of the spoke that is
//! not a running debug task is looked for among the running debug tasks only (never described),
//! and `list` right after a stop (ListTasks may still return the stopped task, whose tags are
//! gone) lists the rest. The world's report fails the run on any denied call.

use crate::hub_helpers::{clicked_outcome, running};
use integration_tests::user_tasks::{register_task_definition, run_tasks, Run};
use integration_tests::worlds::hub::{seal, HubWorld, CLUSTER};
use serde_json::Value;
use std::time::Duration;

fn text(answer: &Value) -> String {
    let mut parts = vec![answer["text"].as_str().unwrap_or_default().to_string()];
    for block in answer["blocks"].as_array().into_iter().flatten() {
        parts.push(
            block["text"]["text"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
    }
    parts.join("\n")
}

/// `start` through the hub, the spoke's launcher run on the request; the new task's id.
async fn start(world: &HubWorld, alias: &str) -> String {
    let before = running(world.spoke(alias)).await;
    let (_, request) = world.start_in(alias, "hub role").await;
    let spoke = world.spoke(alias);
    spoke.launcher.call(request, Duration::from_secs(60)).await;
    let after = running(spoke).await;
    let new: Vec<&String> = after.iter().filter(|t| !before.contains(t)).collect();
    assert_eq!(new.len(), 1, "{after:?}");
    new[0].rsplit('/').next().unwrap().to_string()
}

#[tokio::test]
async fn the_hub_reads_no_task_definition_and_no_task_but_debug_tasks() {
    let world = HubWorld::start().await;
    let prod = world.spoke("prod");

    // doctor through the hub: the task definition's lines come from the cluster's tags.
    let described = |world: &HubWorld| {
        world
            .local
            .proxy
            .calls()
            .get("DescribeTaskDefinition")
            .copied()
    };
    let before = described(&world);
    let doctor = text(&world.ask("doctor prod/payments").await);
    assert!(
        doctor.contains(":white_check_mark: task definition: initProcessEnabled"),
        "{doctor}"
    );
    assert!(
        doctor.contains(":white_check_mark: task role: allows the ssmmessages channels"),
        "{doctor}"
    );
    assert_eq!(described(&world), before, "doctor read a task definition");

    // A task of the spoke's cluster that is not a debug task: not found, never read, left running.
    let ecs = prod.ecs();
    let definition =
        register_task_definition(&ecs, "payments-api", ("api", "nginx:1.27"), true, &[]).await;
    let app = run_tasks(
        &ecs,
        &Run {
            cluster: CLUSTER,
            task_definition: &definition,
            started_by: "ecs-svc/123",
            subnets: prod.vpc.private_subnets.clone(),
            security_groups: vec![],
            tags: vec![],
        },
        1,
    )
    .await
    .remove(0);
    let app_id = app.rsplit('/').next().unwrap();
    let refused = text(&world.slash(&format!("stop {app_id}")).await);
    assert!(
        refused.contains(&format!("no task `{app_id}` in the clusters you may use")),
        "{refused}"
    );
    assert!(
        running(prod).await.contains(&app),
        "the app task was stopped"
    );

    // Two debug tasks; one stopped by a click; `list` at once still shows the other.
    let first = start(&world, "prod").await;
    let second = start(&world, "prod").await;
    world
        .click("debug_stop", &seal(&format!("prod/{CLUSTER}/{first}")))
        .await;
    let listed = text(&world.ask("list prod/payments").await);
    assert!(listed.contains(&second), "{listed}");
    assert!(!listed.contains(&first), "{listed}");
    assert!(!listed.contains("could not"), "{listed}");

    // The stopped task's button clicked again: the hub may not read it (StopTask deleted its
    // tags) and says so, not "no task" (which on the task's own message would take its buttons
    // as if ECS had forgotten it); nothing is stopped.
    world
        .click("debug_stop", &seal(&format!("prod/{CLUSTER}/{first}")))
        .await;
    let said = text(&clicked_outcome(&world, 2).await);
    assert!(
        said.contains(&format!(
            "task `{first}` is not a running debug task I may read"
        )),
        "{said}"
    );
    assert!(running(prod).await.iter().any(|t| t.ends_with(&second)));
}
