//! Button values sealed in a hub (docs/interface.md, "Buttons"; issue 36 item 5): a button's
//! `value` is `<value>.<hmac>`, the HMAC-SHA256 of the value under a key only the hub holds (hex,
//! 64 digits), so a value that a spoke or anyone else made up names no task the hub will act on.
//! One account (no key): values are as built. The one place values are sealed and opened.

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

/// `SLACK_BUTTON_KEY` or `SLACK_BUTTON_KEY_ARN`: a hub's key (unset: one account, no seals).
pub const KEY_VARIABLES: (&str, &str) = ("SLACK_BUTTON_KEY", "SLACK_BUTTON_KEY_ARN");
/// The key's name when its secret holds a JSON object.
pub const KEY_JSON_KEY: &str = "buttonKey";

/// The hub's key from its secret; `Ok(None)` when none is configured (one account).
pub async fn read_key(
    cell: &crate::secrets::SecretCell,
    client: &aws_sdk_secretsmanager::Client,
) -> Result<Option<ButtonKey>, String> {
    if !cell.source().is_configured() {
        return Ok(None);
    }
    let secret = cell.get(client).await.map_err(|e| e.to_string())?;
    ButtonKey::new(secret.expose().as_bytes())
        .map(Some)
        .map_err(|e| e.to_string())
}

/// The shortest key accepted (the hub stack's secret has 64 characters).
pub const MIN_KEY_LEN: usize = 32;
const TAG_HEX_LEN: usize = 64;

/// The hub's button key.
#[derive(Clone)]
pub struct ButtonKey(Vec<u8>);

impl std::fmt::Debug for ButtonKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ButtonKey(redacted)")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the button key is shorter than {MIN_KEY_LEN} bytes")]
    ShortKey,
    #[error("the button's value carries no seal of this hub")]
    Unsealed,
    #[error("the button's value has a seal this hub did not make")]
    Forged,
    #[error("the sealed response_url has expired (Slack takes a response_url for 30 minutes)")]
    Expired,
}

impl ButtonKey {
    pub fn new(key: &[u8]) -> Result<Self, SealError> {
        if key.len() < MIN_KEY_LEN {
            return Err(SealError::ShortKey);
        }
        Ok(Self(key.to_vec()))
    }

    pub(crate) fn mac(&self, value: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(value.as_bytes());
        mac
    }

    /// `<value>.<hmac>`.
    pub fn seal(&self, value: &str) -> String {
        let tag = hex::encode(self.mac(value).finalize().into_bytes());
        format!("{value}.{tag}")
    }

    /// The value a sealed value carries, when its HMAC is this key's (compared in constant time).
    pub fn open<'a>(&self, sealed: &'a str) -> Result<&'a str, SealError> {
        let (value, tag) = sealed.rsplit_once('.').ok_or(SealError::Unsealed)?;
        if tag.len() != TAG_HEX_LEN {
            return Err(SealError::Unsealed);
        }
        let tag = hex::decode(tag).map_err(|_| SealError::Unsealed)?;
        self.mac(value)
            .verify_slice(&tag)
            .map(|()| value)
            .map_err(|_| SealError::Forged)
    }

    /// The seal of `channel` for the spoke `alias` (64 hex digits): proof that a request of this
    /// hub came from that channel, which the spoke's notices about the task hand back.
    pub fn seal_channel(&self, alias: &str, channel: &str) -> String {
        hex::encode(
            self.mac(&channel_text(alias, channel))
                .finalize()
                .into_bytes(),
        )
    }

    /// Whether `seal` is this key's seal of `channel` for `alias` (compared in constant time).
    pub fn opens_channel(&self, alias: &str, channel: &str, seal: &str) -> bool {
        let Ok(tag) = hex::decode(seal) else {
            return false;
        };
        tag.len() == TAG_HEX_LEN / 2
            && self
                .mac(&channel_text(alias, channel))
                .verify_slice(&tag)
                .is_ok()
    }

    /// Seals the value of every button in `blocks` (Block Kit `actions` elements).
    pub fn seal_blocks(&self, blocks: &mut [Value]) {
        for block in blocks {
            let Some(elements) = block.get_mut("elements").and_then(Value::as_array_mut) else {
                continue;
            };
            for element in elements {
                if element["type"] != "button" {
                    continue;
                }
                if let Some(value) = element.get("value").and_then(Value::as_str) {
                    element["value"] = Value::String(self.seal(value));
                }
            }
        }
    }
}

/// What a channel seal is the HMAC of: a text no button value can be (values have no newline).
fn channel_text(alias: &str, channel: &str) -> String {
    format!("channel\n{alias}\n{channel}")
}

/// A button's value as the commands read it: opened with the hub's key, or as sent without one.
pub fn open_value<'a>(key: Option<&ButtonKey>, value: &'a str) -> Result<&'a str, SealError> {
    match key {
        Some(key) => key.open(value),
        None => Ok(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef-hub";

    #[test]
    fn a_sealed_value_opens_to_itself_and_nothing_else_does() {
        let key = ButtonKey::new(KEY).unwrap();
        let other = ButtonKey::new(b"another hub's key, thirty-two bytes or more").unwrap();
        let value = "prod/payments/0123456789abcdef0123456789abcdef";
        let sealed = key.seal(value);
        assert_eq!(sealed.len(), value.len() + 1 + 64);
        assert_eq!(key.open(&sealed), Ok(value));
        let (_, tag) = sealed.rsplit_once('.').unwrap();
        let mut flipped = tag.to_string();
        flipped.replace_range(0..1, if tag.starts_with('0') { "1" } else { "0" });
        for (forged, why) in [
            (value.to_string(), SealError::Unsealed),
            (format!("{value}."), SealError::Unsealed),
            (format!("{value}.{}", &tag[..63]), SealError::Unsealed),
            (format!("{value}.{}", "z".repeat(64)), SealError::Unsealed),
            (format!("{value}.{flipped}"), SealError::Forged),
            // Another spoke's task under this task's seal.
            (
                format!("staging/payments/0123456789abcdef0123456789abcdef.{tag}"),
                SealError::Forged,
            ),
            (other.seal(value), SealError::Forged),
            (String::new(), SealError::Unsealed),
        ] {
            assert_eq!(key.open(&forged), Err(why), "{forged:?}");
        }
    }

    #[test]
    fn a_channel_seal_opens_for_its_spoke_and_channel_only() {
        let key = ButtonKey::new(KEY).unwrap();
        let seal = key.seal_channel("prod", "C0DEBUG");
        assert_eq!(seal.len(), 64);
        assert!(key.opens_channel("prod", "C0DEBUG", &seal));
        for (alias, channel, seal) in [
            ("staging", "C0DEBUG", seal.as_str()),
            ("prod", "C0GENERAL", seal.as_str()),
            ("prod", "C0DEBUG", &seal[..63]),
            ("prod", "C0DEBUG", ""),
            ("prod", "C0DEBUG", "not hex"),
        ] {
            assert!(
                !key.opens_channel(alias, channel, seal),
                "{alias} {channel} {seal}"
            );
        }
        // A button value's seal is no channel seal.
        let value = key.seal("prod/C0DEBUG");
        assert!(!key.opens_channel("prod", "C0DEBUG", value.rsplit_once('.').unwrap().1));
    }

    #[test]
    fn one_account_reads_values_as_sent() {
        assert_eq!(open_value(None, "payments/abc"), Ok("payments/abc"));
        let key = ButtonKey::new(KEY).unwrap();
        assert_eq!(
            open_value(Some(&key), "payments/abc"),
            Err(SealError::Unsealed)
        );
        assert_eq!(
            open_value(Some(&key), &key.seal("payments/abc")),
            Ok("payments/abc")
        );
    }

    #[test]
    fn short_keys_are_refused_and_keys_are_never_printed() {
        assert_eq!(ButtonKey::new(b"short").unwrap_err(), SealError::ShortKey);
        let key = ButtonKey::new(KEY).unwrap();
        assert!(!format!("{key:?}").contains("0123"));
    }

    #[test]
    fn every_button_of_a_message_is_sealed_and_nothing_else() {
        let key = ButtonKey::new(KEY).unwrap();
        let mut blocks = vec![
            json!({"type": "section", "text": {"type": "mrkdwn", "text": "a.b"}}),
            crate::slack::buttons::actions(
                "prod/payments",
                "abc",
                crate::slack::buttons::Place::Message,
            ),
        ];
        key.seal_blocks(&mut blocks);
        assert_eq!(blocks[0]["text"]["text"], "a.b");
        for element in blocks[1]["elements"].as_array().unwrap() {
            let value = element["value"].as_str().unwrap();
            assert_eq!(key.open(value), Ok("prod/payments/abc"));
        }
    }
}
