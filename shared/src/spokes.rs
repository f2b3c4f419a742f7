//! `SPOKES` (docs/interface.md, "Many accounts"): the accounts and regions one Slack app serves,
//! as comma-separated `alias=account-id/region` entries. Parsing is pure and names what is wrong.

use crate::address::is_valid_alias;

/// One spoke as configured: its alias and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpokeSpec {
    pub alias: String,
    pub account: String,
    pub region: String,
}

/// The name every spoke gives its bus and the prefix of the role the hub assumes there.
pub const SPOKE_BUS_NAME: &str = "ecs-debug-toolkit";
pub const HUB_ROLE_PREFIX: &str = "ecs-debug-toolkit-hub-";

impl SpokeSpec {
    /// The role the hub assumes in the spoke: `ecs-debug-toolkit-hub-<region>`.
    pub fn role_arn(&self) -> String {
        format!(
            "arn:{}:iam::{}:role/{HUB_ROLE_PREFIX}{}",
            partition(&self.region),
            self.account,
            self.region
        )
    }

    /// The spoke's bus, where `start` puts launch requests.
    pub fn bus_arn(&self) -> String {
        format!(
            "arn:{}:events:{}:{}:event-bus/{SPOKE_BUS_NAME}",
            partition(&self.region),
            self.region,
            self.account
        )
    }
}

/// The partition a region belongs to.
pub fn partition(region: &str) -> &'static str {
    const PARTITIONS: [(&str, &str); 6] = [
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("us-iso-", "aws-iso"),
        ("eu-isoe-", "aws-iso-e"),
    ];
    PARTITIONS
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or("aws", |(_, partition)| partition)
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpokesError {
    #[error("`{0}` is not alias=account-id/region")]
    Shape(String),
    #[error("alias `{0}`: lower-case letters, digits and -, at most 32")]
    Alias(String),
    #[error("account `{0}`: twelve digits")]
    Account(String),
    #[error("region `{0}`: like eu-west-1")]
    Region(String),
    #[error("alias `{0}` is given twice")]
    Duplicate(String),
    #[error("`{0}` is given twice (each account and region is one spoke, under one alias)")]
    DuplicatePlace(String),
}

/// The spoke at `account` and `region` (where an event came from), if it is one of `spokes`.
pub fn at<'s>(spokes: &'s [SpokeSpec], account: &str, region: &str) -> Option<&'s SpokeSpec> {
    spokes
        .iter()
        .find(|s| s.account == account && s.region == region)
}

/// The spokes in `text`; empty text means none (one account).
pub fn parse(text: &str) -> Result<Vec<SpokeSpec>, SpokesError> {
    let mut spokes: Vec<SpokeSpec> = Vec::new();
    for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let shape = || SpokesError::Shape(crate::text::shorten(entry, 60));
        let (alias, place) = entry.split_once('=').ok_or_else(shape)?;
        let (account, region) = place.split_once('/').ok_or_else(shape)?;
        let (alias, account, region) = (alias.trim(), account.trim(), region.trim());
        if !is_valid_alias(alias) {
            return Err(SpokesError::Alias(alias.to_string()));
        }
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SpokesError::Account(account.to_string()));
        }
        if !is_region(region) {
            return Err(SpokesError::Region(region.to_string()));
        }
        if spokes.iter().any(|s| s.alias == alias) {
            return Err(SpokesError::Duplicate(alias.to_string()));
        }
        if spokes
            .iter()
            .any(|s| s.account == account && s.region == region)
        {
            return Err(SpokesError::DuplicatePlace(format!("{account}/{region}")));
        }
        spokes.push(SpokeSpec {
            alias: alias.into(),
            account: account.into(),
            region: region.into(),
        });
    }
    Ok(spokes)
}

/// `eu-west-1`, `us-gov-west-1`, `ap-southeast-4`: lower-case words and a number, joined by `-`.
fn is_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].parse::<u8>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spoke(alias: &str, account: &str, region: &str) -> SpokeSpec {
        SpokeSpec {
            alias: alias.into(),
            account: account.into(),
            region: region.into(),
        }
    }

    #[test]
    fn entries() {
        for (text, expected) in [
            ("", Ok(vec![])),
            (" , ", Ok(vec![])),
            (
                "prod=111111111111/eu-west-1",
                Ok(vec![spoke("prod", "111111111111", "eu-west-1")]),
            ),
            (
                "prod=111111111111/eu-west-1, staging-us=222222222222/us-east-1",
                Ok(vec![
                    spoke("prod", "111111111111", "eu-west-1"),
                    spoke("staging-us", "222222222222", "us-east-1"),
                ]),
            ),
            (
                "gov=333333333333/us-gov-west-1",
                Ok(vec![spoke("gov", "333333333333", "us-gov-west-1")]),
            ),
            ("prod", Err(SpokesError::Shape("prod".into()))),
            (
                "prod=111111111111",
                Err(SpokesError::Shape("prod=111111111111".into())),
            ),
            (
                "Prod=111111111111/eu-west-1",
                Err(SpokesError::Alias("Prod".into())),
            ),
            (
                "prod=11111111111/eu-west-1",
                Err(SpokesError::Account("11111111111".into())),
            ),
            (
                "prod=111111111111/eu-west",
                Err(SpokesError::Region("eu-west".into())),
            ),
            (
                "prod=111111111111/EU-west-1",
                Err(SpokesError::Region("EU-west-1".into())),
            ),
            (
                "a=111111111111/eu-west-1,a=222222222222/us-east-1",
                Err(SpokesError::Duplicate("a".into())),
            ),
            (
                "a=111111111111/eu-west-1,b=111111111111/eu-west-1",
                Err(SpokesError::DuplicatePlace("111111111111/eu-west-1".into())),
            ),
        ] {
            assert_eq!(parse(text), expected, "{text}");
        }
    }

    #[test]
    fn arns_name_the_spoke() {
        let prod = spoke("prod", "111111111111", "eu-west-1");
        assert_eq!(
            prod.role_arn(),
            "arn:aws:iam::111111111111:role/ecs-debug-toolkit-hub-eu-west-1"
        );
        assert_eq!(
            prod.bus_arn(),
            "arn:aws:events:eu-west-1:111111111111:event-bus/ecs-debug-toolkit"
        );
        let china = spoke("cn", "111111111111", "cn-north-1");
        assert!(china.role_arn().starts_with("arn:aws-cn:iam::"));
        for (region, expected) in [
            ("eu-west-1", "aws"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
        ] {
            assert_eq!(partition(region), expected, "{region}");
        }
    }
}
