//! CloudFormation custom-resource responses: the body (with its size rules) and the PUT to the
//! presigned `ResponseURL` (retried, never logged with its query string).

mod response;
mod response_url;
mod sender;

pub use response::{Outcome, RequestIdentity, ResponseBody, MAX_BODY_BYTES};
pub use response_url::ResponseUrl;
pub use sender::{ResponseSender, SendError};
