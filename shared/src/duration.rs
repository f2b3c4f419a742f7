//! Durations as people type them in Slack: `45m`, `2h`, `1h30m`.

/// The longest duration the grammar accepts (a week); clusters cap lifetimes well below it.
pub const MAX_MINUTES: u32 = 7 * 24 * 60;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("`{0}` is not a duration: use minutes and hours like 45m, 2h or 1h30m")]
    Malformed(String),
    #[error("a duration must be longer than zero")]
    Zero,
    #[error("`{0}` is longer than a week")]
    TooLong(String),
}

/// Parses `<h>h`, `<m>m` or `<h>h<m>m` (case-insensitive) into minutes.
pub fn parse_minutes(text: &str) -> Result<u32, DurationError> {
    let malformed = || DurationError::Malformed(shorten(text));
    let lower = text.to_ascii_lowercase();
    let (hours, rest) = match lower.split_once('h') {
        Some((hours, rest)) => (Some(number(hours).ok_or_else(malformed)?), rest),
        None => (None, lower.as_str()),
    };
    let minutes = match rest {
        "" if hours.is_some() => None,
        _ => Some(
            rest.strip_suffix('m')
                .and_then(number)
                .ok_or_else(malformed)?,
        ),
    };
    let total = hours.unwrap_or(0) * 60 + minutes.unwrap_or(0);
    match total {
        0 => Err(DurationError::Zero),
        t if t > u64::from(MAX_MINUTES) => Err(DurationError::TooLong(shorten(text))),
        t => Ok(t as u32),
    }
}

/// `90` → `1h30m`, `45` → `45m`, `120` → `2h`.
pub fn format_minutes(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m}m"),
    }
}

/// At most six ASCII digits (so no overflow and no sign, space or unicode digit).
fn number(digits: &str) -> Option<u64> {
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Error messages quote at most 20 characters of what was typed.
fn shorten(text: &str) -> String {
    crate::text::shorten(text, 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        for (text, minutes) in [
            ("45m", 45),
            ("2h", 120),
            ("1h30m", 90),
            ("1H30M", 90),
            ("0h5m", 5),
            ("90m", 90),
            ("168h", MAX_MINUTES),
            ("007m", 7),
        ] {
            assert_eq!(parse_minutes(text), Ok(minutes), "{text}");
        }
    }

    #[test]
    fn refused_forms() {
        for text in [
            "", "h", "m", "hm", "45", "1h30", "1m30h", "-5m", "+5m", "1.5h", "5 m", " 5m", "5m ",
            "1h1h", "1h30m5s", "٣m", "５m", "1h-30m", "9999999m", "1d", "h30m", "30mm",
        ] {
            assert!(
                matches!(parse_minutes(text), Err(DurationError::Malformed(_))),
                "{text:?} → {:?}",
                parse_minutes(text)
            );
        }
    }

    #[test]
    fn zero_and_too_long() {
        assert_eq!(parse_minutes("0m"), Err(DurationError::Zero));
        assert_eq!(parse_minutes("0h0m"), Err(DurationError::Zero));
        assert!(matches!(
            parse_minutes("169h"),
            Err(DurationError::TooLong(_))
        ));
        assert!(matches!(
            parse_minutes("999999h"),
            Err(DurationError::TooLong(_))
        ));
    }

    #[test]
    fn long_input_is_quoted_short() {
        let text = "x".repeat(10_000);
        let message = parse_minutes(&text).unwrap_err().to_string();
        assert!(message.len() < 120, "{message}");
    }

    #[test]
    fn formatting_round_trips() {
        for minutes in [1, 45, 60, 90, 240, 1439, MAX_MINUTES] {
            assert_eq!(parse_minutes(&format_minutes(minutes)), Ok(minutes));
        }
        assert_eq!(format_minutes(90), "1h30m");
    }
}
