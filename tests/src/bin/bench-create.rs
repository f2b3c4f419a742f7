//! `Custom::EcsEnvironment` Create with a latency injected into every AWS call (the fault proxy
//! delays each request before moto sees it): wall time against the critical-path bound, the
//! chain of calls the function actually made one after another, and the calls by action.
//!
//! The bound is dependency depth × latency. The depth is that of a Create's data dependencies,
//! not of our code (so needless sequencing shows up as a ratio above 1):
//!   1. read the VPC, its subnets and every resource by name with its owner tag (nothing may be
//!      changed before we know it is ours; all independent);
//!   2. create the security group, both roles and the three log groups;
//!   3. create the cluster (its tags carry the group id) and register the task definition (it
//!      names both role ARNs); egress rules, role policies and retention alongside.
//!
//! The function follows the data: the task definition waits only for the roles to exist (not their
//! policies), the cluster only for the group (not its rules), so its chain is the dependencies'
//! plus the retries of AWS's consistency windows (the new group's first rule change, the new
//! roles' first RegisterTaskDefinition), which start at 0.1 s.
//!
//! Uses the binaries in `$DEBUG_TOOLKIT_BIN_DIR` (release ones via `./scripts/bench.sh`).

use integration_tests::fakes::cfn::{CfnRequest, Shown};
use integration_tests::fakes::fault_proxy::Span;
use integration_tests::{Fault, World};
use serde_json::json;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Calls that must happen one after another in a Create (see the module documentation).
const DEPENDENCY_DEPTH: u32 = 3;
const LATENCIES_MS: [u64; 3] = [50, 100, 200];
const RUNS: usize = 3;

#[tokio::main]
async fn main() {
    let world = World::start("ecs-environment", &[]).await;
    // moto builds its IAM and EC2 state lazily: a first environment warms it.
    create_and_delete(&world, "warm-up", 0).await;

    println!("Custom::EcsEnvironment Create against local moto, a latency added to every AWS call ({RUNS} runs each, median)");
    println!(
        "{:>9} {:>10} {:>12} {:>9} {:>16} {:>7}",
        "latency", "wall", "bound d×L", "wall−base", "(wall−base)/d×L", "chain"
    );
    let mut base = Duration::ZERO;
    let mut report = None;
    for latency_ms in std::iter::once(0).chain(LATENCIES_MS) {
        let mut runs = Vec::new();
        for run in 0..RUNS {
            let name = format!("bench-{latency_ms}-{run}");
            runs.push(create_and_delete(&world, &name, latency_ms).await);
        }
        runs.sort_by_key(|r| r.wall);
        let median = runs.swap_remove(RUNS / 2);
        if latency_ms == 0 {
            base = median.wall;
        }
        let bound = Duration::from_millis(latency_ms * DEPENDENCY_DEPTH as u64);
        let added = median.wall.saturating_sub(base);
        println!(
            "{:>9} {:>10} {:>12} {:>9} {:>16} {:>7}",
            format!("{latency_ms} ms"),
            ms(median.wall),
            ms(bound),
            ms(added),
            if latency_ms == 0 {
                "-".to_string()
            } else {
                format!("{:.2}", added.as_secs_f64() / bound.as_secs_f64())
            },
            median.chain.len(),
        );
        if latency_ms == 100 {
            report = Some(median);
        }
    }
    let report = report.expect("the 100 ms run");
    println!(
        "dependency depth {DEPENDENCY_DEPTH}; the longest chain of calls made one after another (100 ms run): {}",
        report.chain.join(" → ")
    );
    let total: usize = report.calls.values().sum();
    println!(
        "{total} AWS calls: {}",
        report
            .calls
            .iter()
            .map(|(action, n)| format!("{action}×{n}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
}

struct Run {
    wall: Duration,
    chain: Vec<String>,
    calls: BTreeMap<String, usize>,
}

async fn create_and_delete(world: &World, name: &str, latency_ms: u64) -> Run {
    let props = json!({"ClusterName": name, "VpcId": world.vpc.id, "Environment": "bench"});
    world.proxy.clear();
    world.proxy.reset_counts();
    if latency_ms > 0 {
        world
            .proxy
            .inject("*", Fault::Delay(Duration::from_millis(latency_ms)), None);
    }
    let key = format!("create-{name}");
    let create = CfnRequest::create(&key, &world.responses.url(&key), &props);
    world.show(&create, Shown::while_waiting(&create)).await;
    let started = Instant::now();
    world.runtime.invoke(create, Duration::from_secs(120)).await;
    let wall = started.elapsed();
    let created = world
        .responses
        .wait(&key, Duration::from_secs(5))
        .await
        .body;
    assert_eq!(created["Status"], "SUCCESS", "{created:#}");
    let run = Run {
        wall,
        chain: longest_chain(&world.proxy.timeline()),
        calls: world.proxy.calls(),
    };

    world.proxy.clear();
    let key = format!("delete-{name}");
    let physical_id = created["PhysicalResourceId"].as_str().expect("id");
    let delete = CfnRequest::delete(&key, &world.responses.url(&key), physical_id, &props);
    world.show(&delete, Shown::while_waiting(&delete)).await;
    world.runtime.invoke(delete, Duration::from_secs(120)).await;
    let deleted = world
        .responses
        .wait(&key, Duration::from_secs(5))
        .await
        .body;
    assert_eq!(deleted["Status"], "SUCCESS", "{deleted:#}");
    run
}

/// The longest sequence of calls each starting after the previous one ended.
fn longest_chain(spans: &[Span]) -> Vec<String> {
    let mut spans = spans.to_vec();
    spans.sort_by_key(|s| s.end);
    // best[i]: the longest chain ending with span i, as (length, previous index).
    let mut best: Vec<(usize, Option<usize>)> = Vec::with_capacity(spans.len());
    for (i, span) in spans.iter().enumerate() {
        let before = (0..i)
            .filter(|&j| spans[j].end <= span.start)
            .max_by_key(|&j| best[j].0);
        best.push(match before {
            Some(j) => (best[j].0 + 1, Some(j)),
            None => (1, None),
        });
    }
    let mut at = (0..spans.len()).max_by_key(|&i| best[i].0);
    let mut chain = Vec::new();
    while let Some(i) = at {
        chain.push(spans[i].action.clone());
        at = best[i].1;
    }
    chain.reverse();
    chain
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}
