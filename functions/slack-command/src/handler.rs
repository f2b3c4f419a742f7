//! One Function URL request: size, signature, then the command, answered within Slack's 3 s.

use crate::budget::{budget_left, epoch_millis};
use crate::commands::{self, Caller, CommandError};
use crate::form::SlashCommand;
use crate::grammar;
use crate::http::{BodyError, HttpReply, IncomingRequest};
use crate::signature::{self, SignatureError};
use crate::teams::other_workspace;
use crate::App;
use debug_toolkit::slack::{escape, Message};
use debug_toolkit::timestamp::EpochSeconds;
use serde_json::Value;
use std::time::Instant;
use tokio::time::timeout_at;

pub async fn handle(app: &App, event: Value, now: EpochSeconds) -> HttpReply {
    let request = match IncomingRequest::parse(event) {
        Ok(request) => request,
        Err(error) => {
            tracing::warn!(%error, "not a Function URL request");
            return HttpReply::text(400, "not a Function URL request");
        }
    };
    let deadline = Instant::now() + budget_left(request.arrived_ms(), epoch_millis());
    if !request.method().eq_ignore_ascii_case("POST") {
        return HttpReply::text(405, "slash commands are POSTed");
    }
    let body = match request.raw_body() {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            tracing::warn!("request refused: body too large");
            return HttpReply::text(413, "request body too large");
        }
        Err(error @ BodyError::NotBase64) => {
            tracing::warn!(%error, "request refused");
            return HttpReply::text(400, "malformed body");
        }
    };
    let secret = match app.signing_secret.get(&app.secrets_manager).await {
        Ok(secret) => secret,
        Err(error) => {
            tracing::error!(%error, "cannot verify Slack requests without the signing secret; refusing every request");
            return HttpReply::text(500, "the signing secret is not configured");
        }
    };
    let verify = |secret: &_| {
        signature::verify(
            secret,
            request.header("x-slack-request-timestamp"),
            request.header("x-slack-signature"),
            &body,
            now,
        )
    };
    let mut verified = verify(&secret);
    if verified == Err(SignatureError::Mismatch) {
        // Perhaps the secret was rotated since this instance read it: one fresh read decides.
        if let Some(renewed) = app
            .signing_secret
            .renewed(&app.secrets_manager, &secret)
            .await
        {
            tracing::info!("the signing secret changed since it was read; using the new value");
            verified = verify(&renewed);
        }
    }
    if let Err(why) = verified {
        tracing::warn!(reason = %why, source_ip = ?request.request.request_context.http.source_ip, "request refused: not signed by Slack");
        return HttpReply::text(401, "invalid Slack signature");
    }
    if let Some(reply) = crate::click::from_body(app, &body, now, deadline).await {
        return reply;
    }
    let message = match SlashCommand::parse(&body) {
        Ok(form) => {
            let message = answer(app, &request, &form, now, deadline).await;
            crate::seal::sealed(app, message).await
        }
        Err(error) => {
            tracing::warn!(%error, "signed request is not a slash command");
            Message::new(":warning: That request was not a slash command I can read.")
        }
    };
    HttpReply::json(200, &message.ephemeral())
}

async fn answer(
    app: &App,
    request: &IncomingRequest,
    form: &SlashCommand,
    now: EpochSeconds,
    deadline: Instant,
) -> Message {
    let request_id = if form.trigger_id.is_empty() {
        request.request_id()
    } else {
        form.trigger_id.as_str()
    };
    let name = commands::command_name(&form.command);
    if !app
        .config
        .allowed_teams
        .admits_command(&form.team_id, form.enterprise())
    {
        tracing::warn!(team = %form.team_id, enterprise = ?form.enterprise(), user = %form.user_id, "command refused: its workspace is not in SLACK_TEAM_IDS");
        return other_workspace();
    }
    let caller = Caller {
        user: &form.user_id,
        channel: form.channel(),
        response_url: form.response_url(),
        request_id,
        command: name,
    };
    let command = match grammar::parse(&form.text) {
        Ok(command) => command,
        Err(error) => return CommandError::from(error).message(name),
    };
    let verb = command.verb();
    let outcome = timeout_at(deadline.into(), commands::run(app, &caller, command, now)).await;
    match outcome {
        Ok(Ok(message)) => {
            tracing::info!(verb, user = caller.user, channel = ?caller.channel, "command answered");
            message
        }
        Ok(Err(error)) => {
            tracing::warn!(verb, user = caller.user, channel = ?caller.channel, %error, "command refused or failed");
            error.message(name)
        }
        Err(_) => {
            tracing::error!(
                verb,
                user = caller.user,
                "command did not finish within Slack's time limit"
            );
            Message::new(format!(
                ":warning: AWS did not answer in time, so I cannot tell whether `{verb}` took effect. Run `{} list` in a minute to see.",
                escape(name)
            ))
        }
    }
}
