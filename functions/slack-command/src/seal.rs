//! The hub's button key at work (docs/interface.md, "Buttons"): every message slack-command
//! answers or replaces has its buttons sealed, every click is opened with the same key
//! (`debug_toolkit::slack::sealed`). Without a key (one account) both are no-ops.

use crate::App;
use debug_toolkit::slack::sealed::{read_key, ButtonKey};
use debug_toolkit::slack::Message;

#[derive(Debug, thiserror::Error)]
#[error("the button key cannot be used: {0}")]
pub struct KeyUnavailable(pub String);

/// The hub's key; `Ok(None)` when none is configured.
pub async fn key(app: &App) -> Result<Option<ButtonKey>, KeyUnavailable> {
    let Some(cell) = &app.button_key else {
        return Ok(None);
    };
    read_key(cell, &app.secrets_manager)
        .await
        .map_err(KeyUnavailable)
}

/// `message` with its buttons sealed. A key that cannot be read leaves them as built: the hub
/// then refuses their clicks (it fails closed), and the reason is logged.
pub async fn sealed(app: &App, mut message: Message) -> Message {
    match key(app).await {
        Ok(Some(key)) => key.seal_blocks(&mut message.blocks),
        Ok(None) => {}
        Err(error) => {
            tracing::error!(%error, "buttons left unsealed: their clicks will be refused")
        }
    }
    message
}
