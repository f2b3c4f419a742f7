use super::*;
use crate::spokes::parse;
use aws_config::BehaviorVersion;

async fn hub() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .no_credentials()
        .load()
        .await
}

async fn two_spokes() -> Sites {
    let specs = parse("prod=111111111111/eu-west-1,staging=222222222222/us-east-1").unwrap();
    let mut sites = Vec::new();
    for spec in &specs {
        sites.push(Site::spoke(&hub().await, spec).await);
    }
    Sites::spokes(sites)
}

#[tokio::test]
async fn a_hub_finds_the_spoke_of_a_written_cluster() {
    let sites = two_spokes().await;
    let (site, name) = sites.resolve("staging/payments").unwrap();
    assert_eq!(
        (site.label(), site.region.as_str(), name),
        ("staging", "us-east-1", "payments")
    );
    assert_eq!(
        site.bus,
        "arn:aws:events:us-east-1:222222222222:event-bus/ecs-debug-toolkit"
    );
    assert_eq!(site.written("payments"), "staging/payments");
    for (written, expected) in [
        (
            "payments",
            SiteError::NeedsAlias {
                name: "payments".into(),
                example: "prod".into(),
                aliases: "`prod`, `staging`".into(),
            },
        ),
        (
            "dev/payments",
            SiteError::UnknownAlias("dev".into(), "`prod`, `staging`".into()),
        ),
        ("Dev/payments", SiteError::Malformed("Dev/payments".into())),
    ] {
        assert_eq!(sites.resolve(written).unwrap_err(), expected, "{written}");
    }
}

#[tokio::test]
async fn a_task_arn_names_its_spoke_by_account_and_region() {
    let sites = two_spokes().await;
    let arn =
        |region: &str, account: &str| format!("arn:aws:ecs:{region}:{account}:task/c/0123abcd");
    assert_eq!(
        sites
            .of_arn(&arn("us-east-1", "222222222222"))
            .unwrap()
            .label(),
        "staging"
    );
    assert_eq!(
        sites
            .of_arn(&arn("eu-west-1", "111111111111"))
            .unwrap()
            .label(),
        "prod"
    );
    assert!(matches!(
        sites.of_arn(&arn("us-east-1", "111111111111")),
        Err(SiteError::Elsewhere(_))
    ));
}

#[tokio::test]
async fn one_account_takes_plain_names_only() {
    let sites = Sites::one(Site::local(&hub().await, "debug-requests"));
    let (site, name) = sites.resolve("payments").unwrap();
    assert_eq!(
        (site.label(), name, site.bus.as_str()),
        ("this account", "payments", "debug-requests")
    );
    assert_eq!(site.written("payments"), "payments");
    assert_eq!(
        sites.resolve("prod/payments").unwrap_err(),
        SiteError::NoSpokes("prod/payments".into())
    );
    assert!(sites
        .of_arn("arn:aws:ecs:eu-west-1:999999999999:task/c/1")
        .is_ok());
    assert!(sites
        .of_arn("arn:aws:ecs:us-east-1:999999999999:task/c/1")
        .is_err());
}
