use crate::*;
use std::time::Instant;

#[tokio::test]
async fn five_thousand_expired_debug_tasks_are_stopped_with_fifty_describe_calls() {
    const TASKS: usize = 5000;
    let world = ReapWorld::start_with(false).await;
    let t0 = now();
    let tags = [
        ("debug-toolkit:managed-by", "ecs-debug-toolkit".to_string()),
        ("debug-toolkit:launched-at", at(t0, -120)),
        ("debug-toolkit:expires-at", at(t0, -60)),
    ];
    let setup = Instant::now();
    let mut arns = Vec::with_capacity(TASKS);
    for _ in 0..TASKS / 10 {
        arns.extend(world.run_tasks(10, "debug-toolkit", &tags).await);
    }
    let fresh = world
        .run_tasks(
            1,
            "debug-toolkit",
            &[
                tags[0].clone(),
                ("debug-toolkit:launched-at", at(t0, 0)),
                ("debug-toolkit:expires-at", at(t0, 60)),
            ],
        )
        .await
        .remove(0);
    eprintln!(
        "set-up: {} tasks in moto in {:.1} s",
        TASKS + 1,
        setup.elapsed().as_secs_f64()
    );

    world.proxy.reset_counts();
    let started = Instant::now();
    let summary = world.reap_at_scale(&at(t0, 0)).await;
    let took = started.elapsed();
    let calls = world.proxy.calls_of("idle-reaper");
    eprintln!(
        "idle-reaper over {} debug tasks: {:.2} s; calls {calls:?}",
        TASKS + 1,
        took.as_secs_f64()
    );
    assert_eq!(summary["scanned"], TASKS + 1);
    assert_eq!(
        summary["stopped"].as_array().unwrap().len(),
        TASKS,
        "{}",
        summary["errors"]
    );
    assert_eq!(summary["kept"], 1);
    assert_eq!(
        calls.get("DescribeTasks"),
        Some(&(TASKS + 1).div_ceil(100)),
        "⌈n/100⌉"
    );
    assert_eq!(calls.get("StopTask"), Some(&TASKS));
    assert_eq!(calls.get("ListTasks"), Some(&1));
    let described = describe(&world, std::slice::from_ref(&fresh)).await;
    assert_eq!(described[&fresh].desired_status(), Some("RUNNING"));
    let sample = describe(&world, &arns[..100]).await;
    assert!(sample
        .values()
        .all(|t| t.desired_status() == Some("STOPPED")));
}
