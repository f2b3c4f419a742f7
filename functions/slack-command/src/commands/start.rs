//! `start <cluster> [--like <service>] [<ttl>] [reason…]`: authorise, then hand the launch to
//! EventBridge (the launcher reads the service and refuses, naming it, when it cannot be copied).
//! A service the environment's `LikeServices` does not list is refused here already.

use super::{locate, mention, Caller, CommandError};
use crate::sites::Site;
use crate::App;
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use debug_toolkit::aws::{is_error_code, AwsError};
use debug_toolkit::duration::format_minutes;
use debug_toolkit::launch::{LaunchRequest, DEFAULT_TTL_MINUTES, DETAIL_TYPE, SOURCE};
use debug_toolkit::slack::{escape, Message};
use serde_json::json;

/// What the user asked for besides the cluster.
#[derive(Clone, Copy, Debug)]
pub struct Asked<'a> {
    pub ttl_minutes: Option<u32>,
    pub reason: &'a str,
    pub like_service: Option<&'a str>,
}

pub async fn start(
    app: &App,
    caller: &Caller<'_>,
    cluster: &str,
    asked_for: &Asked<'_>,
) -> Result<Message, CommandError> {
    let (ttl_minutes, reason) = (asked_for.ttl_minutes, asked_for.reason);
    let located = locate::allowed_cluster(app, caller, cluster).await?;
    let settings = &located.cluster;
    settings.task_family()?;
    if let Some(service) = asked_for.like_service {
        // The launcher decides again; refused here, nothing is queued.
        debug_toolkit::like_services::may_copy(settings, service)?;
    }
    let max = settings.max_lifetime_minutes(&app.config.limits);
    let asked = ttl_minutes.unwrap_or(DEFAULT_TTL_MINUTES);
    let ttl = asked.min(max);
    let request = LaunchRequest {
        cluster: settings.name.clone(),
        requested_by: caller.user.to_string(),
        channel_id: caller.channel.map(str::to_string),
        response_url: caller.response_url.map(str::to_string),
        ttl_minutes: Some(json!(ttl)),
        reason: Some(reason.to_string()).filter(|r| !r.is_empty()),
        request_id: Some(caller.request_id.to_string()),
        like_service: asked_for.like_service.map(str::to_owned),
    };
    put_launch_request(located.site, &request).await?;
    tracing::info!(cluster = %located.written(), user = caller.user, ttl, "launch request queued");
    let capped = if ttl < asked {
        format!(
            " (capped from {}: the cluster's max lifetime)",
            format_minutes(asked)
        )
    } else {
        String::new()
    };
    let like = asked_for
        .like_service
        .map(|s| format!(" placed like service `{}`", escape(s)))
        .unwrap_or_default();
    Ok(Message::new(format!(
        ":hourglass_flowing_sand: Starting a debug task on `{}`{like} for {}{capped}, requested by {}. I will post the connect command here when it is running.",
        escape(&located.written()),
        format_minutes(ttl),
        mention(caller.user),
    )))
}

/// Puts the request on the site's bus: this account's, or the spoke's (its ARN, the hub's own
/// credentials, a client in the spoke's region; the spoke's bus policy admits the hub).
async fn put_launch_request(site: &Site, request: &LaunchRequest) -> Result<(), CommandError> {
    let detail = serde_json::to_string(request).expect("a launch request serialises");
    let entry = PutEventsRequestEntry::builder()
        .event_bus_name(&site.bus)
        .source(SOURCE)
        .detail_type(DETAIL_TYPE)
        .detail(detail)
        .build();
    let output = site
        .events
        .put_events()
        .entries(entry)
        .send()
        .await
        .map_err(AwsError::of("PutEvents"))?;
    match output.entries().first() {
        Some(entry) if output.failed_entry_count() == 0 && entry.event_id().is_some() => Ok(()),
        Some(entry) => {
            // The entry's message may name the bus's ARN and account: the log has it, the
            // requester sees the code.
            tracing::warn!(
                code = entry.error_code(),
                message = entry.error_message(),
                "PutEvents did not accept the launch request"
            );
            let code = entry.error_code().filter(|c| is_error_code(c));
            Err(CommandError::NotQueued(
                code.unwrap_or("no error code").to_string(),
            ))
        }
        None => Err(CommandError::NotQueued("no entry in the answer".into())),
    }
}
