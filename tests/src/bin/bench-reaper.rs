//! `idle-reaper` over 1,000 and 5,000 expired debug tasks in one managed cluster: wall time, AWS
//! calls by action (`DescribeTasks` must be ⌈n/100⌉) and the function's peak RSS.
//!
//! Uses the binaries in `$DEBUG_TOOLKIT_BIN_DIR` (release ones via `./scripts/bench.sh`).

use integration_tests::function::mib;
use integration_tests::worlds::reap::ReapWorld;
use std::time::{Duration, Instant};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const SIZES: [usize; 2] = [1000, 5000];

#[tokio::main]
async fn main() {
    // task-events left out: ECS's events for thousands of tasks are not what this measures.
    let world = ReapWorld::start_with(false).await;
    let now = OffsetDateTime::now_utc();
    let at = |minutes: i64| {
        (now + time::Duration::minutes(minutes))
            .replace_nanosecond(0)
            .expect("whole seconds")
            .format(&Rfc3339)
            .expect("RFC 3339")
    };
    let tags = [
        ("debug-toolkit:managed-by", "ecs-debug-toolkit".to_string()),
        ("debug-toolkit:launched-at", at(-120)),
        ("debug-toolkit:expires-at", at(-60)),
    ];
    println!("idle-reaper, one managed cluster, every debug task expired (local moto)");
    println!(
        "{:>6} {:>10} {:>10} {:>8} {:>10}   calls",
        "tasks", "set-up", "reap", "stopped", "peak RSS"
    );
    for n in SIZES {
        let setup = Instant::now();
        for _ in 0..n / 10 {
            world.run_tasks(10, "debug-toolkit", &tags).await;
        }
        let setup = setup.elapsed();
        world.proxy.reset_counts();
        let started = Instant::now();
        let summary = world.reap(&at(0)).await;
        let took = started.elapsed();
        let calls = world.proxy.calls_of("idle-reaper");
        let stopped = summary["stopped"].as_array().map_or(0, Vec::len);
        assert_eq!(stopped, n, "errors: {}", summary["errors"]);
        assert_eq!(
            calls.get("DescribeTasks"),
            Some(&n.div_ceil(100)),
            "⌈n/100⌉"
        );
        println!(
            "{:>6} {:>10} {:>10} {:>8} {:>10}   {}",
            n,
            secs(setup),
            secs(took),
            stopped,
            mib(world.reaper.process.peak_rss_kib()),
            calls
                .iter()
                .map(|(action, n)| format!("{action}×{n}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}
