//! The Slack id rules (docs/interface.md): what `AllowedSlackUsers`/`AllowedSlackChannels` accept,
//! and what a launch request or a mention may carry.

/// A user id for `AllowedSlackUsers`: U or W, then upper-case letters and digits, 3–24 characters.
pub fn is_user_id(id: &str) -> bool {
    is_id(id, &['U', 'W'])
}

/// A user group id (`S…`), which `AllowedSlackUsers` may also hold: its members are admitted.
pub fn is_user_group_id(id: &str) -> bool {
    is_id(id, &['S'])
}

/// What `AllowedSlackUsers` accepts: user ids and user group ids.
pub fn is_user_or_group_id(id: &str) -> bool {
    is_user_id(id) || is_user_group_id(id)
}

/// A channel id for `AllowedSlackChannels`: C, G or D, then upper-case letters and digits.
pub fn is_channel_id(id: &str) -> bool {
    is_id(id, &['C', 'G', 'D'])
}

fn is_id(id: &str, first: &[char]) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| first.contains(&c))
        && (3..=24).contains(&id.len())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// An id as a launch request or a mention may carry it (events may come from other tools): 1–64
/// letters and digits, nothing that could break out of a tag or a message.
pub fn is_plain_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        for id in ["S0614TZR7", "S012AB"] {
            assert!(is_user_group_id(id) && is_user_or_group_id(id) && !is_user_id(id));
        }
        assert!(!is_user_group_id("U012ABCDEF") && is_user_or_group_id("U012ABCDEF"));
        assert!(!is_user_or_group_id("C0123") && !is_user_group_id("s0123"));
        for (id, user, channel, plain) in [
            ("U012ABCDEF", true, false, true),
            ("W0G1", true, false, true),
            ("C0123", false, true, true),
            ("D0123", false, true, true),
            ("U01 x", false, false, false),
            ("u012abc", false, false, true),
            ("U1", false, false, true),
            ("<!channel>", false, false, false),
            ("", false, false, false),
        ] {
            assert_eq!(
                (is_user_id(id), is_channel_id(id), is_plain_id(id)),
                (user, channel, plain),
                "{id:?}"
            );
        }
    }
}
