use super::*;
use serde_json::{json, Value};

const TASK: &str = "0123456789abcdef0123456789abcdef";

fn payload(action_id: &str, value: &str) -> Value {
    json!({
        "type": "block_actions",
        "user": {"id": "U0ALLOWED", "username": "alice", "team_id": "T1"},
        "channel": {"id": "C0DEBUG", "name": "debug"},
        "team": {"id": "T1"},
        "response_url": "https://hooks.slack.com/actions/T1/1/abc",
        "trigger_id": "123.456",
        "container": {"type": "message", "message_ts": "1.2"},
        "actions": [{
            "type": "button", "action_id": action_id, "block_id": "debug-task-x",
            "value": value, "action_ts": "1700000000.000100",
            "text": {"type": "plain_text", "text": "Stop"}
        }]
    })
}

fn form(payload: &Value) -> Vec<u8> {
    serde_urlencoded::to_string([("payload", payload.to_string())])
        .unwrap()
        .into_bytes()
}

#[test]
fn a_click_becomes_the_command_its_button_stands_for() {
    let value = format!("payments-dev/{TASK}");
    let task = TaskRef::InCluster {
        cluster: "payments-dev".into(),
        id: TASK.into(),
    };
    let stop = parse(&form(&payload(STOP, &value))).unwrap().unwrap();
    assert_eq!(
        stop,
        Click {
            user: "U0ALLOWED".into(),
            channel: Some("C0DEBUG".into()),
            response_url: "https://hooks.slack.com/actions/T1/1/abc".into(),
            request_id: "1700000000.000100".into(),
            command: Command::Stop { task: task.clone() },
            place: Place::Row,
            teams: ClickTeams {
                user_team: Some("T1".into()),
                team: Some("T1".into()),
                enterprise: None,
            },
        }
    );
    let extend = parse(&form(&payload(EXTEND, &value))).unwrap().unwrap();
    assert_eq!(
        extend.command,
        Command::Extend {
            task,
            minutes: Some(60)
        }
    );
}

#[test]
fn the_block_id_tells_where_the_buttons_were_and_the_teams_are_read() {
    let value = format!("payments-dev/{TASK}");
    let mut grid = payload(EXTEND, &value);
    grid["actions"][0]["block_id"] =
        buttons::actions("payments-dev", TASK, Place::Message)["block_id"].clone();
    grid["user"]["team_id"] = json!("E0ORG");
    grid["team"] = json!({"id": "T0WS", "domain": "x", "enterprise_id": "E0ORG"});
    let click = parse(&form(&grid)).unwrap().unwrap();
    assert_eq!(click.place, Place::Message);
    assert_eq!(
        click.teams,
        ClickTeams {
            user_team: Some("E0ORG".into()),
            team: Some("T0WS".into()),
            enterprise: Some("E0ORG".into()),
        }
    );
    let mut top_level = payload(EXTEND, &value);
    top_level["enterprise"] = json!({"id": "E0TOP", "name": "org"});
    let click = parse(&form(&top_level)).unwrap().unwrap();
    assert_eq!(
        click.teams.enterprise, None,
        "beside a team, the installation's org is not the place's: team.enterprise_id counts"
    );
    let mut org_wide = payload(EXTEND, &value);
    org_wide["team"] = Value::Null;
    org_wide["is_enterprise_install"] = json!(true);
    org_wide["enterprise"] = json!({"id": "E0ORG", "name": "org"});
    let click = parse(&form(&org_wide)).unwrap().unwrap();
    assert_eq!(
        (click.teams.team, click.teams.enterprise.as_deref()),
        (None, Some("E0ORG")),
        "an org-wide install's click (team null) happens in its org"
    );
    assert_eq!(
        click.place,
        Place::Row,
        "an old `debug-task-x` block id: a row"
    );
}

#[test]
fn a_slash_command_is_no_click() {
    let body = b"user_id=U1&command=%2Fdebug&text=list&response_url=x";
    assert_eq!(parse(body), Ok(None));
}

#[test]
fn what_is_not_one_of_our_clicks_is_named() {
    let value = format!("payments-dev/{TASK}");
    let mut no_actions = payload(STOP, &value);
    no_actions["actions"] = json!([]);
    let mut modal = payload(STOP, &value);
    modal["type"] = json!("view_submission");
    let mut no_user = payload(STOP, &value);
    no_user.as_object_mut().unwrap().remove("user");
    type Expected = fn(&ClickError) -> bool;
    let cases: [(Vec<u8>, Expected); 6] = [
        (
            form(&payload("approve", &value)),
            |e| matches!(e, ClickError::UnknownAction(a) if a == "approve"),
        ),
        (form(&payload(STOP, "payments-dev")), |e| {
            matches!(e, ClickError::BadValue(_))
        }),
        (form(&no_actions), |e| *e == ClickError::NoAction),
        (
            form(&modal),
            |e| matches!(e, ClickError::NotBlockActions(k) if k == "view_submission"),
        ),
        (form(&no_user), |e| matches!(e, ClickError::Shape(_))),
        (b"payload=%7Bnot+json".to_vec(), |e| {
            matches!(e, ClickError::Shape(_))
        }),
    ];
    for (body, expected) in cases {
        let error = parse(&body).unwrap_err();
        assert!(expected(&error), "{error:?}");
    }
}

#[test]
fn in_a_hub_only_values_with_its_seal_become_commands() {
    let key = ButtonKey::new(b"the hub's key, at least thirty-two bytes long").unwrap();
    let value = format!("prod/payments/{TASK}");
    let click = parse_with(&form(&payload(STOP, &key.seal(&value))), Some(&key))
        .unwrap()
        .unwrap();
    assert_eq!(
        click.command,
        Command::Stop {
            task: TaskRef::InCluster {
                cluster: "prod/payments".into(),
                id: TASK.into()
            }
        }
    );
    let sealed = key.seal(&value);
    let (_, seal) = sealed.rsplit_once('.').unwrap();
    for (forged, why) in [
        (value.clone(), SealError::Unsealed),
        (format!("staging/payments/{TASK}.{seal}"), SealError::Forged),
    ] {
        match parse_with(&form(&payload(STOP, &forged)), Some(&key)) {
            Err(ClickError::NotSealed {
                why: found,
                user,
                response_url,
            }) => {
                assert_eq!(found, why, "{forged}");
                assert_eq!(user, "U0ALLOWED");
                assert_eq!(response_url, "https://hooks.slack.com/actions/T1/1/abc");
            }
            other => panic!("{forged}: {other:?}"),
        }
    }
    // One account: the value as sent.
    assert!(parse_with(&form(&payload(STOP, &value)), None).is_ok());
}
