//! Putting one event on a bus of ours (the launch request, a spoke's notice): a `PutEvents` of one
//! entry whose answer is read entry by entry, as EventBridge reports a refused entry in a
//! successful response.

use crate::aws::{is_error_code, AwsError};
use aws_sdk_eventbridge::types::PutEventsRequestEntry;

#[derive(Debug, thiserror::Error)]
pub enum PutError {
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// The entry was refused (its error code, or words of ours when it has none).
    #[error("the event was not accepted on the bus ({0})")]
    NotAccepted(String),
}

/// Puts one event (`detail` as JSON text) on `bus` (a name or an ARN).
pub async fn put_one(
    events: &aws_sdk_eventbridge::Client,
    bus: &str,
    (source, detail_type): (&str, &str),
    detail: String,
) -> Result<(), PutError> {
    let entry = PutEventsRequestEntry::builder()
        .event_bus_name(bus)
        .source(source)
        .detail_type(detail_type)
        .detail(detail)
        .build();
    let output = events
        .put_events()
        .entries(entry)
        .send()
        .await
        .map_err(AwsError::of("PutEvents"))?;
    match output.entries().first() {
        Some(entry) if output.failed_entry_count() == 0 && entry.event_id().is_some() => Ok(()),
        Some(entry) => {
            // The entry's message may name the bus's ARN and account: logged, not told.
            tracing::warn!(
                code = entry.error_code(),
                message = entry.error_message(),
                detail_type,
                "PutEvents did not accept the event"
            );
            let code = entry.error_code().filter(|c| is_error_code(c));
            Err(PutError::NotAccepted(
                code.unwrap_or("no error code").to_string(),
            ))
        }
        None => Err(PutError::NotAccepted("no entry in the answer".into())),
    }
}
