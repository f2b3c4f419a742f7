//! An environment an earlier version made keeps its roles: they are at path `/` under the same
//! names this version gives roles under `/ecs-debug-toolkit/`, and IAM names are unique whatever
//! the path, so moving one would mean deleting it under running tasks (docs/decisions.md, "Roles
//! under a path of ours"). An Update converges their policies in place (the debug task role's
//! view becomes this environment's alone, by ARN) once the stack's boundary is on them, registers
//! revisions naming them, and never recreates, retags or re-trusts them; a Delete removes them. All through the function's policy
//! from the template (its `IamConvergeLegacyRoles`), judged by the strict gate.

use crate::earlier_roles::{latest_revision_naming, register_revision_naming, remake_role, Remade};
use crate::*;
use integration_tests::{app_service, leaks};

const CLUSTER: &str = "legacy";
const ROLES: [&str; 3] = [
    "legacy-task-execution",
    "legacy-debug-toolkit-task",
    "legacy-app-task",
];
/// The debug task role's view as earlier versions wrote it: anything tagged with the environment's
/// `Environment`, which other environments share.
const EARLIER_VIEW: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReadOnlyViewOfThisEnvironment","Effect":"Allow","Action":["ecs:DescribeServices","ecs:DescribeTasks","logs:GetLogEvents","logs:FilterLogEvents"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/Environment":"default"}}}]}"#;

/// Turns the environment made today into what an earlier version left: the same roles (trust,
/// inline policies, managed policy, our tags) at path `/` without a boundary, the debug task
/// role with the earlier tag-conditioned view, and the latest task-definition revision naming
/// them. Returns `Data` as the earlier version answered it.
async fn as_an_earlier_version_made_it(world: &World, created: &Value) -> Value {
    let mut data = created["Data"].clone();
    for name in ROLES {
        let remade = Remade {
            name,
            path: "/",
            keep_boundary: false,
            earlier_document: name
                .ends_with("-debug-toolkit-task")
                .then_some(EARLIER_VIEW),
        };
        let arn = remake_role(world, name, remade).await;
        assert_eq!(arn, format!("arn:aws:iam::123456789012:role/{name}"));
        let key = match name {
            n if n.ends_with("-task-execution") => "TaskExecutionRoleArn",
            n if n.ends_with("-app-task") => "AppTaskRoleArn",
            _ => "DebugToolkitTaskRoleArn",
        };
        data[key] = json!(arn);
    }
    let execution = data["TaskExecutionRoleArn"].as_str().unwrap().to_string();
    let task = data["DebugToolkitTaskRoleArn"]
        .as_str()
        .unwrap()
        .to_string();
    let revision = register_revision_naming(world, CLUSTER, &execution, &task).await;
    data["DebugToolkitTaskDefinitionArn"] = json!(revision);
    json!({ "Data": data })
}

/// (path, role id, tags) of each legacy role.
async fn identities(world: &World) -> Vec<(String, String, Vec<(String, String)>)> {
    let iam = aws_sdk_iam::Client::new(&world.aws);
    let mut out = vec![];
    for name in ROLES {
        let role = iam.get_role().role_name(name).send().await.unwrap();
        let role = role.role().unwrap();
        let mut tags: Vec<(String, String)> = role
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect();
        tags.sort();
        out.push((role.path().to_string(), role.role_id().to_string(), tags));
    }
    out
}

#[tokio::test]
async fn an_update_of_an_earlier_versions_environment_keeps_its_roles_and_converges_them() {
    let world = world().await;
    let before = props(&world, CLUSTER, json!({}));
    let created = create(&world, "create", &before).await;
    let physical_id = assert_success(&created);
    let earlier = as_an_earlier_version_made_it(&world, &created).await;
    let service = app_service::deploy(&world.aws, &earlier, integration_tests::moto::REGION).await;
    let kept = identities(&world).await;

    // A new image (a new revision, which passes the roles) and a bucket for the app (a new app
    // policy), and a user tag the legacy roles will not get (no TagRole outside our path).
    let after = props(
        &world,
        CLUSTER,
        json!({
            "DebugToolkitImage": "public.ecr.aws/docker/library/busybox:1.36",
            "AppS3BucketArns": "arn:aws:s3:::legacy-uploads",
            "Tags": [{"Key": "team", "Value": "payments"}],
        }),
    );
    let updated = update(&world, "update", &physical_id, &after, &before).await;
    assert_eq!(assert_success(&updated), physical_id);

    // The same roles, not recreated (same ids), at path `/`, their tags as they were, and the
    // stack's boundary on each (put before their policies: the function's policy denies a policy
    // write to a legacy role without it).
    assert_eq!(identities(&world).await, kept);
    let iam = aws_sdk_iam::Client::new(&world.aws);
    for name in ROLES {
        let role = iam.get_role().role_name(name).send().await.unwrap();
        let boundary = role.role().unwrap().permissions_boundary();
        assert_eq!(
            boundary.and_then(|b| b.permissions_boundary_arn()),
            Some(integration_tests::moto::ENVIRONMENT_ROLE_BOUNDARY_ARN),
            "{name}"
        );
    }
    for key in [
        "TaskExecutionRoleArn",
        "DebugToolkitTaskRoleArn",
        "AppTaskRoleArn",
    ] {
        assert_eq!(updated["Data"][key], earlier["Data"][key], "{key}");
    }
    // Their policies converged: the debug view is this environment's by ARN, the app's bucket in.
    let task = crate::app_side::role_policy(&world, "legacy-debug-toolkit-task")
        .await
        .unwrap()
        .to_string();
    assert!(!task.contains("aws:ResourceTag/Environment"), "{task}");
    assert!(task.contains("log-group:/ecs/legacy/ecs-exec:*"), "{task}");
    let app = crate::app_side::role_policy(&world, "legacy-app-task")
        .await
        .unwrap()
        .to_string();
    assert!(app.contains("arn:aws:s3:::legacy-uploads/*"), "{app}");

    // A new revision with the new image, naming the legacy roles.
    let latest = latest_revision_naming(&world, CLUSTER, &earlier["Data"]).await;
    assert_eq!(
        Some(latest.task_definition_arn().unwrap()),
        updated["Data"]["DebugToolkitTaskDefinitionArn"].as_str()
    );
    assert_ne!(
        updated["Data"]["DebugToolkitTaskDefinitionArn"],
        earlier["Data"]["DebugToolkitTaskDefinitionArn"]
    );
    assert_eq!(
        latest.container_definitions()[0].image(),
        Some("public.ecr.aws/docker/library/busybox:1.36")
    );
    // The application's service, on those roles all along, still runs.
    let ecs = aws_sdk_ecs::Client::new(&world.aws);
    let described = ecs
        .describe_services()
        .cluster(CLUSTER)
        .services(&service)
        .send()
        .await
        .unwrap();
    let running = &described.services()[0];
    assert_eq!(running.status(), Some("ACTIVE"));
    assert_eq!(running.desired_count(), 1);
    assert!(
        world.function.logs().contains("legacy role"),
        "the log says the roles are legacy"
    );

    app_service::remove(&world.aws, &updated).await;
    assert_success(&delete(&world, "delete", &physical_id, &after).await);
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_delete_removes_the_roles_an_earlier_version_made() {
    let world = world().await;
    let props = props(&world, CLUSTER, json!({}));
    let created = create(&world, "create", &props).await;
    let physical_id = assert_success(&created);
    as_an_earlier_version_made_it(&world, &created).await;

    assert_success(&delete(&world, "delete", &physical_id, &props).await);
    assert_eq!(leaks::inventory(&world.aws).await, Vec::<String>::new());
}
