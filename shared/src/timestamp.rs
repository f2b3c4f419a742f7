//! RFC 3339 UTC timestamps, as the tags hold them (`2026-11-28T11:00:00Z`).

use std::time::{SystemTime, UNIX_EPOCH};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Seconds since the Unix epoch.
pub type EpochSeconds = i64;

pub fn now() -> EpochSeconds {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `2026-11-28T11:00:00Z` (whole seconds, UTC).
pub fn format(seconds: EpochSeconds) -> String {
    OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}

/// Any RFC 3339 timestamp (offsets and fractions allowed) to whole seconds; `None` if malformed.
pub fn parse(text: &str) -> Option<EpochSeconds> {
    OffsetDateTime::parse(text.trim(), &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

/// `95` seconds → `1m`, `7260` → `2h1m` (minutes are the finest unit shown).
pub fn describe_span(seconds: i64) -> String {
    crate::duration::format_minutes((seconds.max(0) / 60).min(u32::MAX as i64) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_utc() {
        assert_eq!(format(1_795_000_000), "2026-11-18T11:06:40Z");
        assert_eq!(parse("2026-11-18T11:06:40Z"), Some(1_795_000_000));
        assert_eq!(parse("2026-11-18T13:06:40.123+02:00"), Some(1_795_000_000));
    }

    #[test]
    fn malformed_is_none() {
        for text in [
            "",
            "yesterday",
            "2026-11-18",
            "1795000000",
            "2026-13-01T00:00:00Z",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
