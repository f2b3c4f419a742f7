use super::*;
use crate::spec::Properties;

fn stack() -> StackResource {
    StackResource::example()
}

fn spec(extra: Value) -> EnvironmentSpec {
    let mut props: Properties = json!({"ClusterName": "c", "VpcId": "vpc-0a1b2c3d"})
        .as_object()
        .unwrap()
        .clone();
    props.extend(extra.as_object().unwrap().clone());
    EnvironmentSpec::parse(&props, "eu-west-1").unwrap()
}

fn actions(policy: &Value) -> Vec<String> {
    policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| match &s["Action"] {
            Value::String(a) => vec![a.clone()],
            Value::Array(a) => a.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
            _ => vec![],
        })
        .collect()
}

#[test]
fn task_role_holds_what_ecs_exec_needs() {
    let names = ResourceNames::for_cluster("c");
    let policy = task_policy(&stack(), &names, &spec(json!({})));
    for needed in [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
        "logs:DescribeLogGroups",
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
    ] {
        assert!(actions(&policy).contains(&needed.to_string()), "{needed}");
    }
    assert!(!actions(&policy).contains(&"kms:Decrypt".to_string()));
    let text = policy.to_string();
    assert!(text.contains("arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/c/ecs-exec:*"));
}

#[test]
fn the_task_role_reads_this_environment_alone_by_arn() {
    let policy = task_policy(&stack(), &ResourceNames::for_cluster("c"), &spec(json!({})));
    let text = policy.to_string();
    assert!(
        !text.contains("ResourceTag"),
        "no shared tag decides: {text}"
    );
    let statements = policy["Statement"].as_array().unwrap();
    let reads = |sid: &str| {
        statements
            .iter()
            .find(|s| s["Sid"] == sid)
            .unwrap_or_else(|| panic!("{sid}: {policy:#}"))["Resource"]
            .clone()
    };
    let arn = "arn:aws:ecs:eu-west-1:123456789012";
    assert_eq!(
        reads("ReadTasksAndServicesOfThisCluster"),
        json!([format!("{arn}:task/c/*"), format!("{arn}:service/c/*")])
    );
    let group = "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/c";
    assert_eq!(
        reads("ReadLogsOfThisEnvironment"),
        json!([
            format!("{group}:*"),
            format!("{group}/debug-toolkit:*"),
            format!("{group}/ecs-exec:*")
        ])
    );
    // Every other statement is Exec's or the cluster's ListTasks: nothing else reads on "*".
    for statement in statements {
        if statement["Resource"] == "*" {
            let sid = statement["Sid"].as_str().unwrap();
            assert!(
                [
                    "ListTasksOfThisCluster",
                    "EcsExecSessionChannels",
                    "EcsExecFindLogGroup"
                ]
                .contains(&sid),
                "{sid}"
            );
        }
    }
}

#[test]
fn the_task_role_lists_tasks_of_its_own_cluster_by_the_ecs_cluster_key() {
    let policy = task_policy(&stack(), &ResourceNames::for_cluster("c"), &spec(json!({})));
    let statements = policy["Statement"].as_array().unwrap();
    let listing: Vec<&Value> = statements
        .iter()
        .filter(|s| actions(&json!({"Statement": [s]})).contains(&"ecs:ListTasks".into()))
        .collect();
    assert_eq!(listing.len(), 1, "{policy:#}");
    assert_eq!(listing[0]["Action"], "ecs:ListTasks");
    assert_eq!(listing[0]["Resource"], "*");
    assert_eq!(
        listing[0]["Condition"],
        json!({"ArnEquals": {"ecs:cluster": "arn:aws:ecs:eu-west-1:123456789012:cluster/c"}})
    );
}

#[test]
fn task_role_decrypts_with_the_key_when_given() {
    let key = "arn:aws:kms:eu-west-1:123456789012:key/k1";
    let policy = task_policy(
        &stack(),
        &ResourceNames::for_cluster("c"),
        &spec(json!({"KmsKeyArn": key})),
    );
    let statement = policy["Statement"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(statement["Action"], "kms:Decrypt");
    assert_eq!(statement["Resource"], key);
    assert_eq!(
        statement["Condition"],
        json!({"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": "aws:ssm:SessionId"}}),
        "session data keys only"
    );
}

#[test]
fn execution_role_is_scoped_to_this_environment() {
    let policy = execution_policy(&stack(), &ResourceNames::for_cluster("c"));
    let text = policy.to_string();
    assert!(text.contains("arn:aws:secretsmanager:eu-west-1:123456789012:secret:c/*"));
    assert!(text.contains("arn:aws:ssm:eu-west-1:123456789012:parameter/c/*"));
    assert!(text.contains("log-group:/ecs/c/debug-toolkit:*"));
    assert!(!text.contains("\"*\""), "no wildcard resource: {text}");
}
