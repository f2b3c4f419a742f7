//! Playing what an earlier version left: a role of today made again under another name or path
//! (its trust, tags and policies kept), and a task-definition revision naming such roles. Used by
//! `legacy_roles` (the same names at path `/`) and `long_names` (hash-ended names).

use crate::*;
use aws_sdk_ecs::types::TaskDefinitionField;
use integration_tests::leaks;

/// How a role is made again.
pub struct Remade<'a> {
    pub name: &'a str,
    pub path: &'a str,
    /// The permissions boundary kept (`true`) or left off.
    pub keep_boundary: bool,
    /// Each inline policy's document as the earlier version wrote it (`None`: today's).
    pub earlier_document: Option<&'a str>,
}

/// Deletes today's role `name` and makes it again as `remade` says: the same trust, tags, inline
/// and managed policies. Returns the new role's ARN.
pub async fn remake_role(world: &World, name: &str, remade: Remade<'_>) -> String {
    let iam = aws_sdk_iam::Client::new(&world.aws);
    let role = iam.get_role().role_name(name).send().await.unwrap();
    let role = role.role().unwrap().clone();
    let mut inline = vec![];
    let listed = iam
        .list_role_policies()
        .role_name(name)
        .send()
        .await
        .unwrap();
    for policy in listed.policy_names() {
        let got = iam
            .get_role_policy()
            .role_name(name)
            .policy_name(policy)
            .send()
            .await
            .unwrap();
        inline.push((policy.clone(), leaks::policy_text(got.policy_document())));
        iam.delete_role_policy()
            .role_name(name)
            .policy_name(policy)
            .send()
            .await
            .unwrap();
    }
    let attached = iam
        .list_attached_role_policies()
        .role_name(name)
        .send()
        .await
        .unwrap();
    let managed: Vec<String> = attached
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_arn().map(str::to_string))
        .collect();
    for arn in &managed {
        iam.detach_role_policy()
            .role_name(name)
            .policy_arn(arn)
            .send()
            .await
            .unwrap();
    }
    iam.delete_role().role_name(name).send().await.unwrap();
    let boundary = role
        .permissions_boundary()
        .and_then(|b| b.permissions_boundary_arn())
        .filter(|_| remade.keep_boundary);
    let made = iam
        .create_role()
        .role_name(remade.name)
        .path(remade.path)
        .set_permissions_boundary(boundary.map(str::to_string))
        .assume_role_policy_document(leaks::policy_text(
            role.assume_role_policy_document().unwrap(),
        ))
        .set_tags(Some(role.tags().to_vec()))
        .send()
        .await
        .unwrap();
    for (policy, document) in inline {
        iam.put_role_policy()
            .role_name(remade.name)
            .policy_name(policy)
            .policy_document(remade.earlier_document.map_or(document, str::to_string))
            .send()
            .await
            .unwrap();
    }
    for arn in managed {
        iam.attach_role_policy()
            .role_name(remade.name)
            .policy_arn(arn)
            .send()
            .await
            .unwrap();
    }
    made.role().unwrap().arn().to_string()
}

/// Registers a revision of `cluster`'s debug family like its latest one but naming these roles,
/// as an earlier version would have; returns its ARN.
pub async fn register_revision_naming(
    world: &World,
    cluster: &str,
    execution_role_arn: &str,
    task_role_arn: &str,
) -> String {
    let ecs = aws_sdk_ecs::Client::new(&world.aws);
    let family = format!("{cluster}-debug-toolkit");
    let latest = ecs
        .describe_task_definition()
        .task_definition(&family)
        .include(TaskDefinitionField::Tags)
        .send()
        .await
        .unwrap();
    let definition = latest.task_definition().unwrap();
    let registered = ecs
        .register_task_definition()
        .family(&family)
        .set_network_mode(definition.network_mode().cloned())
        .set_requires_compatibilities(Some(definition.requires_compatibilities().to_vec()))
        .set_cpu(definition.cpu().map(str::to_owned))
        .set_memory(definition.memory().map(str::to_owned))
        .set_container_definitions(Some(definition.container_definitions().to_vec()))
        .execution_role_arn(execution_role_arn)
        .task_role_arn(task_role_arn)
        .set_tags(Some(latest.tags().to_vec()))
        .send()
        .await
        .unwrap();
    let revision = registered.task_definition().unwrap();
    revision.task_definition_arn().unwrap().to_string()
}

/// `cluster`'s latest debug revision, asserted to name the roles `data` gives.
pub async fn latest_revision_naming(
    world: &World,
    cluster: &str,
    data: &Value,
) -> aws_sdk_ecs::types::TaskDefinition {
    let ecs = aws_sdk_ecs::Client::new(&world.aws);
    let latest = ecs
        .describe_task_definition()
        .task_definition(format!("{cluster}-debug-toolkit"))
        .send()
        .await
        .unwrap();
    let latest = latest.task_definition().unwrap().clone();
    assert_eq!(
        latest.task_role_arn(),
        data["DebugToolkitTaskRoleArn"].as_str()
    );
    assert_eq!(
        latest.execution_role_arn(),
        data["TaskExecutionRoleArn"].as_str()
    );
    latest
}
