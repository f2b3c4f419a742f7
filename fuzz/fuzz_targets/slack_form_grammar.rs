//! A slash-command body as Slack would post it (or anything else): the form parser, then the
//! command grammar on its `text`. Neither may panic; what the grammar accepts must be well formed.
#![no_main]

use debug_toolkit::cluster::is_valid_name;
use libfuzzer_sys::fuzz_target;
use slack_command::form::SlashCommand;
use slack_command::grammar::{self, Command};

fuzz_target!(|body: &[u8]| {
    if let Ok(form) = SlashCommand::parse(body) {
        let _ = (form.channel(), form.response_url());
        check(&form.text);
    }
    if let Ok(text) = std::str::from_utf8(body) {
        check(text);
    }
});

fn check(text: &str) {
    match grammar::parse(text) {
        Ok(Command::Start {
            cluster, reason, ..
        }) => {
            assert!(
                is_valid_name(&cluster),
                "start accepted cluster {cluster:?}"
            );
            assert!(reason.chars().count() <= grammar::MAX_REASON_CHARS);
        }
        Ok(Command::List {
            cluster: Some(cluster),
        }) => assert!(is_valid_name(&cluster), "list accepted cluster {cluster:?}"),
        Ok(_) | Err(_) => {}
    }
}
