//! `AllowedSlackTeams` (env `SLACK_TEAM_IDS`): the Slack workspaces (`T…`) and Enterprise orgs
//! (`E…`) whose people may use the app. A Slack Connect channel holds members of other companies'
//! workspaces; without this list, any of them in an allowed channel could start, stop or extend
//! tasks. Empty admits any workspace (docs/security.md names the risk).

use debug_toolkit::slack::Message;

/// The workspaces and orgs a request may come from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AllowedTeams(Vec<String>);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a Slack workspace id (T…) or Enterprise org id (E…)")]
pub struct TeamsError(String);

/// Where a click came from, as the `block_actions` payload says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClickTeams {
    /// `user.team_id`: the clicker's own workspace (their org's `E…` id in an Enterprise org).
    pub user_team: Option<String>,
    /// `team.id`: the workspace the click happened in.
    pub team: Option<String>,
    /// `team.enterprise_id`: the org of that workspace; when `team` is null (an org-wide
    /// install), the payload's top-level `enterprise.id`.
    pub enterprise: Option<String>,
}

fn is_team_id(id: &str) -> bool {
    (id.starts_with('T') || id.starts_with('E'))
        && (2..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

impl AllowedTeams {
    /// Comma-separated ids; blanks ignored.
    pub fn parse(value: &str) -> Result<Self, TeamsError> {
        let mut ids = Vec::new();
        for id in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if !is_team_id(id) {
                return Err(TeamsError(id.to_string()));
            }
            ids.push(id.to_string());
        }
        Ok(Self(ids))
    }

    /// No list: every workspace is admitted.
    pub fn admits_any(&self) -> bool {
        self.0.is_empty()
    }

    fn lists(&self, id: Option<&str>) -> bool {
        id.is_some_and(|id| !id.is_empty() && self.0.iter().any(|listed| listed == id))
    }

    /// A slash command: its `team_id`, or its `enterprise_id`, is listed.
    pub fn admits_command(&self, team_id: &str, enterprise_id: Option<&str>) -> bool {
        self.admits_any() || self.lists(Some(team_id)) || self.lists(enterprise_id)
    }

    /// A click: the workspace it happened in (`team.id`, or its org) is listed, **and** so is the
    /// clicker's own (`user.team_id`; an org member's is the org's id, admitted when it is the
    /// org of that listed workspace). A Slack Connect guest's own workspace is another company's;
    /// a click that does not say whose it is (no `user.team_id`) is refused.
    pub fn admits_click(&self, from: &ClickTeams) -> bool {
        if self.admits_any() {
            return true;
        }
        let team = from.team.as_deref();
        let enterprise = from.enterprise.as_deref();
        let place_ok = self.lists(team) || self.lists(enterprise);
        let user = from.user_team.as_deref();
        // A member of the place's own workspace or org, where the place is listed (through its
        // org, say): `user.team_id` is the workspace's `T…` or the org's `E…` id.
        let member = user.is_some() && (user == team || user == enterprise);
        let user_ok = self.lists(user) || (place_ok && member);
        place_ok && user_ok
    }
}

/// The refusal of a request from a workspace `AllowedSlackTeams` does not list (a Slack Connect
/// guest's, say): nothing was read or done.
pub fn other_workspace() -> Message {
    Message::new(
        ":no_entry: This app serves only its own Slack workspaces, and yours is not one of them \
         (`AllowedSlackTeams`); nothing was done.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn click(user: Option<&str>, team: Option<&str>, enterprise: Option<&str>) -> ClickTeams {
        ClickTeams {
            user_team: user.map(str::to_string),
            team: team.map(str::to_string),
            enterprise: enterprise.map(str::to_string),
        }
    }

    #[test]
    fn the_list_parses_ids_and_refuses_anything_else() {
        assert_eq!(AllowedTeams::parse(""), Ok(AllowedTeams::default()));
        assert_eq!(
            AllowedTeams::parse(" T0123ABC , E0999 ,"),
            Ok(AllowedTeams(vec!["T0123ABC".into(), "E0999".into()]))
        );
        for bad in ["U0123", "t0123", "T", "T01-23", "C0123", "T0123 T0456"] {
            assert_eq!(
                AllowedTeams::parse(bad),
                Err(TeamsError(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn commands_from_listed_workspaces_or_orgs_only() {
        let any = AllowedTeams::default();
        let ours = AllowedTeams::parse("T0OURS,E0ORG").unwrap();
        // (team_id, enterprise_id) → admitted by `ours`
        for (team, enterprise, admitted) in [
            ("T0OURS", None, true),
            ("T0OURS", Some("E0OTHER"), true),
            ("T0ORGWS", Some("E0ORG"), true),
            ("T0GUEST", None, false),
            ("T0GUEST", Some("E0OTHER"), false),
            ("", None, false),
            ("", Some(""), false),
        ] {
            assert_eq!(
                ours.admits_command(team, enterprise),
                admitted,
                "{team} {enterprise:?}"
            );
            assert!(any.admits_command(team, enterprise));
        }
    }

    #[test]
    fn clicks_need_both_the_place_and_the_clicker_listed() {
        let ours = AllowedTeams::parse("T0OURS,E0ORG").unwrap();
        // (user.team_id, team.id, team's org) → admitted
        for (user, team, enterprise, admitted) in [
            (Some("T0OURS"), Some("T0OURS"), None, true),
            // A Slack Connect guest in our channel: their own workspace is not listed.
            (Some("T0GUEST"), Some("T0OURS"), None, false),
            // One of ours in another company's shared channel: the place is not listed.
            (Some("T0OURS"), Some("T0GUEST"), None, false),
            // An org member: user.team_id is the org's id.
            (Some("E0ORG"), Some("T0ORGWS"), Some("E0ORG"), true),
            (Some("E0OTHER"), Some("T0ORGWS"), Some("E0ORG"), false),
            // A member whose user.team_id is the org's workspace, where only the org is listed.
            (Some("T0ORGWS"), Some("T0ORGWS"), Some("E0ORG"), true),
            (Some("T0ELSE"), Some("T0ORGWS"), Some("E0ORG"), false),
            // An org-wide install: no team, the org is the place.
            (Some("E0ORG"), None, Some("E0ORG"), true),
            (Some("T0ORGWS"), None, Some("E0ORG"), false),
            // No user.team_id: whose click it is is unknown, so it is refused.
            (None, Some("T0OURS"), None, false),
            (None, Some("T0GUEST"), None, false),
            (Some("T0OURS"), None, None, false),
            (None, None, None, false),
        ] {
            let from = click(user, team, enterprise);
            assert_eq!(ours.admits_click(&from), admitted, "{from:?}");
            assert!(AllowedTeams::default().admits_click(&from));
        }
        // Listing the workspace alone admits an org member clicking in it.
        let workspace = AllowedTeams::parse("T0ORGWS").unwrap();
        assert!(workspace.admits_click(&click(Some("E0ORG"), Some("T0ORGWS"), Some("E0ORG"))));
        assert!(!workspace.admits_click(&click(Some("E0ELSE"), Some("T0ORGWS"), Some("E0ORG"))));
    }
}
