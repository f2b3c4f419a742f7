//! `start <cluster> [--like <service>] [<ttl>] [reason…]`: authorise, then hand the launch to
//! EventBridge (the launcher reads the service and refuses, naming it, when it cannot be copied).
//! A service the environment's `LikeServices` does not list is refused here already.

use super::{locate, mention, Caller, CommandError};
use crate::sites::Site;
use crate::App;
use debug_toolkit::bus::{put_one, PutError};
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
    let WayBack {
        response_url,
        sealed_response_url,
        channel_seal,
    } = way_back(app, located.site, caller).await;
    let request = LaunchRequest {
        cluster: settings.name.clone(),
        requested_by: caller.user.to_string(),
        channel_id: caller.channel.map(str::to_string),
        response_url,
        sealed_response_url,
        channel_seal,
        requester_groups: requester_groups(app, &located, caller.user).await,
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

/// How the launcher's reply and the task's notices find their way back to the requester.
#[derive(Debug, Default)]
struct WayBack {
    response_url: Option<String>,
    sealed_response_url: Option<String>,
    channel_seal: Option<String>,
}

/// In one account, the requester's `response_url` as it is. In a spoke (which never sees it), the
/// `response_url` sealed for that spoke with the hub's key, and the hub's seal of the channel
/// (the hub posts the spoke's notices in no other); without a key, neither (nothing the spoke
/// sends back is then posted).
async fn way_back(app: &App, site: &Site, caller: &Caller<'_>) -> WayBack {
    let Some(alias) = &site.alias else {
        let response_url = caller.response_url.map(str::to_string);
        return WayBack {
            response_url,
            ..WayBack::default()
        };
    };
    match crate::seal::key(app).await {
        Ok(Some(key)) => WayBack {
            response_url: None,
            sealed_response_url: caller
                .response_url
                .map(|url| key.seal_url(url, alias, debug_toolkit::timestamp::now())),
            channel_seal: caller.channel.map(|c| key.seal_channel(alias, c)),
        },
        Ok(None) => WayBack::default(),
        Err(error) => {
            tracing::error!(%error, "the button key cannot be read: no way back is sealed for the spoke");
            WayBack::default()
        }
    }
}

/// In a spoke (which holds no bot token): the cluster's user groups the requester is in, as read
/// here for the authorisation (from the cache it just filled).
async fn requester_groups(app: &App, located: &locate::Located<'_>, user: &str) -> Vec<String> {
    if located.site.alias.is_none() {
        return Vec::new();
    }
    let wanted = located.cluster.user_groups();
    let members = app.groups.members(&app.slack, &wanted).await;
    wanted
        .into_iter()
        .filter(|g| matches!(members.get(*g), Some(Ok(m)) if m.contains(user)))
        .map(str::to_string)
        .collect()
}

/// Puts the request on the site's bus: this account's, or the spoke's (as the spoke's role, with
/// a client in the spoke's region: a same-account PutEvents).
async fn put_launch_request(site: &Site, request: &LaunchRequest) -> Result<(), CommandError> {
    let detail = serde_json::to_string(request).expect("a launch request serialises");
    put_one(&site.events, &site.bus, (SOURCE, DETAIL_TYPE), detail)
        .await
        .map_err(|error| match error {
            PutError::Aws(aws) => aws.into(),
            PutError::NotAccepted(code) => CommandError::NotQueued(code),
        })
}
