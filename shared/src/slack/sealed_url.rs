//! `response_url`s sealed by a hub (docs/interface.md, "Notices through the hub"): a launch
//! request to a spoke carries the requester's `response_url` encrypted and authenticated
//! (AES-256-GCM, a random nonce, the spoke's alias as associated data) under a key derived from
//! the hub's button key, with the time it expires (Slack takes a `response_url` for 30 minutes),
//! so the spoke never learns it and can only hand it back in its notice; the hub opens it only
//! for the spoke it was sealed for, and only until it expires.

use super::sealed::{ButtonKey, SealError};
use crate::timestamp::EpochSeconds;
use aws_lc_rs::aead::{Aad, Nonce, RandomizedNonceKey, AES_256_GCM, NONCE_LEN};
use hmac::Mac;

/// How long Slack takes a `response_url` (its docs: up to 5 times within 30 minutes).
pub const VALID_FOR_SECONDS: EpochSeconds = 30 * 60;

/// What the derived key is for (so no other use of the button key can produce it).
const PURPOSE: &str = "ecs-debug-toolkit: response_url sealed for a spoke, v1";

impl ButtonKey {
    fn url_key(&self) -> RandomizedNonceKey {
        let derived = self.mac(PURPOSE).finalize().into_bytes();
        RandomizedNonceKey::new(&AES_256_GCM, &derived).expect("HMAC-SHA256 gives 32 bytes")
    }

    /// `url` sealed for the spoke `alias` at `now`: hex of nonce, ciphertext and tag, the
    /// plaintext being `<expiry>\n<url>`.
    pub fn seal_url(&self, url: &str, alias: &str, now: EpochSeconds) -> String {
        let mut data = format!("{}\n{url}", now + VALID_FOR_SECONDS).into_bytes();
        let nonce = self
            .url_key()
            .seal_in_place_append_tag(Aad::from(alias.as_bytes()), &mut data)
            .expect("sealing a short text cannot fail");
        let mut out = nonce.as_ref().to_vec();
        out.extend_from_slice(&data);
        hex::encode(out)
    }

    /// The `response_url` in `sealed`, when this key sealed it for `alias` and it has not expired
    /// at `now`.
    pub fn open_url(
        &self,
        sealed: &str,
        alias: &str,
        now: EpochSeconds,
    ) -> Result<String, SealError> {
        let bytes = hex::decode(sealed).map_err(|_| SealError::Unsealed)?;
        if bytes.len() <= NONCE_LEN {
            return Err(SealError::Unsealed);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError::Unsealed)?;
        let mut data = sealed.to_vec();
        let opened = self
            .url_key()
            .open_in_place(nonce, Aad::from(alias.as_bytes()), &mut data)
            .map_err(|_| SealError::Forged)?;
        let text = String::from_utf8(opened.to_vec()).map_err(|_| SealError::Forged)?;
        let (expiry, url) = text.split_once('\n').ok_or(SealError::Forged)?;
        let expiry: EpochSeconds = expiry.parse().map_err(|_| SealError::Forged)?;
        if now > expiry {
            return Err(SealError::Expired);
        }
        Ok(url.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://hooks.slack.com/commands/T0/1/abc";
    const NOW: EpochSeconds = 1_795_000_000;

    #[test]
    fn a_sealed_url_opens_for_its_spoke_only_and_hides_the_url() {
        let key = ButtonKey::new(b"0123456789abcdef0123456789abcdef-hub").unwrap();
        let other = ButtonKey::new(b"another hub's key, thirty-two bytes or more").unwrap();
        let sealed = key.seal_url(URL, "prod", NOW);
        assert!(!sealed.contains("hooks"));
        assert_ne!(
            sealed,
            key.seal_url(URL, "prod", NOW),
            "a fresh nonce each time"
        );
        assert_eq!(key.open_url(&sealed, "prod", NOW).as_deref(), Ok(URL));
        let expiry = NOW + VALID_FOR_SECONDS;
        assert_eq!(key.open_url(&sealed, "prod", expiry).as_deref(), Ok(URL));
        assert_eq!(
            key.open_url(&sealed, "prod", expiry + 1),
            Err(SealError::Expired)
        );
        let mut flipped = sealed.clone();
        let last = if sealed.ends_with('0') { "1" } else { "0" };
        flipped.replace_range(sealed.len() - 1.., last);
        for (forged, alias, why) in [
            (sealed.as_str(), "staging", SealError::Forged),
            (flipped.as_str(), "prod", SealError::Forged),
            (&sealed[..20], "prod", SealError::Unsealed),
            ("not hex", "prod", SealError::Unsealed),
            ("", "prod", SealError::Unsealed),
        ] {
            assert_eq!(
                key.open_url(forged, alias, NOW),
                Err(why),
                "{forged:?} for {alias}"
            );
        }
        assert_eq!(other.open_url(&sealed, "prod", NOW), Err(SealError::Forged));
    }
}
