//! Whatever a user types into a tag value: the result is a value AWS accepts — at most 256
//! characters matching AWS's tag pattern `^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`, checked with that
//! pattern itself as a Unicode regex (an oracle independent of the code under test) — with no
//! leading, trailing or doubled spaces, and sanitising is idempotent.
#![no_main]

use debug_toolkit::tags::{sanitise_value, MAX_TAG_VALUE_LEN};
use libfuzzer_sys::fuzz_target;
use regex::Regex;
use std::sync::LazyLock;

static AWS_TAG_VALUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$").expect("the pattern"));

fuzz_target!(|text: &str| {
    let value = sanitise_value(text);
    assert!(value.chars().count() <= MAX_TAG_VALUE_LEN);
    assert!(
        AWS_TAG_VALUE.is_match(&value),
        "{text:?} → {value:?}, which AWS refuses"
    );
    assert!(!value.starts_with(' ') && !value.ends_with(' ') && !value.contains("  "));
    assert_eq!(sanitise_value(&value), value);
});
