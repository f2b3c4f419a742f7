//! Durations as users type them (`45m`, `2h`, `1h30m`): never a panic, accepted values within a
//! week, and what we print parses back to the same value.
#![no_main]

use debug_toolkit::duration::{format_minutes, parse_minutes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(minutes) = parse_minutes(text) {
        assert!((1..=7 * 24 * 60).contains(&minutes), "{text:?} → {minutes}");
        assert_eq!(parse_minutes(&format_minutes(minutes)).ok(), Some(minutes));
    }
});
