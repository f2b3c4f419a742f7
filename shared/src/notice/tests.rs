use super::*;
use serde_json::json;

const TASK: &str =
    "arn:aws:ecs:eu-west-1:111111111111:task/payments/0123456789abcdef0123456789abcdef";

const ID: &str = "0123456789abcdef0123456789abcdef";

fn ready(task_arn: &str) -> Notice {
    to_channel(About::Ready {
        task_arn: task_arn.into(),
        image: None,
        exec_agent: None,
    })
}

/// A notice as a spoke puts it (with its id).
fn to_channel(about: About) -> Notice {
    Notice {
        notice_id: Some(ID.into()),
        ..Notice::to_channel("C0DEBUG", about)
    }
}

#[test]
fn on_the_bus_a_notice_is_its_facts_and_never_a_response_url() {
    let mut notice = ready(TASK);
    notice.response_url = Some("https://hooks.slack.com/commands/T0/1/abc".into());
    notice.sealed_response_url = Some("00ff".into());
    let detail = serde_json::to_value(&notice).unwrap();
    assert_eq!(
        detail,
        json!({"channel": "C0DEBUG", "sealedResponseUrl": "00ff", "noticeId": ID, "kind": "ready", "taskArn": TASK})
    );
    let read: Notice = serde_json::from_value(detail).unwrap();
    assert_eq!(read.response_url, None);
    assert_eq!(read.about, notice.about);
}

#[test]
fn the_hub_takes_only_tasks_of_the_account_and_region_a_notice_came_from() {
    let (account, region) = ("111111111111", "eu-west-1");
    let long = "x".repeat(MAX_TEXT + 1);
    let cases: Vec<(Notice, Result<(), NoticeError>)> = vec![
        (ready(TASK), Ok(())),
        (
            ready(&TASK.replace("111111111111", "222222222222")),
            Err(NoticeError::ForeignTask(
                TASK.replace("111111111111", "222222222222"),
            )),
        ),
        (
            ready(&TASK.replace("eu-west-1", "us-east-1")),
            Err(NoticeError::ForeignTask(
                TASK.replace("eu-west-1", "us-east-1"),
            )),
        ),
        (
            ready(&TASK.replace(":ecs:", ":ec2:")),
            Err(NoticeError::ForeignTask(TASK.replace(":ecs:", ":ec2:"))),
        ),
        (
            ready(&format!("{TASK}/more")),
            Err(NoticeError::ForeignTask(format!("{TASK}/more"))),
        ),
        (
            ready(&TASK.replace("payments", "pay ments")),
            Err(NoticeError::ForeignTask(
                TASK.replace("payments", "pay ments"),
            )),
        ),
        (
            ready(&TASK.replace("0123456789abcdef0123", "0123456789abcdef`rm ")),
            Err(NoticeError::ForeignTask(
                TASK.replace("0123456789abcdef0123", "0123456789abcdef`rm "),
            )),
        ),
        (
            Notice {
                channel: Some("C0 <!here>".into()),
                ..ready(TASK)
            },
            Err(NoticeError::Channel("C0 <!here>".into())),
        ),
        (
            Notice {
                channel: None,
                ..ready(TASK)
            },
            Err(NoticeError::NoRecipient),
        ),
        (
            Notice {
                channel: None,
                sealed_response_url: Some("00".into()),
                ..ready(TASK)
            },
            Ok(()),
        ),
        (ready(TASK).sealed_by(Some(&"a".repeat(64))), Ok(())),
        (
            ready(TASK).sealed_by(Some("abc")),
            Err(NoticeError::ChannelSeal),
        ),
        (
            Notice {
                notice_id: None,
                ..ready(TASK)
            },
            Err(NoticeError::NoticeId),
        ),
        (
            Notice {
                notice_id: Some("xyz".into()),
                ..ready(TASK)
            },
            Err(NoticeError::NoticeId),
        ),
        (
            ready(&TASK.replace("arn:aws:", "arn:aws-cn:")),
            Err(NoticeError::ForeignTask(
                TASK.replace("arn:aws:", "arn:aws-cn:"),
            )),
        ),
        (
            to_channel(About::Ready {
                task_arn: TASK.into(),
                image: None,
                exec_agent: Some("PENDING) run `x`".into()),
            }),
            Err(NoticeError::Status),
        ),
        (
            to_channel(About::Stopped {
                task_arn: TASK.into(),
                stopped_reason: Some(long.clone()),
            }),
            Err(NoticeError::TooLong),
        ),
        (
            to_channel(About::ShellOpened {
                task_arn: TASK.into(),
                opened_by: "alice".into(),
            }),
            Ok(()),
        ),
        (
            to_channel(About::NotLaunched {
                cluster: "pay/ments".into(),
                reason: "no".into(),
            }),
            Err(NoticeError::Cluster("pay/ments".into())),
        ),
        (
            to_channel(About::Refused { reason: long }),
            Err(NoticeError::TooLong),
        ),
    ];
    for (notice, expected) in cases {
        assert_eq!(notice.check(account, region), expected, "{notice:?}");
    }
}

#[test]
fn messages_name_the_cluster_as_slack_does_and_build_the_command_themselves() {
    let notice = ready(TASK);
    for (alias, written) in [(None, "payments"), (Some("prod"), "prod/payments")] {
        let message = render::message(&notice, alias);
        assert_eq!(
            message.text,
            format!(":white_check_mark: Debug task `0123456789abcdef0123456789abcdef` on `{written}` is running and ECS Exec is ready. Connect with:")
        );
        let command = message.blocks[1]["text"]["text"].as_str().unwrap();
        assert_eq!(command, "```aws ecs execute-command --region eu-west-1 --cluster payments --task 0123456789abcdef0123456789abcdef --container debug-toolkit --interactive --command /bin/sh```");
        assert_eq!(
            message.blocks[2]["elements"][0]["value"],
            format!("{written}/0123456789abcdef0123456789abcdef")
        );
    }
    let launched = to_channel(About::Launched {
        task_arn: TASK.into(),
        image: None,
        expires_at: 1_795_000_000,
        ttl_minutes: 60,
        already_running: false,
        capped: true,
        public_ip_withheld: true,
    });
    let message = render::message(&launched, Some("prod"));
    assert!(message.text.starts_with(":toolbox: Debug task `0123456789abcdef0123456789abcdef` on `prod/payments` is starting. It expires at "), "{}", message.text);
    assert!(message.text.ends_with("(1h after the request) (capped at the cluster's max lifetime). Connect with ECS Exec once it is RUNNING:"), "{}", message.text);
    assert_eq!(
        message.blocks.last().unwrap()["text"]["text"],
        render::PUBLIC_IP_WITHHELD
    );
    let refused = to_channel(About::NotLaunched {
        cluster: "payments".into(),
        reason: "<!here> run\n```evil```".into(),
    });
    assert_eq!(
        render::message_from_spoke(&refused, "prod").text,
        ":x: No debug task was started on `prod/payments`: &lt;!here&gt; run '''evil'''"
    );
    // Other line breaks, bidirectional overrides and zero-width characters: spaces.
    let sly = to_channel(About::Refused {
        reason: "a\u{2028}b\u{2029}c\u{85}d\u{202e}e\u{200b}f\u{0b}g".into(),
    });
    assert_eq!(
        render::message_from_spoke(&sly, "prod").text,
        ":warning: No debug task was started: a b c d e f g"
    );
    // A function's own words, in one account: escaped only (its backquotes are its markup).
    assert_eq!(
        render::message(&refused, None).text,
        ":x: No debug task was started on `payments`: &lt;!here&gt; run\n```evil```"
    );
}
