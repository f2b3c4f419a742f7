//! Slack's v0 request signature: `v0=` + hex(HMAC-SHA256(secret, `v0:<timestamp>:<raw body>`)),
//! compared in constant time, with timestamps more than five minutes away refused.

use debug_toolkit::secrets::Secret;
use debug_toolkit::timestamp::EpochSeconds;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a request's timestamp may be from now, either way.
pub const WINDOW_SECONDS: i64 = 300;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the X-Slack-Request-Timestamp header is missing")]
    MissingTimestamp,
    #[error("the X-Slack-Signature header is missing")]
    MissingSignature,
    #[error("the request timestamp is not a number")]
    MalformedTimestamp,
    #[error("the request timestamp is more than {WINDOW_SECONDS} s away from now")]
    Stale,
    #[error("the signature is not of the form v0=<64 hex digits>")]
    MalformedSignature,
    #[error("the signature does not match")]
    Mismatch,
}

/// Checks one request. `timestamp` and `signature` are the raw header values.
pub fn verify(
    secret: &Secret,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: EpochSeconds,
) -> Result<(), SignatureError> {
    let timestamp = timestamp.ok_or(SignatureError::MissingTimestamp)?;
    let signature = signature.ok_or(SignatureError::MissingSignature)?;
    let sent_at: i64 = timestamp
        .parse()
        .map_err(|_| SignatureError::MalformedTimestamp)?;
    if now.abs_diff(sent_at) > WINDOW_SECONDS as u64 {
        return Err(SignatureError::Stale);
    }
    let digest = signature
        .strip_prefix("v0=")
        .filter(|hex| hex.len() == 64)
        .and_then(|hex| hex::decode(hex).ok())
        .ok_or(SignatureError::MalformedSignature)?;
    mac(secret, timestamp, body)
        .verify_slice(&digest)
        .map_err(|_| SignatureError::Mismatch)
}

/// The signature Slack would send (also what tests sign with).
pub fn sign(secret: &Secret, timestamp: &str, body: &[u8]) -> String {
    format!(
        "v0={}",
        hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
    )
}

fn mac(secret: &Secret, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: EpochSeconds = 1_795_000_000;

    fn secret() -> Secret {
        Secret::new("8f742231b10e8888abcd99yyyzzz85a5")
    }

    #[test]
    fn slacks_documented_example_verifies() {
        // From Slack's "Verifying requests from Slack" guide.
        let body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        let signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
        assert_eq!(sign(&secret(), "1531420618", body), signature);
        assert_eq!(
            verify(
                &secret(),
                Some("1531420618"),
                Some(signature),
                body,
                1_531_420_618 + 10
            ),
            Ok(())
        );
    }

    #[test]
    fn every_way_of_failing() {
        let body = b"text=start+payments-dev";
        let ts = NOW.to_string();
        let good = sign(&secret(), &ts, body);
        let check = |ts: Option<&str>, sig: Option<&str>, body: &[u8], now| {
            verify(&secret(), ts, sig, body, now)
        };
        assert_eq!(check(Some(&ts), Some(&good), body, NOW), Ok(()));
        assert_eq!(check(Some(&ts), Some(&good), body, NOW + 300), Ok(()));
        assert_eq!(check(Some(&ts), Some(&good), body, NOW - 300), Ok(()));
        use SignatureError::*;
        let last = if good.ends_with('0') { '1' } else { '0' };
        let flipped = format!("{}{last}", &good[..good.len() - 1]);
        let upper = good.to_uppercase().replacen("V0=", "v0=", 1);
        type Case<'a> = (
            Option<&'a str>,
            Option<&'a str>,
            &'a [u8],
            EpochSeconds,
            SignatureError,
        );
        let cases: Vec<Case> = vec![
            (None, Some(&good), body, NOW, MissingTimestamp),
            (Some(&ts), None, body, NOW, MissingSignature),
            (Some("abc"), Some(&good), body, NOW, MalformedTimestamp),
            (Some(""), Some(&good), body, NOW, MalformedTimestamp),
            (Some(&ts), Some(&good), body, NOW + 301, Stale),
            (Some(&ts), Some(&good), body, NOW - 301, Stale),
            (Some("-9223372036854775808"), Some(&good), body, NOW, Stale),
            (Some(&ts), Some("v1=abc"), body, NOW, MalformedSignature),
            (Some(&ts), Some(&good[3..]), body, NOW, MalformedSignature),
            (Some(&ts), Some("v0=zz"), body, NOW, MalformedSignature),
            (Some(&ts), Some(&flipped), body, NOW, Mismatch),
            (
                Some(&ts),
                Some(&good),
                b"text=start+payments-prod",
                NOW,
                Mismatch,
            ),
            (Some(&ts), Some(&good), b"", NOW, Mismatch),
        ];
        for (ts, sig, body, now, expected) in cases {
            assert_eq!(check(ts, sig, body, now), Err(expected), "{ts:?} {sig:?}");
        }
        // Hex digits in upper case decode to the same bytes: still the right signature.
        assert_eq!(check(Some(&ts), Some(&upper), body, NOW), Ok(()));
        let other_secret = Secret::new("another");
        assert_eq!(
            verify(&other_secret, Some(&ts), Some(&good), body, NOW),
            Err(Mismatch)
        );
    }
}
