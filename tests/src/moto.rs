//! A moto server of the test's own, on 127.0.0.1, stopped when dropped.

use crate::http::free_port;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub const REGION: &str = "eu-west-1";
pub const ACCOUNT: &str = "123456789012";

pub struct Moto {
    pub port: u16,
    /// The server's process, a fork of this test process's forkserver.
    pid: u32,
}

impl Drop for Moto {
    /// Best effort: a drop while a failing test unwinds must not panic again (that aborts the
    /// whole test binary); a forkserver that is gone has killed its servers already.
    fn drop(&mut self) {
        if let Err(error) = ask_forkserver(&format!("stop {}", self.pid)) {
            eprintln!("moto server {} not stopped: {error}", self.pid);
        }
    }
}

impl Moto {
    /// Starts moto's server through `tests/moto/moto_server.py` (moto with the Rust SDK
    /// compatibility fix) with the managed IAM policies loaded and ECS tasks kept RUNNING (see
    /// the team's moto notes). `$PYTHON` picks the interpreter.
    pub async fn start() -> Self {
        Self::start_with(Network::Anywhere).await
    }

    /// moto whose ECS Exec agents follow their task's network (`Network::Modelled`: the agent is
    /// RUNNING only where the subnet reaches ssmmessages and logs; tests/moto/strict/network.py).
    pub async fn start_with(network: Network) -> Self {
        let port = free_port();
        let strict_network = u8::from(network == Network::Modelled);
        let answer = forkserver(&format!("start {port} {strict_network}"));
        let pid = answer
            .parse()
            .unwrap_or_else(|_| panic!("moto's forkserver did not start a server: {answer}"));
        let moto = Self { port, pid };
        moto.wait_until_ready().await;
        // What the toolkit stack makes before any function runs: task-events' claims group.
        aws_sdk_cloudwatchlogs::Client::new(&sdk_config(&moto.endpoint()))
            .create_log_group()
            .log_group_name(NOTICE_CLAIMS_LOG_GROUP)
            .send()
            .await
            .expect("CreateLogGroup of the claims group");
        moto.post(
            "/moto-api/state-manager/set-transition",
            r#"{"model_name":"ecs::task","transition":{"progression":"manual","times":1000000}}"#,
        )
        .await;
        moto
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn wait_until_ready(&self) {
        let started = Instant::now();
        let client = reqwest::Client::new();
        while started.elapsed() < Duration::from_secs(60) {
            if let Ok(r) = client
                .get(format!("{}/moto-api/data.json", self.endpoint()))
                .send()
                .await
            {
                if r.status().is_success() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("moto_server did not start on port {}", self.port);
    }

    async fn post(&self, path: &str, body: &'static str) {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.endpoint()))
            .body(body)
            .send()
            .await
            .expect("moto api");
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
    }
}

/// `tests/moto/moto_forkserver.py`, started once per test process: it has imported moto (with
/// the Rust SDK compatibility fix of `moto_server.py` and the strict gate) and forks a server per
/// test in about 40 ms, where a fresh `python3` takes about 1.1 s of CPU (each server still loads
/// the managed IAM policies on its first IAM call). When this process ends its stdin closes and
/// it stops every server it started.
/// `$PYTHON` picks the interpreter.
struct Forkserver {
    requests: ChildStdin,
    answers: BufReader<ChildStdout>,
    _process: Child,
}

/// Sends one request line to the forkserver and returns its answer line.
fn forkserver(request: &str) -> String {
    ask_forkserver(request).unwrap_or_else(|error| panic!("{error}"))
}

fn ask_forkserver(request: &str) -> Result<String, String> {
    static FORKSERVER: OnceLock<Mutex<Forkserver>> = OnceLock::new();
    let server = FORKSERVER.get_or_init(|| Mutex::new(Forkserver::start()));
    // A test that panicked while holding the lock left the pipe whole: a line is written and read
    // at once.
    let mut server = server
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let gone = |error: std::io::Error| {
        format!("moto's forkserver is gone ({error}; its error is printed above)")
    };
    writeln!(server.requests, "{request}")
        .and_then(|()| server.requests.flush())
        .map_err(gone)?;
    let mut answer = String::new();
    match server.answers.read_line(&mut answer) {
        Ok(0) => Err("moto's forkserver ended (its error is printed above; is moto installed: pip install \"moto[server]\"?)".to_string()),
        Ok(_) => Ok(answer.trim().to_string()),
        Err(error) => Err(gone(error)),
    }
}

impl Forkserver {
    fn start() -> Self {
        let program = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/moto/moto_forkserver.py");
        let mut process = Command::new(&program)
            .arg(script)
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {program} {script} (pip install \"moto[server]\"): {e}")
            });
        Self {
            requests: process.stdin.take().expect("piped stdin"),
            answers: BufReader::new(process.stdout.take().expect("piped stdout")),
            _process: process,
        }
    }
}

/// Whether a task's network decides if its ECS Exec agent comes up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Network {
    /// Every agent is RUNNING a second after its container starts, whatever the subnet.
    Anywhere,
    /// Only where the task's subnet reaches ssmmessages and logs (endpoints or NAT).
    Modelled,
}

/// SDK configuration for the test's own AWS calls against `endpoint`.
pub fn sdk_config(endpoint: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_ecs::config::SharedCredentialsProvider::new(
            aws_sdk_ecs::config::Credentials::new("testing", "testing", None, None, "tests"),
        ))
        .build()
}

/// The image the toolkit stack publishes to its own ECR repository and gives ecs-environment as
/// `DEFAULT_DEBUG_TOOLKIT_IMAGE` (docs/image.md).
pub const DEFAULT_DEBUG_TOOLKIT_IMAGE: &str =
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-debug-toolkit/debug-toolkit:1.0.0";

/// The toolkit stack's `EnvironmentRoleBoundary`, given to ecs-environment as
/// `ENVIRONMENT_ROLE_BOUNDARY_ARN` (the strict gate evaluates the boundary's document from the
/// template wherever a role names it).
pub const ENVIRONMENT_ROLE_BOUNDARY_ARN: &str =
    "arn:aws:iam::123456789012:policy/ecs-debug-toolkit/tests-EnvironmentRoleBoundary-0A1B2C";

/// The toolkit stack's log group of stopped-notice claims (`NoticeClaimsLogGroup`).
pub const NOTICE_CLAIMS_LOG_GROUP: &str = "/ecs-debug-toolkit/tests/notice-claims";

/// The environment variables that point a function at `endpoint` (and name the stack's claims
/// group, as the template does for task-events).
pub fn function_env(endpoint: &str) -> Vec<(String, String)> {
    [
        ("NOTICE_CLAIMS_LOG_GROUP", NOTICE_CLAIMS_LOG_GROUP),
        ("DEFAULT_DEBUG_TOOLKIT_IMAGE", DEFAULT_DEBUG_TOOLKIT_IMAGE),
        (
            "ENVIRONMENT_ROLE_BOUNDARY_ARN",
            ENVIRONMENT_ROLE_BOUNDARY_ARN,
        ),
        ("AWS_ENDPOINT_URL", endpoint),
        ("AWS_REGION", REGION),
        ("AWS_DEFAULT_REGION", REGION),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}
