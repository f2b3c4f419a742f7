//! A function's release or debug binary, started as Lambda starts it, with its logs captured.

use crate::runtime_api::RuntimeApi;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};

pub struct FunctionProcess {
    _child: Child,
    logs: Arc<Mutex<String>>,
}

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

impl FunctionProcess {
    /// Starts binary `name` against `runtime`, with `env` on top of the Lambda variables.
    pub fn spawn(name: &str, runtime: &RuntimeApi, env: &[(String, String)]) -> Self {
        let path = bin_dir().join(name);
        assert!(
            path.exists(),
            "{} is missing: build the functions first (cargo build --workspace --bins)",
            path.display()
        );
        let mut command = Command::new(&path);
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
            .env("RUST_LOG", "info")
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
        let logs = Arc::new(Mutex::new(String::new()));
        capture(child.stdout.take().expect("stdout"), logs.clone());
        capture(child.stderr.take().expect("stderr"), logs.clone());
        Self {
            _child: child,
            logs,
        }
    }

    /// Everything the function has logged so far.
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }
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
