//! `forward` (docs/interface.md): the exact Session Manager port-forwarding command through a debug
//! task, its container's runtime id read from ECS; refused for any other task, for strangers and
//! for a bad host or port (a usage error, no AWS call).

use crate::*;

#[tokio::test]
async fn forward_hands_out_the_exact_command_for_debug_tasks_only() {
    let world = LaunchWorld::start().await;
    let debug = start_debug_task(&world, "start payments-dev 45m").await;
    let debug_id = task_id(&debug).to_string();
    let foreign = run_foreign_task(&world).await;
    let runtime_id = task(&world, &debug)
        .await
        .containers()
        .iter()
        .find(|c| c.name() == Some("debug-toolkit"))
        .and_then(|c| c.runtime_id())
        .expect("the container's runtime id")
        .to_string();

    world.proxy.reset_counts();
    let answer = world
        .slash(
            ALLOWED_USER,
            "C0X",
            &format!("forward {debug_id} db.internal:5432 15432"),
        )
        .await;
    assert_eq!(answer.status, 200);
    let expected = format!(
        r#"aws ssm start-session --region eu-west-1 --target ecs:payments-dev_{debug_id}_{runtime_id} --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters '{{"host":["db.internal"],"portNumber":["5432"],"localPortNumber":["15432"]}}'"#
    );
    assert!(
        answer
            .body
            .to_string()
            .contains(&expected.replace('"', "\\\"")),
        "{}\n{expected}",
        answer.body
    );
    let calls = world.proxy.calls();
    assert_eq!(calls.get("StopTask"), None, "{calls:?}");

    // The local port defaults to the remote one.
    let default = world
        .slash(
            ALLOWED_USER,
            "C0X",
            &format!("forward {debug_id} 10.0.3.17:6379"),
        )
        .await;
    assert!(
        default
            .body
            .to_string()
            .contains(r#"\"localPortNumber\":[\"6379\"]"#),
        "{}",
        default.body
    );

    // A service's task, a stranger, a bad target: refused, saying why.
    let refused = world
        .slash(
            ALLOWED_USER,
            "C0X",
            &format!("forward {} db:5432", task_id(&foreign)),
        )
        .await;
    assert!(refused.text.contains("is not a debug task"), "{refused:?}");
    let stranger = world
        .slash("U0STRANGER", "C0X", &format!("forward {debug_id} db:5432"))
        .await;
    assert!(
        !stranger.body.to_string().contains("start-session"),
        "{stranger:?}"
    );
    for bad in ["db", "db:0", "db:99999", "db';id;':5432", "[::1]:80"] {
        world.proxy.reset_counts();
        let usage = world
            .slash(ALLOWED_USER, "C0X", &format!("forward {debug_id} {bad}"))
            .await;
        assert!(
            usage.text.contains("is not &lt;host&gt;:&lt;port&gt;") || usage.text.contains("needs"),
            "{bad}: {usage:?}"
        );
        assert_eq!(world.proxy.total_calls(), 0, "{bad}: no AWS call");
    }
    assert_no_secrets_logged(&world);
}

#[tokio::test]
async fn forward_warns_when_no_group_of_the_task_lets_the_port_out() {
    let world = LaunchWorld::start().await;
    let debug = start_debug_task(&world, "start payments-dev 45m").await;
    let debug_id = task_id(&debug).to_string();
    // The environment's group lets TCP 443 out anywhere, and no ExtraEgressPorts.
    let blocked = world
        .slash(
            ALLOWED_USER,
            "C0X",
            &format!("forward {debug_id} db.internal:5432"),
        )
        .await;
    assert_eq!(blocked.status, 200);
    let body = blocked.body.to_string();
    assert!(
        body.contains("No security group of this task lets TCP 5432 out")
            && body.contains("ExtraEgressPorts"),
        "{body}"
    );
    assert!(
        body.contains("AWS-StartPortForwardingSessionToRemoteHost"),
        "the command is still given"
    );
    let open = world
        .slash(
            ALLOWED_USER,
            "C0X",
            &format!("forward {debug_id} api.internal:443"),
        )
        .await;
    assert!(
        !open.body.to_string().contains("No security group"),
        "{}",
        open.body
    );
}
