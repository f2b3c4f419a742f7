use crate::*;
use aws_sdk_ecs::types::Tag;
use integration_tests::leaks;

#[tokio::test]
async fn a_foreign_cluster_of_the_same_name_is_refused_and_left_untouched() {
    let world = world().await;
    let ecs = aws_sdk_ecs::Client::new(&world.aws);
    let foreign = ecs
        .create_cluster()
        .cluster_name("shared-name")
        .tags(Tag::builder().key("team").value("someone-else").build())
        .send()
        .await
        .unwrap();
    let foreign_arn = foreign
        .cluster()
        .unwrap()
        .cluster_arn()
        .unwrap()
        .to_string();
    let before = leaks::inventory(&world.aws).await;

    let props = props(&world, "shared-name", json!({}));
    let response = create(&world, "create", &props).await;
    let reason = assert_failed(
        &response,
        "ECS cluster shared-name already exists and is not owned by this stack resource",
    );
    assert!(reason.contains("left untouched"), "{reason}");
    assert_eq!(
        leaks::inventory(&world.aws).await,
        before,
        "nothing created, nothing removed"
    );
    let cluster = describe_cluster(&world, "shared-name").await;
    let tags: Vec<_> = cluster.tags().iter().filter_map(|t| t.key()).collect();
    assert_eq!(tags, ["team"], "the foreign cluster's tags are unchanged");

    // CloudFormation then deletes the failed resource: its id is not a cluster, nothing is touched.
    let failed_id = response["PhysicalResourceId"].as_str().unwrap();
    assert_success(&delete(&world, "delete-failed", failed_id, &props).await);
    // A Delete naming the foreign cluster itself touches nothing either.
    assert_success(&delete(&world, "delete-foreign", &foreign_arn, &props).await);
    assert_eq!(leaks::inventory(&world.aws).await, before);
}

#[tokio::test]
async fn a_foreign_role_of_the_same_name_is_refused_and_nothing_is_left() {
    let world = world().await;
    let iam = aws_sdk_iam::Client::new(&world.aws);
    iam.create_role()
        .role_name("roles-task-execution")
        .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[]}"#)
        .send()
        .await
        .unwrap();
    let response = create(&world, "create", &props(&world, "roles", json!({}))).await;
    assert_failed(
        &response,
        "IAM role roles-task-execution already exists and is not owned",
    );
    assert_eq!(
        leaks::inventory(&world.aws).await,
        ["role roles-task-execution"]
    );
    let policies = iam
        .list_role_policies()
        .role_name("roles-task-execution")
        .send()
        .await
        .unwrap();
    assert!(
        policies.policy_names().is_empty(),
        "the foreign role was not changed"
    );
}

/// PassRole admits any role under our path by its name's ending, so a role there that this
/// function did not make (no stack boundary) must never be named by a task definition, even when
/// it carries our tags (copied from the environment's other resources).
#[tokio::test]
async fn a_role_under_our_path_without_the_stacks_boundary_is_not_adopted() {
    let world = world().await;
    let before = props(&world, "bounded", json!({}));
    let created = create(&world, "create", &before).await;
    let physical_id = assert_success(&created);
    let remade = crate::earlier_roles::Remade {
        name: "bounded-debug-toolkit-task",
        path: "/ecs-debug-toolkit/",
        keep_boundary: false,
        earlier_document: Some(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        ),
    };
    crate::earlier_roles::remake_role(&world, "bounded-debug-toolkit-task", remade).await;

    let after = props(
        &world,
        "bounded",
        json!({"DebugToolkitImage": "public.ecr.aws/docker/library/busybox:1.36"}),
    );
    let updated = update(&world, "update", &physical_id, &after, &before).await;
    assert_failed(
        &updated,
        "IAM role bounded-debug-toolkit-task is under /ecs-debug-toolkit/ and tagged as this stack resource's, but its permissions boundary is none",
    );
    // No revision names it: the latest is still the Create's.
    let ecs = aws_sdk_ecs::Client::new(&world.aws);
    let latest = ecs
        .describe_task_definition()
        .task_definition("bounded-debug-toolkit")
        .send()
        .await
        .unwrap();
    assert_eq!(
        latest.task_definition().unwrap().task_definition_arn(),
        created["Data"]["DebugToolkitTaskDefinitionArn"].as_str()
    );
    assert_success(&delete(&world, "delete", &physical_id, &before).await);
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}

#[tokio::test]
async fn another_stack_resource_cannot_adopt_an_environment() {
    let world = world().await;
    let props = props(&world, "owned", json!({}));
    let physical_id = assert_success(&create(&world, "create", &props).await);
    let before = leaks::inventory(&world.aws).await;
    let mut event = CfnRequest::create("other", &world.responses.url("other"), &props);
    event["LogicalResourceId"] = json!("SomeoneElse");
    let response = world.cloudformation(event.clone(), "other", DEADLINE).await;
    assert_failed(&response, "is not owned by this stack resource");
    // And the other resource's Delete of our cluster's ARN leaves it alone.
    event["RequestType"] = json!("Delete");
    event["PhysicalResourceId"] = json!(physical_id);
    event["RequestId"] = json!("other-delete");
    event["ResponseURL"] = json!(world.responses.url("other-delete"));
    assert_success(&world.cloudformation(event, "other-delete", DEADLINE).await);
    assert_eq!(leaks::inventory(&world.aws).await, before);
}

#[tokio::test]
async fn a_cluster_that_runs_other_tasks_is_not_deleted_and_they_are_left_running() {
    use aws_sdk_ecs::types::DesiredStatus;
    use integration_tests::user_tasks::{run_tasks, Run};
    let world = world().await;
    let props = props(&world, "busy", json!({}));
    let created = create(&world, "create", &props).await;
    let physical_id = assert_success(&created);
    let ecs = aws_sdk_ecs::Client::new(&world.aws);
    // A service's task: not started by debug-toolkit, not tagged as ours.
    let run = Run {
        cluster: "busy",
        task_definition: created["Data"]["DebugToolkitTaskDefinitionArn"]
            .as_str()
            .unwrap(),
        started_by: "ecs-svc/1234567890",
        subnets: world.vpc.private_subnets.clone(),
        security_groups: vec![created["Data"]["SecurityGroupId"]
            .as_str()
            .unwrap()
            .to_string()],
        tags: vec![],
    };
    let task = run_tasks(&ecs, &run, 1).await.remove(0);

    world.proxy.reset_counts();
    let response = delete(&world, "delete", &physical_id, &props).await;
    let reason = assert_failed(
        &response,
        "cluster busy still runs 1 task(s) not started by debug-toolkit",
    );
    assert!(reason.contains(&task), "{reason}");
    let calls = world.proxy.calls();
    assert_eq!(calls.get("StopTask"), None, "{calls:?}");
    assert_eq!(calls.get("DeleteCluster"), None, "{calls:?}");
    let running = ecs
        .list_tasks()
        .cluster("busy")
        .desired_status(DesiredStatus::Running)
        .send()
        .await
        .unwrap();
    assert_eq!(
        running.task_arns(),
        std::slice::from_ref(&task),
        "left running"
    );

    // Once its owner stops it, the same Delete goes through, though ListTasks still returns the
    // task for a while (recently stopped: the strict world lists it, as AWS may).
    ecs.stop_task()
        .cluster("busy")
        .task(&task)
        .send()
        .await
        .unwrap();
    assert_success(&delete(&world, "delete-again", &physical_id, &props).await);
}

#[tokio::test]
async fn a_delete_right_after_a_debug_task_was_stopped_skips_it_and_succeeds() {
    use integration_tests::user_tasks::{run_tasks, Run};
    let world = world().await;
    let props = props(&world, "just-stopped", json!({}));
    let created = create(&world, "create", &props).await;
    let physical_id = assert_success(&created);
    let ecs = aws_sdk_ecs::Client::new(&world.aws);
    let run = Run {
        cluster: "just-stopped",
        task_definition: created["Data"]["DebugToolkitTaskDefinitionArn"]
            .as_str()
            .unwrap(),
        started_by: "debug-toolkit",
        subnets: world.vpc.private_subnets.clone(),
        security_groups: vec![created["Data"]["SecurityGroupId"]
            .as_str()
            .unwrap()
            .to_string()],
        tags: vec![("debug-toolkit:managed-by", "ecs-debug-toolkit".to_string())],
    };
    let task = run_tasks(&ecs, &run, 1).await.remove(0);
    // Stopped from Slack a moment ago: StopTask deleted its tags; ListTasks still returns it.
    ecs.stop_task()
        .cluster("just-stopped")
        .task(&task)
        .send()
        .await
        .unwrap();

    world.proxy.reset_counts();
    assert_success(&delete(&world, "delete", &physical_id, &props).await);
    let calls = world.proxy.calls();
    assert_eq!(
        calls.get("StopTask"),
        None,
        "nothing left to stop: {calls:?}"
    );
}
