use crate::start_to_task::parse_time;
use crate::*;

#[tokio::test]
async fn list_stop_and_extend_act_on_debug_tasks_only() {
    let world = LaunchWorld::start().await;
    let debug = start_debug_task(&world, "start payments-dev 45m").await;
    let debug_id = task_id(&debug).to_string();
    let foreign = run_foreign_task(&world).await;
    let foreign_id = task_id(&foreign).to_string();

    // list: the debug task with its connect command, not the service's task.
    world.proxy.reset_counts();
    let listed = world.slash(ALLOWED_USER, "C0X", "list").await;
    assert_eq!(listed.status, 200);
    let shown = listed.body.to_string();
    assert!(
        listed.text.contains("1 debug task(s) running"),
        "{listed:?}"
    );
    assert!(
        shown.contains(&format!("--task {debug_id} --container debug-toolkit")),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("<@{ALLOWED_USER}>")),
        "requester shown: {shown}"
    );
    assert!(shown.contains("expires in"), "{shown}");
    assert!(
        !shown.contains(&foreign_id),
        "non-debug tasks are not listed"
    );
    let list_calls = world.proxy.calls();
    let by_name = world.slash(ALLOWED_USER, "C0X", "list payments-dev").await;
    assert!(by_name.body.to_string().contains(&debug_id));
    // A named cluster one may not use, or none at all: refused saying which.
    let not_yours = world.slash("U0STRANGER", "C0X", "list payments-dev").await;
    assert!(
        not_yours
            .text
            .contains("you are not allowed to use debug tasks on cluster `payments-dev`"),
        "{not_yours:?}"
    );
    let unknown = world
        .slash(ALLOWED_USER, "C0X", "list no-such-cluster")
        .await;
    assert!(
        unknown
            .text
            .contains("there is no cluster named `no-such-cluster`"),
        "{unknown:?}"
    );
    let stranger = world.slash("U0STRANGER", "C0X", "list").await;
    assert!(
        stranger
            .text
            .contains("No debug tasks are running on the 0 cluster(s)"),
        "{stranger:?}"
    );

    // stop of a task that is not a debug task: refused, still running.
    world.proxy.reset_counts();
    let refused = world
        .slash(ALLOWED_USER, "C0X", &format!("stop {foreign_id}"))
        .await;
    assert!(
        refused
            .text
            .contains("is not a debug task; it was left untouched"),
        "{refused:?}"
    );
    assert_eq!(
        world.proxy.calls().get("StopTask"),
        None,
        "StopTask never called"
    );
    let still = task(&world, &foreign).await;
    assert_eq!(still.last_status(), Some("RUNNING"));
    assert_eq!(still.desired_status(), Some("RUNNING"));

    // stop/extend from someone who may not use the cluster: not found for them.
    let sneaky = world
        .slash("U0STRANGER", "C0X", &format!("stop {debug_id}"))
        .await;
    assert!(sneaky.text.contains("no task"), "{sneaky:?}");

    // extend: +30m from the current expiry.
    let before = tags(&task(&world, &debug).await);
    let expires_before = parse_time(&before["debug-toolkit:expires-at"]);
    let extended = world
        .slash(ALLOWED_USER, "C0X", &format!("extend {debug_id} 30m"))
        .await;
    assert!(extended.text.contains("now expires at"), "{extended:?}");
    let after = tags(&task(&world, &debug).await);
    assert_eq!(
        parse_time(&after["debug-toolkit:expires-at"]) - expires_before,
        30 * 60
    );
    // …and never past the max lifetime (2h) from the start.
    let capped = world
        .slash(ALLOWED_USER, "C0X", &format!("extend {debug_id} 5h"))
        .await;
    assert!(
        capped.text.contains("capped at the cluster's max lifetime"),
        "{capped:?}"
    );
    let capped_tags = tags(&task(&world, &debug).await);
    assert_eq!(
        parse_time(&capped_tags["debug-toolkit:expires-at"])
            - parse_time(&capped_tags["debug-toolkit:launched-at"]),
        120 * 60
    );
    let again = world
        .slash(ALLOWED_USER, "C0X", &format!("extend {debug_id}"))
        .await;
    assert!(again.text.contains("cannot be extended"), "{again:?}");
    let foreign_extend = world
        .slash(ALLOWED_USER, "C0X", &format!("extend {foreign_id}"))
        .await;
    assert!(
        foreign_extend.text.contains("is not a debug task"),
        "{foreign_extend:?}"
    );
    assert!(!tags(&task(&world, &foreign).await).contains_key("debug-toolkit:expires-at"));

    // stop of the debug task, by its full ARN.
    world.proxy.reset_counts();
    let stopped = world
        .slash(ALLOWED_USER, "C0X", &format!("stop {debug}"))
        .await;
    assert!(stopped.text.contains("Stopping debug task"), "{stopped:?}");
    let stop_calls = world.proxy.calls();
    assert_eq!(stop_calls.get("StopTask"), Some(&1));
    let gone = task(&world, &debug).await;
    assert_eq!(gone.desired_status(), Some("STOPPED"));
    assert_eq!(task(&world, &foreign).await.last_status(), Some("RUNNING"));
    eprintln!("AWS calls: list {list_calls:?}; stop by ARN {stop_calls:?}");
    assert_no_secrets_logged(&world);
}
