//! The command grammar (docs/interface.md, `slack-command`), as a pure parser:
//! `start <cluster> [--like <service>] [<ttl>] [reason…]`, `list [<cluster>]`, `stop <task-id>`,
//! `extend <task-id> [<duration>]`, `forward <task-id> <host>:<port> [<local-port>]`,
//! `doctor <cluster>`, `help`.

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
        /// `--like <service>` (docs/interface.md, `slack-command`).
        like_service: Option<String>,
    },
    List {
        cluster: Option<String>,
    },
    /// The ECS Exec checklist of one cluster.
    Doctor {
        cluster: String,
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

impl Command {
    /// The command's verb, for logs and answers.
    pub fn verb(&self) -> &'static str {
        match self {
            Command::Help => "help",
            Command::Start { .. } => "start",
            Command::List { .. } => "list",
            Command::Stop { .. } => "stop",
            Command::Extend { .. } => "extend",
            Command::Forward { .. } => "forward",
            Command::Doctor { .. } => "doctor",
        }
    }
}

/// A task as typed: its id, or its full ARN (which also names the cluster); or, from a button,
/// its cluster and id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskRef {
    Id(String),
    Arn { arn: String, cluster: String },
    InCluster { cluster: String, id: String },
}

impl TaskRef {
    pub fn id(&self) -> &str {
        match self {
            Self::Id(id) | Self::InCluster { id, .. } => id,
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
    #[error("`{0}` is not a valid cluster name (letters, digits, - and _, at most 255; `<alias>/<cluster>` for a spoke's)")]
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
        "doctor" => {
            no_more("doctor", rest.get(1..))?;
            Ok(Command::Doctor {
                cluster: cluster("doctor", rest.first())?,
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
    if debug_toolkit::address::split(word).is_some() {
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
mod tests;
