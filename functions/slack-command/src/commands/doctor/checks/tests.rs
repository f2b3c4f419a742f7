use super::*;
use serde_json::json;

fn healthy() -> Facts {
    Facts {
        exec_log_group: Ok(Some("/ecs/c/ecs-exec".into())),
        log_group_exists: Ok(true),
        init_process: Ok(true),
        task_role_policies: Ok(vec![json!({"Statement": [{"Effect": "Allow",
            "Action": EXEC_CHANNEL_ACTIONS, "Resource": "*"}]})]),
        network: None,
    }
}

#[test]
fn a_healthy_cluster_is_ok_on_every_line() {
    let lines = checklist(&healthy());
    assert_eq!(lines.len(), 5);
    assert!(lines.iter().all(|l| l.ok), "{lines:#?}");
}

#[test]
fn each_broken_fact_names_what_to_change() {
    // (facts, the lines that are not ok, the first of which says `words`)
    let cases: Vec<(Facts, &[usize], &str)> = vec![
        (
            Facts {
                exec_log_group: Ok(None),
                ..healthy()
            },
            &[0, 1],
            "does not log to CloudWatch Logs",
        ),
        (
            Facts {
                log_group_exists: Ok(false),
                ..healthy()
            },
            &[1],
            "`/ecs/c/ecs-exec` is missing",
        ),
        (
            Facts {
                init_process: Ok(false),
                ..healthy()
            },
            &[2],
            "lacks initProcessEnabled",
        ),
        (
            Facts {
                task_role_policies: Ok(vec![json!({"Statement": {"Effect": "Allow",
                    "Action": ["ssmmessages:CreateControlChannel", "logs:PutLogEvents"], "Resource": "*"}})]),
                ..healthy()
            },
            &[3],
            "does not allow ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel",
        ),
        (
            Facts {
                network: Some("debug tasks may not work from every subnet: subnet-1 has no way to ssmmessages".into()),
                ..healthy()
            },
            &[4],
            "subnet-1 has no way to ssmmessages",
        ),
        (
            Facts {
                init_process: Err("DescribeTaskDefinition: AccessDenied".into()),
                ..healthy()
            },
            &[2],
            "could not be read (DescribeTaskDefinition: AccessDenied)",
        ),
    ];
    for (facts, expected, words) in cases {
        let lines = checklist(&facts);
        let broken: Vec<usize> = (0..lines.len()).filter(|i| !lines[*i].ok).collect();
        assert_eq!(broken, expected, "{lines:#?}");
        assert!(
            lines[expected[0]].text.contains(words),
            "{:?}",
            lines[expected[0]]
        );
    }
}

#[test]
fn channel_actions_granted_by_wildcards_and_denies_ignored() {
    for (documents, missing) in [
        (
            vec![json!({"Statement": [{"Effect": "Allow", "Action": "ssmmessages:*"}]})],
            0,
        ),
        (
            vec![json!({"Statement": [{"Effect": "Allow", "Action": "*"}]})],
            0,
        ),
        (
            vec![json!({"Statement": [{"Effect": "Deny", "Action": "ssmmessages:*"}]})],
            4,
        ),
        (vec![], 4),
    ] {
        assert_eq!(
            missing_channel_actions(&documents).len(),
            missing,
            "{documents:?}"
        );
    }
}
