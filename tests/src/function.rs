//! A function's release or debug binary, started as Lambda starts it, with its logs captured.

use crate::fakes::runtime_api::RuntimeApi;
use crate::strict;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};

pub struct FunctionProcess {
    name: String,
    child: Child,
    logs: Arc<Mutex<String>>,
}

/// What the harness hands to functions that must never reach a log: the Slack signing secret,
/// the bot token, the bearer part of every `response_url`, and the presigned `ResponseURL`'s
/// signature and credential. Every function process of every test and of the local story is
/// checked when it stops.
pub const NEVER_LOGGED: [&str; 5] = [
    crate::fakes::slack::SIGNING_SECRET,
    crate::worlds::reap::BOT_TOKEN,
    crate::fakes::slack::RESPONSE_URL_TOKEN,
    crate::fakes::cfn::SIGNATURE_MARKER,
    "X-Amz-Credential",
];

/// Where the function binaries are: `$DEBUG_TOOLKIT_BIN_DIR`, else the profile directory this
/// test or harness binary was built into (`target/<profile>`, tests sit in its `deps/`).
pub fn bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("DEBUG_TOOLKIT_BIN_DIR") {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().expect("the executable's directory");
    match dir.file_name() {
        Some(name) if name == "deps" => dir.parent().expect("target/<profile>").to_path_buf(),
        _ => dir.to_path_buf(),
    }
}

/// How function binaries are started: directly, or through `$DEBUG_TOOLKIT_BIN_RUNNER` (CI sets
/// `qemu-aarch64-static` to run the arm64 binaries it packages, as cargo's target runners do).
fn function_command(path: &std::path::Path) -> Command {
    match std::env::var("DEBUG_TOOLKIT_BIN_RUNNER") {
        Ok(runner) if !runner.trim().is_empty() => {
            let mut command = Command::new(runner.trim());
            command.arg(path);
            command
        }
        _ => Command::new(path),
    }
}

/// A command that starts `program` as Lambda starts function `name`: a clean environment with
/// Lambda's own variables, polling `runtime`; killed when dropped.
pub fn lambda_command(program: impl AsRef<OsStr>, name: &str, runtime: &RuntimeApi) -> Command {
    lambda_environment(Command::new(program), name, runtime)
}

fn lambda_environment(mut command: Command, name: &str, runtime: &RuntimeApi) -> Command {
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_LAMBDA_RUNTIME_API", runtime.addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", name)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}"))
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "local")
        .env("AWS_LAMBDA_LOG_FORMAT", "JSON")
        .kill_on_drop(true);
    // qemu-user finds the arm64 loader and libraries there (Debian's libc6-arm64-cross).
    if let Ok(prefix) = std::env::var("QEMU_LD_PREFIX") {
        command.env("QEMU_LD_PREFIX", prefix);
    }
    command
}

impl FunctionProcess {
    /// Starts binary `name` against `runtime`, with `env` on top of the Lambda variables, under an
    /// access key of its own that the strict gate of its `AWS_ENDPOINT_URL` knows it by.
    pub async fn spawn(name: &str, runtime: &RuntimeApi, env: &[(String, String)]) -> Self {
        let path = bin_dir().join(name);
        assert!(
            path.exists(),
            "{} is missing: build the functions first (cargo build --workspace --bins)",
            path.display()
        );
        let mut env: BTreeMap<String, String> = env.iter().cloned().collect();
        let region = env
            .get("AWS_REGION")
            .map_or(crate::moto::REGION, String::as_str);
        let account = env
            .get(strict::ACCOUNT_VAR)
            .map_or(crate::moto::ACCOUNT, String::as_str);
        runtime.set_function_arn(format!("arn:aws:lambda:{region}:{account}:function:{name}"));
        if let Some(endpoint) = env.get("AWS_ENDPOINT_URL").cloned() {
            let key = strict::access_key(name);
            strict::register(&endpoint, &key, name, &env).await;
            env.insert("AWS_ACCESS_KEY_ID".into(), key);
        }
        let mut command = lambda_environment(function_command(&path), name, runtime);
        command
            .env("RUST_LOG", "info")
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
        let logs = Arc::new(Mutex::new(String::new()));
        capture(child.stdout.take().expect("stdout"), logs.clone());
        capture(child.stderr.take().expect("stderr"), logs.clone());
        Self {
            name: name.to_string(),
            child,
            logs,
        }
    }

    /// The process's peak resident set so far (`VmHWM`, KiB), while it runs (Linux).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        peak_rss_kib(self.child.id()?)
    }

    /// Everything the function has logged so far.
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }
}

impl Drop for FunctionProcess {
    /// Fails the test (unless it is failing already) when the function logged a secret.
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let logs = self.logs();
        if let Some(secret) = leaked_secret(&logs) {
            panic!("{} logged {secret:?}:\n{logs}", self.name);
        }
    }
}

/// Every line of `logs` is JSON (as `AWS_LAMBDA_LOG_FORMAT=JSON` asks) and none holds a secret.
pub fn assert_json_and_no_secrets(logs: &str) {
    for line in logs.lines() {
        assert!(
            serde_json::from_str::<serde_json::Value>(line).is_ok(),
            "not a JSON log line: {line}"
        );
    }
    assert_eq!(leaked_secret(logs), None, "a secret was logged:\n{logs}");
}

/// The first of [`NEVER_LOGGED`] that `logs` contain.
pub fn leaked_secret(logs: &str) -> Option<&'static str> {
    NEVER_LOGGED.iter().copied().find(|s| logs.contains(s))
}

/// A peak RSS for a report: `12.3 MiB`, or `?` when it could not be read.
pub fn mib(kib: Option<u64>) -> String {
    kib.map(|kib| format!("{:.1} MiB", kib as f64 / 1024.0))
        .unwrap_or_else(|| "?".into())
}

/// Peak resident set (`VmHWM`, KiB) of a running process (Linux `/proc`).
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}

fn capture(stream: impl AsyncRead + Unpin + Send + 'static, into: Arc<Mutex<String>>) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(stream).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if std::env::var_os("SHOW_FUNCTION_LOGS").is_some() {
                eprintln!("{line}");
            }
            let mut logs = into.lock().unwrap();
            logs.push_str(&line);
            logs.push('\n');
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_secret_handed_to_functions_is_caught_in_logs() {
        let clean = r#"{"level":"INFO","message":"response_url refused","host":"127.0.0.1"}"#;
        assert_eq!(leaked_secret(clean), None);
        for secret in NEVER_LOGGED {
            let line = format!(r#"{{"level":"INFO","message":"value {secret} here"}}"#);
            assert_eq!(leaked_secret(&line), Some(secret));
        }
    }
}
