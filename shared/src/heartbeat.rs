//! The session heartbeat (docs/interface.md): the debug-toolkit container's command, and how
//! the reaper reads what it writes. Once a minute, while an ECS Exec or Session Manager session is
//! open inside the task (an `ssm-session-worker` process exists), the loop prints [`LINE`]; awslogs
//! puts it in stream `debug/debug-toolkit/<task-id>` of the environment's debug-toolkit log group.
//!
//! The loop reads `/proc/<pid>/comm` with the shell's own `read` (no `ps`/`pgrep`, which slim
//! images lack). Its one external command is `sleep`, which the version 1 command (`sleep
//! infinity`) already needed: POSIX `sh` has no builtin that waits a given time. It runs in the
//! background so the TERM that ECS sends on stop ends the loop at once.

use crate::names::CONTAINER;
use crate::timestamp::EpochSeconds;

/// What the loop prints while a session is open.
pub const LINE: &str = "debug-toolkit: session open";

/// A heartbeat this recent (seconds before `now`) means a session is open: three beats of one a
/// minute, so one late or lost beat does not make an open session look closed.
pub const OPEN_WITHIN_SECONDS: EpochSeconds = 180;

/// `awslogs-stream-prefix` of the debug-toolkit container.
pub const STREAM_PREFIX: &str = "debug";

/// The loop. `HEARTBEAT_SECONDS` (unset: 60) exists for its own test.
pub const SCRIPT: &str = r#"trap 'exit 0' TERM INT
while :; do
  for comm in /proc/[0-9]*/comm; do
    read -r name 2>/dev/null <"$comm" || continue
    case $name in
      ssm-session-wor*) echo 'debug-toolkit: session open'; break ;;
    esac
  done
  sleep "${HEARTBEAT_SECONDS:-60}" &
  wait $!
done"#;

/// The container's `entryPoint`: the shell, so an image's own ENTRYPOINT never swallows the loop.
pub const ENTRY_POINT: [&str; 2] = ["/bin/sh", "-c"];

/// The container's `command`: the loop, as the one argument of `sh -c`.
pub fn command() -> [&'static str; 1] {
    [SCRIPT]
}

/// The task id of a heartbeat stream (`debug/debug-toolkit/<task-id>`), for any other stream None.
pub fn task_of_stream(stream: &str) -> Option<&str> {
    stream
        .strip_prefix(STREAM_PREFIX)?
        .strip_prefix('/')?
        .strip_prefix(CONTAINER)?
        .strip_prefix('/')
        .filter(|id| !id.is_empty() && !id.contains('/'))
}

/// The stream prefix every heartbeat stream of the container starts with.
pub fn stream_name_prefix() -> String {
    format!("{STREAM_PREFIX}/{CONTAINER}/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};
    use std::time::Duration;

    #[test]
    fn the_script_prints_the_line_it_is_read_by() {
        assert!(SCRIPT.contains(&format!("echo '{LINE}'")));
    }

    #[test]
    fn streams_map_to_their_task() {
        for (stream, task) in [
            ("debug/debug-toolkit/0123abcd", Some("0123abcd")),
            ("debug/debug-toolkit/", None),
            ("debug/other/0123abcd", None),
            ("debug/debug-toolkit/a/b", None),
            ("ecs-execute-command-1", None),
        ] {
            assert_eq!(task_of_stream(stream), task, "{stream}");
        }
        assert!(task_of_stream(&format!("{}x", stream_name_prefix())).is_some());
    }

    /// Runs the loop (one beat a second) for a while, with or without a process whose name starts
    /// like the SSM session worker's, and returns what it printed.
    fn run_loop(with_session: bool) -> String {
        let dir =
            std::env::temp_dir().join(format!("heartbeat-{}-{with_session}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let worker = dir.join("ssm-session-worker");
        std::fs::copy("/bin/sleep", &worker).unwrap();
        let mut session = with_session.then(|| Command::new(&worker).arg("30").spawn().unwrap());
        let heartbeat = Command::new("/bin/sh")
            .args(["-c", SCRIPT])
            .env("HEARTBEAT_SECONDS", "1")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(2500));
        // TERM ends the loop at once (ECS stops the task with TERM).
        Command::new("kill")
            .arg(heartbeat.id().to_string())
            .status()
            .unwrap();
        let output = heartbeat.wait_with_output().unwrap();
        if let Some(session) = session.as_mut() {
            session.kill().ok();
            session.wait().ok();
        }
        std::fs::remove_dir_all(&dir).ok();
        assert!(
            output.status.success(),
            "exits 0 on TERM: {:?}",
            output.status
        );
        String::from_utf8(output.stdout).unwrap()
    }

    #[test]
    fn a_beat_a_period_while_a_session_worker_runs_and_none_otherwise() {
        let open = run_loop(true);
        assert!(open.lines().count() >= 2, "{open:?}");
        assert!(open.lines().all(|l| l == LINE), "{open:?}");
        assert_eq!(run_loop(false), "");
    }
}
