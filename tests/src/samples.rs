//! The real-shaped sample events of `events/` (the ones `cargo lambda invoke` takes too), read as
//! the suites send them: `sample("task-events/execute-command")`.

use serde_json::Value;
use std::path::Path;

pub fn sample(name: &str) -> Value {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../events")
        .join(format!("{name}.json"));
    let text =
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("sample {}: {e}", file.display()));
    serde_json::from_str(&text).expect("samples are JSON")
}
