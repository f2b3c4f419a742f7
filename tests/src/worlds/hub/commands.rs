//! What the tests ask the hub, as Slack delivers it, and how they take a late answer.
//!
//! A hub's first command runs cold (the spoke's role assumed, the strict gate's first judgements)
//! and, under an emulator beside another test (CI's qemu-user on 2 cores), can outlast Slack's
//! budget (2.4 s, slack-command's `budget.rs`; AssumeRole alone took 0.9 s there). The hub then
//! answers that AWS did not answer in time (or `list` names a spoke that gave no answer in
//! time): the test asks again, as a user would, each time said on stderr. Only before the
//! world's first answer in time, and at most [`LATE_ALLOWED`] times: a late answer after it fails
//! the test, so a command that is late every time, or a spoke that goes missing from a later
//! `list`, is still caught.

use super::{HubWorld, CHANNEL, CLUSTER, USER};
use crate::fakes::slack::{click, form, function_url_event, Delivery};
use crate::lambda::Lambda;
use serde_json::Value;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// How slack-command begins its answer when Slack's time ran out before AWS answered.
const LATE: &str = ":warning: AWS did not answer in time";
/// How `list` names a spoke that did not answer within its time.
const UNANSWERED: &str = "(no answer within";
/// Late answers a world allows before its first answer in time (its cold first command).
const LATE_ALLOWED: usize = 2;
/// How long a put the hub sent before its late answer may take to land on a spoke's bus (moto,
/// in Python, is slow under load).
const SETTLE: Duration = Duration::from_secs(10);

impl HubWorld {
    /// A signed slash command from the allowed user; the answer (after checking Slack got a 200).
    pub async fn slash(&self, text: &str) -> Value {
        let body = form(USER, CHANNEL, text, &self.slack.response_url("cmd"));
        deliver_to(&self.command, &body).await
    }

    /// A signed click on a button of ours.
    pub async fn click(&self, action_id: &str, value: &str) -> Value {
        let url = self.slack.response_url("click");
        let body = click(USER, CHANNEL, action_id, value, &url);
        deliver_to(&self.command, &body).await
    }

    /// How many of the hub's answers were late (at most [`LATE_ALLOWED`], all before the first
    /// answer in time).
    pub fn late_answers(&self) -> usize {
        self.late.load(Ordering::SeqCst)
    }

    /// A command that changes nothing (`list`, `doctor`, `forward`), asked again when the hub's
    /// answer was late (see the module's comment).
    pub async fn ask(&self, text: &str) -> Value {
        let verb = text.split_whitespace().next().unwrap_or_default();
        assert!(
            ["list", "doctor", "forward"].contains(&verb),
            "{text} changes things"
        );
        loop {
            let answer = self.slash(text).await;
            let said = answer.to_string();
            if !said.contains(LATE) && !said.contains(UNANSWERED) {
                self.in_time.store(true, Ordering::SeqCst);
                return answer;
            }
            self.took_late(text, &answer);
        }
    }

    /// `/debug start <alias>/payments 45m <reason>` from the allowed user, until the hub put the
    /// launch request on the spoke's bus: the hub's last answer and that request (exactly one).
    /// After a late answer the test looks at the spoke's bus for [`SETTLE`] (a put already sent
    /// still lands) and asks again only if nothing came (see the module's comment).
    pub async fn start_in(&self, alias: &str, reason: &str) -> (Value, Value) {
        let bus = &self.spoke(alias).bus;
        let command = format!("start {alias}/{CLUSTER} 45m {reason}");
        let starting = format!("Starting a debug task on `{alias}/{CLUSTER}`");
        loop {
            let answer = self.slash(&command).await;
            let said = answer.to_string();
            let late = said.contains(LATE);
            assert!(late || said.contains(&starting), "{answer:#}");
            if late {
                self.took_late(&command, &answer);
            } else {
                self.in_time.store(true, Ordering::SeqCst);
            }
            let looked = Instant::now();
            let mut requests = bus.drain().await;
            while late && requests.is_empty() && looked.elapsed() < SETTLE {
                tokio::time::sleep(Duration::from_millis(200)).await;
                requests = bus.drain().await;
            }
            assert!(requests.len() <= 1, "{alias}'s bus: {requests:#?}");
            if let Some(request) = requests.pop() {
                return (answer, request);
            }
            assert!(
                late,
                "no launch request on {alias}'s bus; the hub said {answer:#}"
            );
        }
    }

    /// Counts a late answer to `command`, said on stderr; fails the test after the world's first
    /// answer in time or past [`LATE_ALLOWED`].
    fn took_late(&self, command: &str, answer: &Value) {
        let late = self.late.fetch_add(1, Ordering::SeqCst) + 1;
        let warm = self.in_time.load(Ordering::SeqCst);
        assert!(
            !warm && late <= LATE_ALLOWED,
            "a late answer to `{command}` (late answer {late}; {}): {answer:#}",
            if warm {
                "after one in time"
            } else {
                "too many before one in time"
            }
        );
        eprintln!("`{command}`: the hub's answer was late (cold); asking again as a user would");
    }
}

/// A signed Function URL request with `body` to `command`; its answer (after checking Slack got a
/// 200).
pub(super) async fn deliver_to(command: &Lambda, body: &str) -> Value {
    let event = function_url_event(body, &Delivery::signed(body));
    let reply = command.call(event, Duration::from_secs(10)).await;
    assert_eq!(reply["statusCode"], 200, "{reply:#}");
    let raw = reply["body"].as_str().unwrap_or_default();
    serde_json::from_str(raw).unwrap_or(Value::Null)
}
