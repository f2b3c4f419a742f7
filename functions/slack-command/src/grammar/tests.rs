//! The grammar's table tests: accepted and refused commands, hostile reasons, quoted errors.

use super::*;
use Command::*;

const TASK: &str = "0123456789abcdef0123456789abcdef";
const ARN: &str =
    "arn:aws:ecs:eu-west-1:123456789012:task/payments-dev/0123456789abcdef0123456789abcdef";

fn start(cluster: &str, ttl: Option<u32>, reason: &str) -> Command {
    Start {
        cluster: cluster.into(),
        ttl_minutes: ttl,
        reason: reason.into(),
        like_service: None,
    }
}

#[test]
fn accepted_commands() {
    let id = || TaskRef::Id(TASK.into());
    let (stop_id, extend_id, extend_30m, stop_arn) = (
        format!("stop {TASK}"),
        format!("extend {TASK}"),
        format!("extend {TASK} 30m"),
        format!("stop {ARN}"),
    );
    let cases: Vec<(&str, Command)> = vec![
        ("", Help),
        ("   ", Help),
        ("help", Help),
        ("HELP me", Help),
        ("start payments-dev", start("payments-dev", None, "")),
        (
            "start prod-eu/payments-dev 45m",
            start("prod-eu/payments-dev", Some(45), ""),
        ),
        (
            "list prod/payments",
            List {
                cluster: Some("prod/payments".into()),
            },
        ),
        (
            "start payments-dev 45m",
            start("payments-dev", Some(45), ""),
        ),
        (
            "start payments-dev 1h30m db timeouts",
            start("payments-dev", Some(90), "db timeouts"),
        ),
        (
            "start payments-dev db timeouts",
            start("payments-dev", None, "db timeouts"),
        ),
        (
            "Start  payments_dev\t2h   spaced   out ",
            start("payments_dev", Some(120), "spaced out"),
        ),
        ("start c 2h 3h", start("c", Some(120), "3h")),
        (
            "start c \"quoted reason\"",
            start("c", None, "\"quoted reason\""),
        ),
        ("start c héllo 日本 🚀", start("c", None, "héllo 日本 🚀")),
        ("list", List { cluster: None }),
        (
            "doctor payments-dev",
            Doctor {
                cluster: "payments-dev".into(),
            },
        ),
        (
            "list payments-dev",
            List {
                cluster: Some("payments-dev".into()),
            },
        ),
        (&stop_id, Stop { task: id() }),
        (
            &extend_id,
            Extend {
                task: id(),
                minutes: None,
            },
        ),
        (
            &extend_30m,
            Extend {
                task: id(),
                minutes: Some(30),
            },
        ),
        (
            &stop_arn,
            Stop {
                task: TaskRef::Arn {
                    arn: ARN.into(),
                    cluster: "payments-dev".into(),
                },
            },
        ),
        (
            "stop 38b6089a-36b8-4d05-9502-f9b0f5a7cf00",
            Stop {
                task: TaskRef::Id("38b6089a-36b8-4d05-9502-f9b0f5a7cf00".into()),
            },
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(parse(text), Ok(expected), "{text:?}");
    }
}

#[test]
fn refused_commands() {
    use GrammarError::*;
    let cases: Vec<(String, GrammarError)> = vec![
        ("launch c".into(), UnknownVerb("launch".into())),
        ("start".into(), MissingCluster("start")),
        ("start pay;rm -rf /".into(), BadCluster("pay;rm".into())),
        ("start ../../etc".into(), BadCluster("../../etc".into())),
        (
            "start <#C123|general>".into(),
            BadCluster("<#C123|general>".into()),
        ),
        (
            "start payments\u{200b}dev".into(),
            BadCluster("payments\u{200b}dev".into()),
        ),
        ("start pаyments".into(), BadCluster("pаyments".into())),
        (
            format!("start {}", "a".repeat(256)),
            BadCluster(format!("{}…", "a".repeat(40))),
        ),
        ("start c 0m".into(), BadDuration(DurationError::Zero)),
        (
            "start c 9999h".into(),
            BadDuration(DurationError::TooLong("9999h".into())),
        ),
        (
            "start c 1x30m".into(),
            BadDuration(DurationError::Malformed("1x30m".into())),
        ),
        (
            "list a b".into(),
            Extra {
                verb: "list",
                extra: "b".into(),
            },
        ),
        ("doctor".into(), MissingCluster("doctor")),
        (
            "doctor a b".into(),
            Extra {
                verb: "doctor",
                extra: "b".into(),
            },
        ),
        ("doctor A/b".into(), BadCluster("A/b".into())),
        ("doctor a/b/c".into(), BadCluster("a/b/c".into())),
        ("stop".into(), MissingTask("stop")),
        (
            "stop abc def".into(),
            Extra {
                verb: "stop",
                extra: "def".into(),
            },
        ),
        ("stop ab$c".into(), BadTask("ab$c".into())),
        (
            "stop arn:aws:ecs:eu-west-1:1:task/abc".into(),
            BadTask("arn:aws:ecs:eu-west-1:1:task/abc".into()),
        ),
        (
            "stop arn:aws:ecs:r:1:task/a;b/c".into(),
            BadTask("arn:aws:ecs:r:1:task/a;b/c".into()),
        ),
        (
            "stop arn:aws:ecs:r:1:cluster/x".into(),
            BadTask("arn:aws:ecs:r:1:cluster/x".into()),
        ),
        (
            "extend abc 1d".into(),
            BadDuration(DurationError::Malformed("1d".into())),
        ),
        (
            "extend abc 1h 2h".into(),
            Extra {
                verb: "extend",
                extra: "2h".into(),
            },
        ),
        (
            format!("stop {}", "f".repeat(65)),
            BadTask(format!("{}…", "f".repeat(40))),
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(parse(&text), Err(expected), "{text:?}");
    }
}

#[test]
fn hostile_reasons_are_kept_as_plain_text_and_cut() {
    let injected =
        "start c x\",\"debug-toolkit:managed-by\":\"y <!channel> ${jndi:x} '; DROP TABLE";
    let Ok(Start { reason, .. }) = parse(injected) else {
        panic!()
    };
    assert!(reason.starts_with("x\",\""));
    let long = format!("start c {}", "ü".repeat(5000));
    let Ok(Start { reason, .. }) = parse(&long) else {
        panic!()
    };
    assert_eq!(reason.chars().count(), MAX_REASON_CHARS);
    let Ok(Start { reason, .. }) = parse("start c \u{202e}evil\u{0}") else {
        panic!()
    };
    assert_eq!(
        reason, "\u{202e}evil\u{0}",
        "sanitised where it becomes a tag, not here"
    );
}

#[test]
fn errors_quote_at_most_forty_characters() {
    let text = format!("{} tail", "x".repeat(100_000));
    let message = parse(&text).unwrap_err().to_string();
    assert!(message.len() < 80, "{message}");
}
