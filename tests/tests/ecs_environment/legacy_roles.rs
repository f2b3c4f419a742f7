//! An environment an earlier version made keeps its roles: they are at path `/` under the same
//! names this version gives roles under `/ecs-debug-toolkit/`, and IAM names are unique whatever
//! the path, so moving one would mean deleting it under running tasks (docs/decisions.md, "Roles
//! under a path of ours"). An Update converges their policies in place (the debug task role's
//! view becomes this environment's alone, by ARN) once the stack's boundary is on them, registers
//! revisions naming them, and never recreates, retags or re-trusts them; a Delete removes them. All through the function's policy
//! from the template (its `IamConvergeLegacyRoles`), judged by the strict gate.

use crate::*;
use aws_sdk_ecs::types::TaskDefinitionField;
use integration_tests::{app_service, leaks};

const CLUSTER: &str = "legacy";
const EXECUTION_POLICY: &str =
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
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
    let iam = aws_sdk_iam::Client::new(&world.aws);
    let mut data = created["Data"].clone();
    for name in ROLES {
        let role = iam.get_role().role_name(name).send().await.unwrap();
        let role = role.role().unwrap().clone();
        assert_eq!(
            role.path(),
            "/ecs-debug-toolkit/",
            "made today under our path"
        );
        let mut policies = vec![];
        for policy in iam
            .list_role_policies()
            .role_name(name)
            .send()
            .await
            .unwrap()
            .policy_names()
        {
            let document = iam
                .get_role_policy()
                .role_name(name)
                .policy_name(policy)
                .send()
                .await
                .unwrap();
            policies.push((
                policy.clone(),
                leaks::policy_text(document.policy_document()),
            ));
            iam.delete_role_policy()
                .role_name(name)
                .policy_name(policy)
                .send()
                .await
                .unwrap();
        }
        let execution = name.ends_with("-task-execution");
        if execution {
            iam.detach_role_policy()
                .role_name(name)
                .policy_arn(EXECUTION_POLICY)
                .send()
                .await
                .unwrap();
        }
        iam.delete_role().role_name(name).send().await.unwrap();
        let made = iam
            .create_role()
            .role_name(name)
            .path("/")
            .assume_role_policy_document(leaks::policy_text(
                role.assume_role_policy_document().unwrap(),
            ))
            .set_tags(Some(role.tags().to_vec()))
            .send()
            .await
            .unwrap();
        for (policy, mut document) in policies {
            if name.ends_with("-debug-toolkit-task") {
                document = EARLIER_VIEW.to_string();
            }
            iam.put_role_policy()
                .role_name(name)
                .policy_name(policy)
                .policy_document(document)
                .send()
                .await
                .unwrap();
        }
        if execution {
            iam.attach_role_policy()
                .role_name(name)
                .policy_arn(EXECUTION_POLICY)
                .send()
                .await
                .unwrap();
        }
        let arn = made.role().unwrap().arn().to_string();
        assert_eq!(arn, format!("arn:aws:iam::123456789012:role/{name}"));
        let key = match name {
            n if n.ends_with("-task-execution") => "TaskExecutionRoleArn",
            n if n.ends_with("-app-task") => "AppTaskRoleArn",
            _ => "DebugToolkitTaskRoleArn",
        };
        data[key] = json!(arn);
    }
    let ecs = aws_sdk_ecs::Client::new(&world.aws);
    let latest = ecs
        .describe_task_definition()
        .task_definition(format!("{CLUSTER}-debug-toolkit"))
        .include(TaskDefinitionField::Tags)
        .send()
        .await
        .unwrap();
    let definition = latest.task_definition().unwrap();
    let registered = ecs
        .register_task_definition()
        .family(format!("{CLUSTER}-debug-toolkit"))
        .set_network_mode(definition.network_mode().cloned())
        .set_requires_compatibilities(Some(definition.requires_compatibilities().to_vec()))
        .set_cpu(definition.cpu().map(str::to_owned))
        .set_memory(definition.memory().map(str::to_owned))
        .set_container_definitions(Some(definition.container_definitions().to_vec()))
        .execution_role_arn(data["TaskExecutionRoleArn"].as_str().unwrap())
        .task_role_arn(data["DebugToolkitTaskRoleArn"].as_str().unwrap())
        .set_tags(Some(latest.tags().to_vec()))
        .send()
        .await
        .unwrap();
    let arn = registered.task_definition().unwrap().task_definition_arn();
    data["DebugToolkitTaskDefinitionArn"] = json!(arn.unwrap());
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
    let ecs = aws_sdk_ecs::Client::new(&world.aws);
    let latest = ecs
        .describe_task_definition()
        .task_definition(format!("{CLUSTER}-debug-toolkit"))
        .send()
        .await
        .unwrap();
    let latest = latest.task_definition().unwrap();
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
    assert_eq!(
        latest.task_role_arn(),
        earlier["Data"]["DebugToolkitTaskRoleArn"].as_str()
    );
    assert_eq!(
        latest.execution_role_arn(),
        earlier["Data"]["TaskExecutionRoleArn"].as_str()
    );
    // The application's service, on those roles all along, still runs.
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
