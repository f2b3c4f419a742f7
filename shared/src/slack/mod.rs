//! Talking to Slack: message building, the `response_url` allow-list and the HTTP client.

pub mod buttons;
pub mod client;
pub mod decide;
pub mod groups;
pub mod message;
pub mod notifier;
pub mod response_url;
pub mod sealed;
pub mod sealed_url;
pub mod stop_reason;

pub use client::{SlackClient, SlackError};
pub use message::{escape, Message};
pub use notifier::{Notifier, NotifyError};
pub use response_url::{redact, ResponseUrlPolicy};
