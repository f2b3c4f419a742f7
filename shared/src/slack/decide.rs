//! What to do after Slack answered one attempt (contract section 3, "Clicks and messages tell the
//! truth"): a refused bot token is read again from its secret once, a `ratelimited` answer (HTTP
//! 429) is retried after its `Retry-After` when that fits in the invocation, passing failures are
//! retried with backoff, anything else is final.

use std::time::Duration;

/// The Web API's `error` for a token Slack no longer takes (rotated, revoked or uninstalled).
const TOKEN_REFUSED: [&str; 2] = ["invalid_auth", "token_revoked"];

/// How Slack answered one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer<'a> {
    /// HTTP 2xx, and for the Web API `"ok": true`.
    Ok,
    /// HTTP 2xx with `"ok": false` and this `error`.
    Refused(&'a str),
    /// Any other HTTP status, with its `Retry-After` when it had one.
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// No answer: the connection failed or the answer did not come in time.
    Unreachable,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    Done,
    /// Read the bot token from its secret again and try once more with it.
    ReadTokenAgain,
    /// Wait what Slack asked, then try again.
    WaitThenRetry(Duration),
    /// A passing failure: try again after the backoff's wait.
    Backoff,
    /// Slack asked to wait longer than the invocation has left (with what it asked).
    TooLongToWait(Duration),
    GiveUp,
}

/// What follows `answer`. `token_read_again`: the token was already read again for this post;
/// `left`: how long the invocation may still wait and try once more.
pub fn next(answer: Answer<'_>, token_read_again: bool, left: Duration) -> Next {
    match answer {
        Answer::Ok => Next::Done,
        Answer::Refused(error) if TOKEN_REFUSED.contains(&error) && !token_read_again => {
            Next::ReadTokenAgain
        }
        Answer::Refused(_) => Next::GiveUp,
        Answer::Status {
            status: 429,
            retry_after: Some(wait),
        } if wait <= left => Next::WaitThenRetry(wait),
        Answer::Status {
            status: 429,
            retry_after: Some(wait),
        } => Next::TooLongToWait(wait),
        Answer::Status {
            status: 429,
            retry_after: None,
        } => Next::Backoff,
        Answer::Status { status, .. } if status >= 500 => Next::Backoff,
        Answer::Status { .. } => Next::GiveUp,
        Answer::Unreachable => Next::Backoff,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_answers_read_the_token_again_wait_retry_or_give_up() {
        let s = Duration::from_secs;
        let status = |status, retry_after| Answer::Status {
            status,
            retry_after,
        };
        #[rustfmt::skip]
        let table = [
            (Answer::Ok, false, s(60), Next::Done),
            (Answer::Refused("invalid_auth"), false, s(60), Next::ReadTokenAgain),
            (Answer::Refused("token_revoked"), false, s(60), Next::ReadTokenAgain),
            // Once only: the token read again was refused too.
            (Answer::Refused("invalid_auth"), true, s(60), Next::GiveUp),
            (Answer::Refused("token_revoked"), true, s(60), Next::GiveUp),
            // Other refusals are not the token's: reading it again would change nothing.
            (Answer::Refused("channel_not_found"), false, s(60), Next::GiveUp),
            (Answer::Refused("missing_scope"), false, s(60), Next::GiveUp),
            (Answer::Refused("not_in_channel"), false, s(60), Next::GiveUp),
            (status(429, Some(s(1))), false, s(60), Next::WaitThenRetry(s(1))),
            (status(429, Some(s(30))), false, s(30), Next::WaitThenRetry(s(30))),
            (status(429, Some(s(31))), false, s(30), Next::TooLongToWait(s(31))),
            (status(429, Some(s(1))), false, s(0), Next::TooLongToWait(s(1))),
            (status(429, None), false, s(60), Next::Backoff),
            (status(500, None), false, s(60), Next::Backoff),
            (status(503, Some(s(5))), false, s(60), Next::Backoff),
            (status(400, None), false, s(60), Next::GiveUp),
            (status(403, None), false, s(60), Next::GiveUp),
            (status(404, None), false, s(60), Next::GiveUp),
            (Answer::Unreachable, false, s(60), Next::Backoff),
        ];
        for (answer, read_again, left, expected) in table {
            assert_eq!(
                next(answer, read_again, left),
                expected,
                "{answer:?} read again: {read_again}, {left:?} left"
            );
        }
    }
}
