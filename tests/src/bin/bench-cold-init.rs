//! Cold init of each function binary: from process start to its first `GET /next` on a Lambda
//! Runtime API emulator (what Lambda bills as "Init Duration"), median of several runs, and the
//! process's peak RSS at that point. The same run times a Python Lambda doing the equivalent
//! set-up (`import boto3` and two clients, as a Python custom resource would) against the same
//! emulator: the reference users would otherwise pick.
//!
//! The one TLS stack (the SDK's rustls, which our own HTTP shares) reads the system's trusted roots
//! once per process, when its first connector is built (at init where a function builds one then). This machine's
//! `/etc/ssl/certs` holds 292 files; Lambda's `provided.al2023` has one bundle there. So each
//! function is timed twice: with this machine's store, and with an AL2023-like store (a directory
//! holding only a copy of the bundle, through `SSL_CERT_FILE`/`SSL_CERT_DIR`).
//!
//! Uses the binaries in `$DEBUG_TOOLKIT_BIN_DIR` (release ones via `./scripts/bench.sh`).

use integration_tests::fakes::runtime_api::RuntimeApi;
use integration_tests::function::{bin_dir, lambda_command, mib, peak_rss_kib};
use std::process::Stdio;
use std::time::{Duration, Instant};

const RUNS: usize = 15;

/// The Python reference: the Lambda runtime's own loop reduced to its first poll.
const PYTHON_REFERENCE: &str = r#"
import os, urllib.request
import boto3
ecs = boto3.client("ecs")
iam = boto3.client("iam")
urllib.request.urlopen(f"http://{os.environ['AWS_LAMBDA_RUNTIME_API']}/2018-06-01/runtime/invocation/next")
"#;

struct Subject {
    name: &'static str,
    program: String,
    args: Vec<String>,
    env: Vec<(&'static str, &'static str)>,
}

/// Where a function finds its trusted roots.
#[derive(Clone, Copy, PartialEq)]
enum CertStore {
    ThisMachine,
    Al2023Like,
}

struct Sample {
    init: Duration,
    rss_kib: Option<u64>,
}

#[tokio::main]
async fn main() {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let mut subjects: Vec<Subject> = [
        "ecs-environment",
        "slack-command",
        "debug-launcher",
        "task-events",
        "idle-reaper",
    ]
    .into_iter()
    .map(|name| Subject {
        name,
        program: bin_dir().join(name).display().to_string(),
        args: vec![],
        env: match name {
            "slack-command" => vec![("SLACK_SIGNING_SECRET", "bench-signing-secret")],
            _ => vec![],
        },
    })
    .collect();
    subjects.push(Subject {
        name: "Python reference (boto3, ecs + iam)",
        program: python,
        args: vec!["-c".into(), PYTHON_REFERENCE.into()],
        env: vec![],
    });

    let bundle_dir = al2023_like_store();
    println!(
        "cold init: process start → first Runtime API /next, {RUNS} runs each ({})",
        bin_dir().display()
    );
    println!(
        "{:<38} {:>22} {:>22} {:>10}",
        "", "this machine's store", "AL2023-like store", ""
    );
    println!(
        "{:<38} {:>10} {:>11} {:>10} {:>11} {:>10}",
        "function", "median", "min–max", "median", "min–max", "peak RSS"
    );
    let mut medians = Vec::new();
    for subject in &subjects {
        let mut row = format!("{:<38}", subject.name);
        let mut rss = None;
        for store in [CertStore::ThisMachine, CertStore::Al2023Like] {
            let mut samples = Vec::with_capacity(RUNS);
            for _ in 0..RUNS {
                samples.push(cold_start(subject, store, &bundle_dir).await);
            }
            samples.sort_by_key(|s| s.init);
            let median = samples[RUNS / 2].init;
            rss = rss.max(samples.iter().filter_map(|s| s.rss_kib).max());
            row += &format!(
                " {:>10} {:>11}",
                ms(median),
                format!(
                    "{}–{}",
                    ms_short(samples[0].init),
                    ms_short(samples[RUNS - 1].init)
                )
            );
            if store == CertStore::Al2023Like {
                medians.push((subject.name, median));
            }
        }
        row += &format!(" {:>10}", mib(rss));
        println!("{row}");
    }
    let (_, reference) = medians.pop().expect("the reference");
    let slowest = medians.iter().map(|(_, m)| *m).max().expect("functions");
    println!(
        "AL2023-like store: slowest function median {} — {:.0}× faster than the Python reference ({})",
        ms(slowest),
        reference.as_secs_f64() / slowest.as_secs_f64(),
        ms(reference)
    );
}

/// A directory holding only a copy of the system's CA bundle, as `provided.al2023` has it.
fn al2023_like_store() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("al2023-certs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let bundle = [
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).exists())
    .expect("a system CA bundle");
    std::fs::copy(bundle, dir.join("ca-bundle.crt")).expect("copy the CA bundle");
    dir
}

async fn cold_start(subject: &Subject, store: CertStore, bundle_dir: &std::path::Path) -> Sample {
    let runtime = RuntimeApi::start().await;
    let mut command = lambda_command(&subject.program, subject.name, &runtime);
    command
        .args(&subject.args)
        .env("AWS_REGION", "eu-west-1")
        .env("AWS_DEFAULT_REGION", "eu-west-1")
        .env("AWS_ACCESS_KEY_ID", "bench")
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("AWS_SESSION_TOKEN", "bench")
        .envs(subject.env.iter().copied())
        .envs(match store {
            CertStore::ThisMachine => vec![],
            CertStore::Al2023Like => vec![
                ("SSL_CERT_FILE", bundle_dir.join("ca-bundle.crt")),
                ("SSL_CERT_DIR", bundle_dir.to_path_buf()),
            ],
        })
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let started = Instant::now();
    let child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", subject.program));
    let polled = runtime
        .first_poll(Duration::from_secs(30))
        .await
        .unwrap_or_else(|| panic!("{} never polled the Runtime API", subject.name));
    let rss_kib = child.id().and_then(peak_rss_kib);
    drop(child);
    Sample {
        init: polled - started,
        rss_kib,
    }
}

fn ms_short(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1000.0)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
