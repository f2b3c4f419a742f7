//! The command grammar of the contract, as a pure parser:
//! `start <cluster> [--like <service>] [<ttl>] [reason…]`, `list [<cluster>]`, `stop <task-id>`,
//! `extend <task-id> [<duration>]`, `forward <task-id> <host>:<port> [<local-port>]`, `help`.

use debug_toolkit::cluster::is_valid_name;
use debug_toolkit::debug_task::cluster_of_task_arn;
use debug_toolkit::duration::{parse_minutes, DurationError};

/// The longest reason kept (a tag value holds 256 characters).
pub const MAX_REASON_CHARS: usize = 256;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    Start {
        cluster: String,
        ttl_minutes: Option<u32>,
        reason: String,
        /// `--like <service>` (contract v2).
        like_service: Option<String>,
    },
    List {
        cluster: Option<String>,
    },
    Stop {
        task: TaskRef,
    },
    Extend {
        task: TaskRef,
        minutes: Option<u32>,
    },
    Forward {
        task: TaskRef,
        to: debug_toolkit::commands::Forward,
    },
}

/// A task as typed: its id, or its full ARN (which also names the cluster).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskRef {
    Id(String),
    Arn { arn: String, cluster: String },
}

impl TaskRef {
    pub fn id(&self) -> &str {
        match self {
            Self::Id(id) => id,
            Self::Arn { arn, .. } => debug_toolkit::debug_task::task_id(arn),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GrammarError {
    #[error("`{0}` is not a command")]
    UnknownVerb(String),
    #[error("`{0}` needs a cluster name")]
    MissingCluster(&'static str),
    #[error("`{0}` is not a valid cluster name (letters, digits, - and _, at most 255)")]
    BadCluster(String),
    #[error("`--like` needs the name of an ECS service of the cluster, not `{0}`")]
    BadService(String),
    #[error("`{0}` needs a task id")]
    MissingTask(&'static str),
    #[error("`{0}` is not a task id or task ARN")]
    BadTask(String),
    #[error(transparent)]
    BadDuration(#[from] DurationError),
    #[error(transparent)]
    BadTarget(#[from] crate::target::TargetError),
    #[error("`{verb}` does not take `{extra}`")]
    Extra { verb: &'static str, extra: String },
}

pub fn parse(text: &str) -> Result<Command, GrammarError> {
    let mut words = text.split_whitespace();
    let Some(verb) = words.next() else {
        return Ok(Command::Help);
    };
    let rest: Vec<&str> = words.collect();
    match verb.to_ascii_lowercase().as_str() {
        "help" => Ok(Command::Help),
        "start" => start(&rest),
        "list" => {
            no_more("list", rest.get(1..))?;
            Ok(Command::List {
                cluster: rest.first().map(|c| cluster("list", Some(c))).transpose()?,
            })
        }
        "stop" => {
            no_more("stop", rest.get(1..))?;
            Ok(Command::Stop {
                task: task("stop", rest.first())?,
            })
        }
        "extend" => {
            no_more("extend", rest.get(2..))?;
            Ok(Command::Extend {
                task: task("extend", rest.first())?,
                minutes: rest.get(1).map(|d| parse_minutes(d)).transpose()?,
            })
        }
        "forward" => {
            no_more("forward", rest.get(3..))?;
            Ok(Command::Forward {
                task: task("forward", rest.first())?,
                to: crate::target::parse(rest.get(1).copied(), rest.get(2).copied())?,
            })
        }
        _ => Err(GrammarError::UnknownVerb(quote(verb))),
    }
}

fn start(rest: &[&str]) -> Result<Command, GrammarError> {
    let cluster = cluster("start", rest.first())?;
    let mut reason_words = rest.get(1..).unwrap_or_default();
    let mut like_service = None;
    if reason_words
        .first()
        .is_some_and(|w| w.eq_ignore_ascii_case("--like"))
    {
        let service = reason_words.get(1).copied().unwrap_or_default();
        if !debug_toolkit::launch::is_service_name(service) {
            return Err(GrammarError::BadService(quote(service)));
        }
        like_service = Some(service.to_string());
        reason_words = &reason_words[2..];
    }
    let mut ttl_minutes = None;
    if let Some(first) = reason_words.first() {
        if looks_like_duration(first) {
            ttl_minutes = Some(parse_minutes(first)?);
            reason_words = &reason_words[1..];
        }
    }
    let reason: String = reason_words
        .join(" ")
        .chars()
        .take(MAX_REASON_CHARS)
        .collect();
    Ok(Command::Start {
        cluster,
        ttl_minutes,
        reason,
        like_service,
    })
}

/// A word that starts with a digit and ends in `h` or `m` is meant as a ttl (so `0m` or `999h`
/// is an error to report, not the first word of a reason).
fn looks_like_duration(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit()) && word.ends_with(['h', 'm', 'H', 'M'])
}

fn cluster(verb: &'static str, word: Option<&&str>) -> Result<String, GrammarError> {
    let word = word.ok_or(GrammarError::MissingCluster(verb))?;
    if is_valid_name(word) {
        Ok(word.to_string())
    } else {
        Err(GrammarError::BadCluster(quote(word)))
    }
}

fn task(verb: &'static str, word: Option<&&str>) -> Result<TaskRef, GrammarError> {
    let word = word.ok_or(GrammarError::MissingTask(verb))?;
    let is_id = |id: &str| {
        !id.is_empty()
            && id.len() <= 64
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if is_id(word) {
        return Ok(TaskRef::Id(word.to_string()));
    }
    let arn_ok = word.len() <= 512
        && word.is_ascii()
        && !word.contains(char::is_whitespace)
        && is_id(debug_toolkit::debug_task::task_id(word));
    match cluster_of_task_arn(word) {
        Some(cluster) if arn_ok && is_valid_name(cluster) => Ok(TaskRef::Arn {
            arn: word.to_string(),
            cluster: cluster.to_string(),
        }),
        _ => Err(GrammarError::BadTask(quote(word))),
    }
}

fn no_more(verb: &'static str, extra: Option<&[&str]>) -> Result<(), GrammarError> {
    match extra {
        Some(words) if !words.is_empty() => Err(GrammarError::Extra {
            verb,
            extra: quote(&words.join(" ")),
        }),
        _ => Ok(()),
    }
}

/// What the user typed, cut to 40 characters for an error message.
fn quote(text: &str) -> String {
    debug_toolkit::text::shorten(text, 40)
}

#[cfg(test)]
mod tests {
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
}
