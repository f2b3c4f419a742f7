//! Where the function runs, and which resources an environment's ARN-valued properties may name
//! (docs/interface.md, `AllowForeignResourceArns`): those of this partition always, and of this
//! account unless the toolkit stack admits other accounts'. S3 bucket ARNs name no account: the
//! app role's S3 grants carry `s3:ResourceAccount` instead (policies::app).

use super::error::PropertyError;
use super::{AppSpec, PropertyErrors};
pub use crate::home::Home;

impl Home {
    /// Eu-west-1 of account 123456789012, in the `aws` partition.
    #[cfg(test)]
    pub fn example(region: &str) -> Self {
        Self {
            partition: "aws".into(),
            region: region.into(),
            account: "123456789012".into(),
        }
    }

    /// Why `arn` may not be used here, or `None`. `foreign_allowed`: the stack's
    /// `AllowForeignResourceArns`.
    pub fn refusal(&self, arn: &str, foreign_allowed: bool) -> Option<String> {
        let mut fields = arn.split(':');
        let (partition, account) = (fields.nth(1)?, fields.nth(2)?);
        if partition != self.partition {
            return Some(format!(
                "{arn} is in partition {partition}, not this stack's {}",
                self.partition
            ));
        }
        if !account.is_empty() && account != self.account && !foreign_allowed {
            return Some(format!(
                "{arn} belongs to account {account}, not this one ({}); the toolkit stack's \
                 parameter AllowForeignResourceArns=true admits other accounts' resources",
                self.account
            ));
        }
        None
    }

    /// Records a refusal for the first value of each ARN-valued property that names a resource
    /// this stack may not grant.
    pub fn check(
        &self,
        kms_key: Option<&String>,
        app: Option<&AppSpec>,
        foreign_allowed: bool,
        errors: &mut PropertyErrors,
    ) {
        let mut lists: Vec<(&str, Vec<&String>)> =
            vec![("KmsKeyArn", kms_key.into_iter().collect())];
        if let Some(app) = app {
            lists.push(("AppS3BucketArns", app.s3_bucket_arns.iter().collect()));
            lists.push((
                "AppDynamoDbTableArns",
                app.dynamodb_table_arns.iter().collect(),
            ));
            lists.push(("AppKmsKeyArns", app.kms_key_arns.iter().collect()));
        }
        for (property, arns) in lists {
            if let Some(why) = arns.iter().find_map(|a| self.refusal(a, foreign_allowed)) {
                errors.push(PropertyError::new(property, why));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_arns_an_environment_may_name() {
        let home = Home::example("eu-west-1");
        let own_key = "arn:aws:kms:eu-west-1:123456789012:key/k1";
        let their_key = "arn:aws:kms:eu-west-1:210987654321:key/k1";
        let their_table = "arn:aws:dynamodb:eu-west-1:210987654321:table/t";
        let china_key = "arn:aws-cn:kms:eu-west-1:123456789012:key/k1";
        let bucket = "arn:aws:s3:::any-bucket";
        let china_bucket = "arn:aws-cn:s3:::any-bucket";
        for (arn, allowed, refused_with) in [
            (own_key, false, None),
            (bucket, false, None),
            (
                their_key,
                false,
                Some("belongs to account 210987654321, not this one (123456789012)"),
            ),
            (their_table, false, Some("AllowForeignResourceArns=true")),
            (their_key, true, None),
            (their_table, true, None),
            (
                china_key,
                true,
                Some("is in partition aws-cn, not this stack's aws"),
            ),
            (china_bucket, false, Some("partition aws-cn")),
        ] {
            let refusal = home.refusal(arn, allowed);
            match refused_with {
                None => assert_eq!(refusal, None, "{arn} allowed={allowed}"),
                Some(words) => {
                    let refusal = refusal.unwrap_or_else(|| panic!("{arn} must be refused"));
                    assert!(
                        refusal.contains(words) && refusal.contains(arn),
                        "{refusal}"
                    );
                }
            }
        }
    }
}
