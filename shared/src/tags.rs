//! The tag vocabulary (docs/interface.md, "Tags"), shared by every function.

use sha2::{Digest, Sha256};

pub const MANAGED_BY: &str = "debug-toolkit:managed-by";
pub const MANAGED_BY_VALUE: &str = "ecs-debug-toolkit";
pub const OWNER: &str = "debug-toolkit:owner";
pub const ENVIRONMENT: &str = "Environment";

pub const SUBNETS: &str = "debug-toolkit:subnets";
pub const SECURITY_GROUPS: &str = "debug-toolkit:security-groups";
pub const TASK_FAMILY: &str = "debug-toolkit:task-family";
pub const CLUSTER_ENVIRONMENT: &str = "debug-toolkit:environment";
pub const ALLOWED_USERS: &str = "debug-toolkit:allowed-users";
pub const ALLOWED_CHANNELS: &str = "debug-toolkit:allowed-channels";
pub const IDLE_TIMEOUT_MINUTES: &str = "debug-toolkit:idle-timeout-minutes";
pub const MAX_LIFETIME_MINUTES: &str = "debug-toolkit:max-lifetime-minutes";
/// What `doctor` knows of the debug task definition without reading it (a hub reads no task
/// definition): the name of its task role, recorded by `ecs-environment` with the definition that
/// names it (whose `debug-toolkit` container always has `initProcessEnabled`).
pub const TASK_ROLE: &str = "debug-toolkit:task-role";
/// The debug task definition's image (tag characters only), for `doctor`'s network check.
pub const IMAGE: &str = "debug-toolkit:image";
/// The services of the cluster `start --like` may copy (`LikeServices`): names, or `*` for any.
pub const LIKE_SERVICES: &str = "debug-toolkit:like-services";

pub const REQUESTED_BY: &str = "debug-toolkit:requested-by";
pub const CHANNEL: &str = "debug-toolkit:channel";
/// In a spoke: the hub's seal of the channel (64 hex digits), which the task's notices carry.
pub const CHANNEL_SEAL: &str = "debug-toolkit:channel-seal";
/// The service a debug task was placed like (`start --like`).
pub const LIKE_SERVICE: &str = "debug-toolkit:like-service";
pub const REASON: &str = "debug-toolkit:reason";
pub const LAUNCHED_AT: &str = "debug-toolkit:launched-at";
pub const EXPIRES_AT: &str = "debug-toolkit:expires-at";
pub const LAST_ACTIVITY: &str = "debug-toolkit:last-activity";
pub const LAST_SESSION: &str = "debug-toolkit:last-session";
/// The last state a task's channel was told about (`task-events` claims it before the post).
pub const NOTIFIED: &str = "debug-toolkit:notified";
/// Which launch request started a debug task (the request's idempotency token).
pub const REQUEST: &str = "debug-toolkit:request";

/// Prefix of every tag key this service writes; users may not set keys under it.
pub const RESERVED_PREFIX: &str = "debug-toolkit:";

/// `startedBy` of every debug task.
pub const STARTED_BY: &str = "debug-toolkit";

/// The longest tag value AWS accepts (ECS, IAM, EC2 and CloudWatch Logs alike).
pub const MAX_TAG_VALUE_LEN: usize = 256;

/// The `debug-toolkit:owner` value of one stack resource: `<StackId>/<LogicalResourceId>`.
///
/// A value longer than a tag may hold keeps its head and ends in `@sha256:` and a hash of the
/// whole, so that it stays unique and deterministic (and made only of tag characters).
pub fn owner_value(stack_id: &str, logical_resource_id: &str) -> String {
    let full = format!("{stack_id}/{logical_resource_id}");
    if full.len() <= MAX_TAG_VALUE_LEN {
        return full;
    }
    let digest = hex::encode(Sha256::digest(full.as_bytes()));
    let suffix = format!("@sha256:{}", &digest[..16]);
    let mut head_len = MAX_TAG_VALUE_LEN - suffix.len();
    while !full.is_char_boundary(head_len) {
        head_len -= 1;
    }
    format!("{}{}", &full[..head_len], suffix)
}

/// Whether AWS reserves this tag key or value: the prefix `aws:`, in any case.
pub fn has_reserved_aws_prefix(text: &str) -> bool {
    text.get(..4)
        .is_some_and(|head| head.eq_ignore_ascii_case("aws:"))
}

/// A character AWS accepts in tag keys and values: its pattern is `[\p{L}\p{Z}\p{N}_.:/=+\-@]`.
/// (Rust's `is_alphanumeric` is wider: it admits combining marks such as U+0345, which AWS
/// refuses.)
pub fn is_tag_char(c: char) -> bool {
    use unicode_general_category::{get_general_category, GeneralCategory as C};
    "_.:/=+-@".contains(c)
        || matches!(
            get_general_category(c),
            C::UppercaseLetter
                | C::LowercaseLetter
                | C::TitlecaseLetter
                | C::ModifierLetter
                | C::OtherLetter
                | C::SpaceSeparator
                | C::LineSeparator
                | C::ParagraphSeparator
                | C::DecimalNumber
                | C::LetterNumber
                | C::OtherNumber
        )
}

/// Text made safe for a tag value: characters AWS refuses in tags (anything but letters, digits,
/// spaces and `+ - = . _ : / @`) become spaces, runs of white space collapse, and the result is cut
/// to the longest value a tag may hold; a leading `aws:` (reserved by AWS) loses its colon. Nothing
/// a user types can smuggle in another tag or make the tagging call fail.
pub fn sanitise_value(text: &str) -> String {
    let mut cleaned: String = text
        .chars()
        .map(|c| if is_tag_char(c) { c } else { ' ' })
        .collect();
    loop {
        cleaned = cleaned
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(MAX_TAG_VALUE_LEN)
            .collect::<String>()
            .trim_end()
            .to_string();
        if !has_reserved_aws_prefix(&cleaned) {
            return cleaned;
        }
        cleaned.replace_range(3..4, " ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STACK: &str =
        "arn:aws:cloudformation:eu-west-1:123456789012:stack/payments/0f0e3a70-1d2b-11ef-9e2a-0a1b2c3d4e5f";

    #[test]
    fn sanitised_values_hold_only_what_tags_accept() {
        for (text, expected) in [
            ("db timeouts", "db timeouts"),
            ("  db\ttimeouts\n\n", "db timeouts"),
            ("INC-42: p99 > 2s @ 10:00", "INC-42: p99 2s @ 10:00"),
            ("\"quoted\" 'single' `tick`", "quoted single tick"),
            (
                "a,debug-toolkit:managed-by=x",
                "a debug-toolkit:managed-by=x",
            ),
            ("<!channel> ping", "channel ping"),
            ("${jndi:ldap://x}", "jndi:ldap://x"),
            ("héllo wörld 日本", "héllo wörld 日本"),
            ("emoji 🚀 here", "emoji here"),
            ("\u{202e}rtl\u{0}nul", "rtl nul"),
            ("", ""),
            ("!!!", ""),
            // Combining marks are alphabetic to Rust but not letters to AWS (\p{M} is refused).
            ("a\u{345}b", "a b"),
            // What libFuzzer found against the old predicate (U+0369, a combining mark).
            (
                "INC-42: p99 >`3s @0:00 h\u{369}llo",
                "INC-42: p99 3s @0:00 h llo",
            ),
            ("cafe\u{301}", "cafe"),
            ("\u{915}\u{93e}", "\u{915}"),
            ("no\u{a0}break", "no break"),
            ("\u{2160} \u{b2}", "\u{2160} \u{b2}"),
        ] {
            assert_eq!(sanitise_value(text), expected, "{text:?}");
        }
        let long = sanitise_value(&"ü".repeat(1000));
        assert_eq!(long.chars().count(), MAX_TAG_VALUE_LEN);
    }

    #[test]
    fn tag_characters_are_those_of_the_aws_pattern() {
        for c in [
            'a', 'Z', 'é', '日', 'ʰ', '7', '\u{2160}', '\u{b2}', ' ', '\u{a0}', '_', '.', ':', '/',
            '=', '+', '-', '@',
        ] {
            assert!(is_tag_char(c), "{c:?} (U+{:04X}) is allowed", c as u32);
        }
        for c in [
            '\u{345}', '\u{301}', '\u{93e}', '\t', '\n', '\u{0}', '\u{200b}', '\u{202e}', '!', ',',
            '"', '<', '🚀',
        ] {
            assert!(!is_tag_char(c), "{c:?} (U+{:04X}) is refused", c as u32);
        }
    }

    #[test]
    fn owner_is_stack_and_logical_id() {
        assert_eq!(owner_value(STACK, "Env"), format!("{STACK}/Env"));
    }

    #[test]
    fn long_owner_is_shortened_deterministically_and_uniquely() {
        let a = owner_value(STACK, &"A".repeat(250));
        let b = owner_value(STACK, &"A".repeat(251));
        assert_eq!(a.len(), MAX_TAG_VALUE_LEN);
        assert_eq!(a, owner_value(STACK, &"A".repeat(250)));
        assert_ne!(a, b);
        assert!(a.chars().all(is_tag_char), "{a}");
        assert!(a.contains("@sha256:"), "{a}");
    }

    #[test]
    fn the_aws_prefix_is_reserved_in_any_case() {
        for (text, reserved) in [
            ("aws:x", true),
            ("AWS:x", true),
            ("Aws:", true),
            ("aws", false),
            ("aws x", false),
            ("xaws:", false),
            ("é", false),
            ("", false),
        ] {
            assert_eq!(has_reserved_aws_prefix(text), reserved, "{text:?}");
        }
    }

    #[test]
    fn sanitised_values_never_carry_the_aws_prefix() {
        for (reason, expected) in [
            (
                "aws:cloudformation:stack-name",
                "aws cloudformation:stack-name",
            ),
            ("AWS:AWS:x", "AWS AWS:x"),
            ("  aws:x", "aws x"),
            ("\u{1}aws:x", "aws x"),
            ("aws: x", "aws x"),
            ("aws:", "aws"),
            ("see aws:x", "see aws:x"),
        ] {
            let value = sanitise_value(reason);
            assert_eq!(value, expected, "{reason:?}");
            assert!(!has_reserved_aws_prefix(&value), "{reason:?}");
        }
    }
}
