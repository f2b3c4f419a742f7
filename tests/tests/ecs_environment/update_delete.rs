use crate::*;
use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, LaunchType, NetworkConfiguration, Tag,
};
use integration_tests::leaks;

async fn run_debug_task(world: &World, cluster: &str, response: &Value) -> String {
    let ecs = aws_sdk_ecs::Client::new(&world.aws);
    let data = &response["Data"];
    let subnets: Vec<String> = data["SubnetIds"]
        .as_str()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    let run = ecs
        .run_task()
        .cluster(cluster)
        .task_definition(data["DebugToolkitTaskDefinitionArn"].as_str().unwrap())
        .launch_type(LaunchType::Fargate)
        .started_by("debug-toolkit")
        .tags(
            Tag::builder()
                .key("debug-toolkit:managed-by")
                .value("ecs-debug-toolkit")
                .build(),
        )
        .network_configuration(
            NetworkConfiguration::builder()
                .awsvpc_configuration(
                    AwsVpcConfiguration::builder()
                        .set_subnets(Some(subnets))
                        .security_groups(data["SecurityGroupId"].as_str().unwrap())
                        .assign_public_ip(AssignPublicIp::Disabled)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    run.tasks()[0].task_arn().unwrap().to_string()
}

#[tokio::test]
async fn update_in_place_then_replacement_then_delete_leaves_nothing() {
    let world = world().await;
    let old = props(&world, "payments-dev", json!({}));
    let created = create(&world, "create", &old).await;
    let physical_id = assert_success(&created);

    // In place: retention, image, an extra egress port, users, tags (the sample Update event).
    let sample_update = sample(&world, "update", "update");
    let new = sample_update["ResourceProperties"].clone();
    let updated = world
        .cloudformation(sample_update, "update", DEADLINE)
        .await;
    assert_eq!(
        assert_success(&updated),
        physical_id,
        "an in-place update keeps the physical id"
    );
    for group in log_groups(&world, "/ecs/payments-dev").await {
        let expected = if group.log_group_name().unwrap().ends_with("debug-toolkit") {
            7
        } else {
            90
        };
        assert_eq!(
            group.retention_in_days(),
            Some(expected),
            "{:?}",
            group.log_group_name()
        );
    }
    let ecs = aws_sdk_ecs::Client::new(&world.aws);
    let latest = ecs
        .describe_task_definition()
        .task_definition("payments-dev-debug-toolkit")
        .send()
        .await
        .unwrap();
    let latest = latest.task_definition().unwrap();
    assert_eq!(latest.revision(), 2, "a new image is a new revision");
    assert_eq!(
        latest.container_definitions()[0].image(),
        Some("nicolaka/netshoot:v0.13")
    );
    assert_eq!(
        updated["Data"]["DebugToolkitTaskDefinitionArn"],
        latest.task_definition_arn().unwrap()
    );
    let group_id = updated["Data"]["SecurityGroupId"].as_str().unwrap();
    let mut egress: Vec<(i32, String)> = security_group(&world, group_id)
        .await
        .ip_permissions_egress()
        .iter()
        .flat_map(|p| {
            p.ip_ranges()
                .iter()
                .map(move |r| (p.from_port().unwrap(), r.cidr_ip().unwrap().to_string()))
        })
        .collect();
    egress.sort();
    assert_eq!(
        egress,
        [
            (443, "0.0.0.0/0".to_string()),
            (5432, world.vpc.cidr.clone())
        ]
    );
    let cluster = describe_cluster(&world, "payments-dev").await;
    let tags: Vec<(String, String)> = cluster
        .tags()
        .iter()
        .map(|t| (t.key().unwrap().to_string(), t.value().unwrap().to_string()))
        .collect();
    assert!(
        tags.contains(&("debug-toolkit:allowed-users".into(), "U012ABCDEF".into())),
        "{tags:?}"
    );
    assert!(
        tags.contains(&("team".into(), "payments".into())),
        "{tags:?}"
    );
    assert!(
        tags.contains(&("Environment".into(), "dev".into())),
        "{tags:?}"
    );

    // Back: the port, the user list and the team tag are removed again.
    assert_success(&update(&world, "back", &physical_id, &old, &new).await);
    assert_eq!(
        security_group(&world, group_id)
            .await
            .ip_permissions_egress()
            .len(),
        1,
        "only HTTPS is left"
    );
    let cluster = describe_cluster(&world, "payments-dev").await;
    let keys: Vec<&str> = cluster.tags().iter().filter_map(|t| t.key()).collect();
    assert!(
        !keys.contains(&"debug-toolkit:allowed-users") && !keys.contains(&"team"),
        "{keys:?}"
    );

    // Replacement: a new ClusterName is a new environment with a new physical id.
    let renamed = props(&world, "payments-dev-2", json!({}));
    let replaced = update(&world, "replace", &physical_id, &renamed, &old).await;
    let new_id = assert_success(&replaced);
    assert_eq!(
        new_id,
        "arn:aws:ecs:eu-west-1:123456789012:cluster/payments-dev-2"
    );

    // A debug task in each; Delete stops them.
    let old_task = run_debug_task(&world, "payments-dev", &updated).await;
    run_debug_task(&world, "payments-dev-2", &replaced).await;

    // CloudFormation deletes the old environment after the replacement, in its cleanup (the
    // stack resource already shows the new id)...
    let cleanup = delete_in_cleanup(&world, "delete-old", &physical_id, &new_id, &old).await;
    assert_success(&cleanup);
    let left = leaks::inventory(&world.aws).await;
    assert!(
        left.iter().all(|r| !r.contains("payments-dev-task")
            && !r.ends_with("cluster payments-dev")
            && !r.contains(&old_task)),
        "{left:#?}"
    );
    assert!(
        left.contains(&"cluster payments-dev-2".to_string()),
        "the new environment is untouched: {left:#?}"
    );
    let stopped = ecs
        .describe_tasks()
        .cluster("payments-dev")
        .tasks(&old_task)
        .send()
        .await
        .unwrap();
    assert_eq!(
        stopped.tasks().first().and_then(|t| t.desired_status()),
        Some("STOPPED")
    );

    // ...and the new one when the stack is deleted.
    assert_success(&delete(&world, "delete-new", &new_id, &renamed).await);
    assert_eq!(
        leaks::inventory(&world.aws).await,
        Vec::<String>::new(),
        "nothing left"
    );
    // A Delete delivered again once the stack is gone is fine.
    assert_success(&delete_when_gone(&world, "delete-again", &new_id, &renamed).await);
    assert_no_secrets_logged(&world);
}

#[tokio::test]
async fn changing_only_the_vpc_is_refused_with_the_reason() {
    let world = world().await;
    let old = props(&world, "vpc-move", json!({}));
    let physical_id = assert_success(&create(&world, "create", &old).await);
    let moved = props(
        &world,
        "vpc-move",
        json!({"VpcId": "vpc-0123456789abcdef0"}),
    );
    let response = update(&world, "move", &physical_id, &moved, &old).await;
    assert_failed(&response, "needs a new ClusterName");
    assert_eq!(response["PhysicalResourceId"], physical_id.as_str());
}
