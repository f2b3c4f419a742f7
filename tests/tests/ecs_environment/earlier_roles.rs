//! An environment an earlier version made, with its roles at path `/`, moves to the roles under
//! `/ecs-debug-toolkit/` on its next Update (docs/deploying.md, "Upgrading"): new roles, a new
//! task-definition revision naming them, `Data` naming them, and only then the old roles deleted;
//! the application's service, deployed with the old roles, keeps running throughout. All under
//! the function's policy from the template, with the strict gate's report free of denials.

use crate::*;
use aws_sdk_ecs::types::TaskDefinitionField;
use integration_tests::{app_service, leaks};

const CLUSTER: &str = "legacy";
const EXECUTION_POLICY: &str =
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

/// (role made today, the name an earlier version gave it).
const ROLES: [(&str, &str); 3] = [
    ("legacy-task-execution-role", "legacy-task-execution"),
    (
        "legacy-debug-toolkit-task-role",
        "legacy-debug-toolkit-task",
    ),
    ("legacy-app-task-role", "legacy-app-task"),
];

/// Turns the environment made today into what the earlier version left: the same roles (trust,
/// inline policy, managed policy, our tags) at path `/` under the earlier names, the latest
/// task-definition revision naming them, and no role under our path. Returns `Data` as the
/// earlier version answered it.
async fn as_an_earlier_version_made_it(world: &World, created: &Value) -> Value {
    let iam = aws_sdk_iam::Client::new(&world.aws);
    let mut data = created["Data"].clone();
    for (today, earlier) in ROLES {
        let role = iam.get_role().role_name(today).send().await.unwrap();
        let role = role.role().unwrap();
        let made = iam
            .create_role()
            .role_name(earlier)
            .path("/")
            .assume_role_policy_document(leaks::policy_text(
                role.assume_role_policy_document().unwrap(),
            ))
            .set_tags(Some(role.tags().to_vec()))
            .send()
            .await
            .unwrap();
        let arn = made.role().unwrap().arn().to_string();
        for name in iam
            .list_role_policies()
            .role_name(today)
            .send()
            .await
            .unwrap()
            .policy_names()
        {
            let policy = iam
                .get_role_policy()
                .role_name(today)
                .policy_name(name)
                .send()
                .await
                .unwrap();
            iam.put_role_policy()
                .role_name(earlier)
                .policy_name(name)
                .policy_document(leaks::policy_text(policy.policy_document()))
                .send()
                .await
                .unwrap();
            iam.delete_role_policy()
                .role_name(today)
                .policy_name(name)
                .send()
                .await
                .unwrap();
        }
        if today.ends_with("task-execution-role") {
            for name in [earlier, today] {
                let attach = iam.attach_role_policy().role_name(name);
                let detach = iam.detach_role_policy().role_name(name);
                if name == earlier {
                    attach.policy_arn(EXECUTION_POLICY).send().await.unwrap();
                } else {
                    detach.policy_arn(EXECUTION_POLICY).send().await.unwrap();
                }
            }
            data["TaskExecutionRoleArn"] = json!(arn);
        } else if today.ends_with("app-task-role") {
            data["AppTaskRoleArn"] = json!(arn);
        } else {
            data["DebugToolkitTaskRoleArn"] = json!(arn);
        }
        iam.delete_role().role_name(today).send().await.unwrap();
    }
    // The revision the earlier version registered: the same container, the earlier roles.
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

#[tokio::test]
async fn an_update_moves_an_earlier_environment_to_roles_under_our_path_without_downtime() {
    let world = world().await;
    let props = props(&world, CLUSTER, json!({}));
    let created = create(&world, "create", &props).await;
    let physical_id = assert_success(&created);
    let earlier = as_an_earlier_version_made_it(&world, &created).await;
    let service = app_service::deploy(&world.aws, &earlier, integration_tests::moto::REGION).await;

    let updated = update(&world, "update", &physical_id, &props, &props).await;
    assert_eq!(assert_success(&updated), physical_id);

    let iam = aws_sdk_iam::Client::new(&world.aws);
    for (key, (today, earlier_name)) in [
        "TaskExecutionRoleArn",
        "DebugToolkitTaskRoleArn",
        "AppTaskRoleArn",
    ]
    .into_iter()
    .zip(ROLES)
    {
        assert_eq!(
            updated["Data"][key],
            format!("arn:aws:iam::123456789012:role/ecs-debug-toolkit/{today}"),
            "{key}"
        );
        assert!(
            iam.get_role().role_name(earlier_name).send().await.is_err(),
            "{earlier_name} is deleted once nothing of ours names it"
        );
    }
    let ecs = aws_sdk_ecs::Client::new(&world.aws);
    let latest = ecs
        .describe_task_definition()
        .task_definition(format!("{CLUSTER}-debug-toolkit"))
        .send()
        .await
        .unwrap();
    let latest = latest.task_definition().unwrap();
    assert_eq!(
        latest.task_role_arn(),
        updated["Data"]["DebugToolkitTaskRoleArn"].as_str()
    );
    assert_eq!(
        Some(latest.task_definition_arn().unwrap()),
        updated["Data"]["DebugToolkitTaskDefinitionArn"].as_str()
    );
    // The application's service, on the earlier roles until CloudFormation redeploys it with the
    // new Data, still runs.
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

    app_service::remove(&world.aws, &updated).await;
    assert_success(&delete(&world, "delete", &physical_id, &props).await);
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
