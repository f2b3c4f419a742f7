//! One Slack app, many accounts (docs/interface.md, "Many accounts"): a hub and two spokes in
//! other accounts and regions. `start` puts the request on the spoke's bus as the spoke's hub role
//! (a same-account PutEvents: the bus admits no other account), the spoke launches it and tells the hub,
//! which tells Slack (only the hub holds the bot token); `list` asks both spokes at once through
//! their hub roles; `forward` and a `Stop` click act in the spoke the cluster is in; the spoke's
//! reaper stops what expired. Every task gets one ready and one stopped notice, naming its
//! cluster as the hub knows it.

use crate::hub_helpers::{buttons, clicked_outcome, running, text};
use integration_tests::fakes::slack::Posted;
use integration_tests::worlds::hub::{opened, seal, HubWorld, BOT_TOKEN, CHANNEL, CLUSTER};
use std::time::Duration;

fn notices(posts: &[Posted]) -> Vec<String> {
    posts
        .iter()
        .filter(|p| p.path == "/api/chat.postMessage" && p.body["channel"] == CHANNEL)
        .map(|p| p.body["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// What was posted to the slash commands' `response_url`s.
fn launch_replies(world: &HubWorld) -> Vec<Posted> {
    world
        .slack
        .posts()
        .into_iter()
        .filter(|p| p.path.contains("/cmd/"))
        .collect()
}

async fn start(world: &HubWorld, alias: &str, transcript: &mut Vec<String>) -> String {
    let (answer, request) = world.start_in(alias, "checking the hub").await;
    transcript.push(format!(
        "/debug start {alias}/{CLUSTER} 45m checking the hub\n  → {}",
        text(&answer)
    ));
    let spoke = world.spoke(alias);
    // Put as the spoke's own role, in the spoke's Region: the queue behind the spoke's own bus got
    // it. (moto's envelope on this path carries no `account`; that no PutEvents was signed with the
    // hub's own keys is asserted at the end, from the fault proxy's record of who signed what.)
    assert_eq!(
        request["region"], spoke.region,
        "the launch request's Region: {request:#}"
    );
    let replies_before = launch_replies(world).len();
    spoke.launcher.call(request, Duration::from_secs(60)).await;
    // The spoke's reply reaches the requester through the hub (its notice, relayed).
    for _ in 0..500 {
        if launch_replies(world).len() > replies_before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        launch_replies(world).len() > replies_before,
        "no launch reply for {alias}: {}",
        world.task_events.logs()
    );
    let tasks = running(spoke).await;
    assert_eq!(tasks.len(), 1, "{alias}: {tasks:?}");
    tasks[0].clone()
}

#[tokio::test]
async fn one_slack_app_starts_lists_forwards_stops_and_reaps_in_two_spoke_accounts() {
    let world = HubWorld::start().await;
    let mut transcript = Vec::new();

    let empty = world.ask("list").await;
    // Each spoke's role assumed once by this first list (twice if it was late and asked again).
    let assumed_first = world.local.proxy.calls().get("AssumeRole").copied();
    let most = 2 * (1 + world.late_answers());
    assert!(
        (2..=most).contains(&assumed_first.unwrap_or(0)),
        "{assumed_first:?}"
    );
    transcript.push(format!("/debug list\n  → {}", text(&empty)));
    assert!(
        text(&empty).contains("No debug tasks are running"),
        "{empty:#}"
    );
    assert!(
        text(&empty).contains("You may use `prod/payments`, `staging/payments`."),
        "{empty:#}"
    );

    let staging_task = start(&world, "staging", &mut transcript).await;
    let prod_task = start(&world, "prod", &mut transcript).await;
    assert!(
        staging_task.starts_with("arn:aws:ecs:us-east-1:222222222222:task/"),
        "{staging_task}"
    );
    assert!(
        prod_task.starts_with("arn:aws:ecs:eu-west-1:111111111111:task/"),
        "{prod_task}"
    );
    let staging_id = staging_task.rsplit('/').next().unwrap().to_string();
    let prod_id = prod_task.rsplit('/').next().unwrap().to_string();

    // The launchers' replies name the cluster as the hub knows it, buttons included, each sealed
    // by the hub.
    let launch_buttons: Vec<String> = launch_replies(&world)
        .iter()
        .flat_map(|p| buttons(&p.body))
        .map(|v| opened(&v))
        .collect();
    assert!(
        launch_buttons.contains(&format!("staging/{CLUSTER}/{staging_id}")),
        "{launch_buttons:?}"
    );
    assert!(
        launch_buttons.contains(&format!("prod/{CLUSTER}/{prod_id}")),
        "{launch_buttons:?}"
    );

    let listed = world.ask("list").await;
    transcript.push(format!("/debug list\n  → {}", text(&listed)));
    let listing = text(&listed);
    assert!(
        listing.contains("2 debug task(s) running on the 2 cluster(s) you may use"),
        "{listing}"
    );
    assert!(
        listing.contains(&format!(
            "--region us-east-1 --cluster {CLUSTER} --task {staging_id}"
        )),
        "{listing}"
    );
    assert!(
        listing.contains(&format!(
            "--region eu-west-1 --cluster {CLUSTER} --task {prod_id}"
        )),
        "{listing}"
    );
    assert!(!listing.contains("Not listed"), "{listing}");

    let forward = format!("forward {staging_id} db.internal:5432 15432");
    let forwarded = world.ask(&forward).await;
    transcript.push(format!("/debug {forward}\n  → {}", text(&forwarded)));
    assert!(
        text(&forwarded).contains(&format!(
            "aws ssm start-session --region us-east-1 --target ecs:{CLUSTER}_{staging_id}_"
        )),
        "{forwarded:#}"
    );

    let doctor = world.ask("doctor staging/payments").await;
    transcript.push(format!(
        "/debug doctor staging/payments\n  → {}",
        text(&doctor)
    ));
    assert!(
        text(&doctor).contains("ECS Exec checklist for `staging/payments`"),
        "{doctor:#}"
    );

    // Extend 1h, clicked on the prod task: its expiry tag moves in the prod account.
    let value = format!("prod/{CLUSTER}/{prod_id}");
    world.click("debug_extend", &seal(&value)).await;
    let outcome = text(&clicked_outcome(&world, 1).await);
    transcript.push(format!("[Extend 1h] clicked on {value}\n  → {outcome}"));
    assert!(
        outcome.contains(&format!("on `prod/{CLUSTER}` now expires at")),
        "{outcome}"
    );

    // Stop, clicked on the staging task's button: acts in the staging account.
    let value = format!("staging/{CLUSTER}/{staging_id}");
    world.click("debug_stop", &seal(&value)).await;
    let outcome = text(&clicked_outcome(&world, 2).await);
    transcript.push(format!("[Stop] clicked on {value}\n  → {outcome}"));
    assert!(
        outcome.contains(&format!("on `staging/{CLUSTER}`")),
        "{outcome}"
    );
    assert!(running(world.spoke("staging")).await.is_empty());

    // The prod spoke's reaper, two hours on: the 45-minute task has expired.
    let later = (time::OffsetDateTime::now_utc() + time::Duration::hours(2))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let reaped = world.spoke("prod").reap(&later).await;
    transcript.push(format!("prod idle-reaper at {later}\n  → {reaped}"));
    assert_eq!(
        reaped["stopped"],
        serde_json::json!([prod_task]),
        "{reaped:#}"
    );

    // One ready and one stopped notice per task, from its spoke's task-events.
    for spoke in &world.spokes {
        spoke.ecs_events.wait_for(3, Duration::from_secs(30)).await;
    }
    let posted = world.slack.wait_for(8, Duration::from_secs(30)).await;
    let said = notices(&posted);
    for line in &said {
        transcript.push(format!("notice in {CHANNEL}: {line}"));
    }
    let alias_of = |id: &str| if id == staging_id { "staging" } else { "prod" };
    for id in [&staging_id, &prod_id] {
        let of_task: Vec<&String> = said.iter().filter(|t| t.contains(id.as_str())).collect();
        let ready = of_task.iter().filter(|t| t.contains("is running")).count();
        let stopped = of_task
            .iter()
            .filter(|t| {
                t.contains("stopped") && t.contains(&format!("on `{}/{CLUSTER}`", alias_of(id)))
            })
            .count();
        assert_eq!((ready, stopped), (1, 1), "{id}: {of_task:#?}");
    }
    // Every notice and reply was the hub's: posted with its token, after its task-events took
    // the spoke's notice (2 launch replies, 2 ready and 2 stopped notices), buttons sealed.
    let channel_posts: Vec<&Posted> = posted
        .iter()
        .filter(|p| p.path == "/api/chat.postMessage")
        .collect();
    assert!(
        channel_posts
            .iter()
            .all(|p| p.authorization.as_deref() == Some(&format!("Bearer {BOT_TOKEN}")[..])),
        "{channel_posts:#?}"
    );
    for post in &channel_posts {
        buttons(&post.body).iter().for_each(|v| drop(opened(v)));
    }
    let relayed = world.notices.wait_for(6, Duration::from_secs(30)).await;
    let told = relayed
        .iter()
        .filter(|(_, reply)| format!("{reply:?}").contains("\"posted\""))
        .count();
    assert_eq!(told, 6, "{relayed:#?}");
    // Each spoke's role was assumed by the first list: its credentials served every later command.
    let assumed = world.local.proxy.calls().get("AssumeRole").copied();
    transcript.push(format!("AssumeRole calls by the hub: {assumed:?}"));
    assert_eq!(assumed, assumed_first, "AssumeRole after the first list");
    // Both launch requests were put with the spokes' role sessions, none with the hub's own keys
    // (the spokes' debug-launcher and task-events put their notices on their own buses).
    let proxy = &world.local.proxy;
    let puts = |calls: std::collections::BTreeMap<String, usize>| {
        calls.get("PutEvents").copied().unwrap_or(0)
    };
    let by_spokes = puts(proxy.calls_of("debug-launcher")) + puts(proxy.calls_of("task-events"));
    // (one more if a late start's put never landed and it was asked again)
    let by_hub = puts(proxy.calls()) - by_spokes;
    let late = world.late_answers();
    assert!((2..=2 + late).contains(&by_hub), "{:?}", proxy.calls());
    assert_eq!(
        proxy.calls_of("slack-command").get("PutEvents"),
        None,
        "PutEvents signed with the hub's own credentials"
    );
    println!("--- transcript ---\n{}\n---", transcript.join("\n"));
    let logs = world.all_logs();
    assert!(!logs.contains("xoxb-hub-test"), "a secret was logged");
}
