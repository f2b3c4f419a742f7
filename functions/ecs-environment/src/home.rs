//! Where the function runs: its partition, region and account. `verify::origin` reads it from the
//! invoked function's ARN and admits only stacks of the same place; `spec::home` decides which
//! resource ARNs an environment may name from it.

/// The function's partition, region and account (a verified request's stack is in the same).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Home {
    pub partition: String,
    pub region: String,
    pub account: String,
}
