//! Where the function runs (read from the invoked function's ARN), which stacks may ask it, and
//! where it may answer: CloudFormation's response buckets of its own region, or the prefixes of
//! `CFN_RESPONSE_URL_PREFIXES` (local runs and tests).

pub use crate::home::Home;
use crate::stack::StackResource;
use debug_toolkit::url_prefixes::UrlPrefixes;

/// The variable whose comma-separated URL prefixes replace the response buckets' hosts.
pub const PREFIXES_VAR: &str = "CFN_RESPONSE_URL_PREFIXES";

impl Home {
    /// `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`.
    pub fn from_function_arn(arn: &str) -> Option<Self> {
        match arn.split(':').collect::<Vec<_>>().as_slice() {
            ["arn", partition, "lambda", region, account, "function", _name, ..]
                if !partition.is_empty() && !region.is_empty() && account.len() == 12 =>
            {
                Some(Self {
                    partition: partition.to_string(),
                    region: region.to_string(),
                    account: account.to_string(),
                })
            }
            _ => None,
        }
    }

    /// A stack of another account, region or partition is never the function's to serve.
    pub fn admits(&self, stack: &StackResource) -> Result<(), String> {
        if (&stack.partition, &stack.region, &stack.account)
            == (&self.partition, &self.region, &self.account)
        {
            return Ok(());
        }
        Err(format!(
            "request not verified: the stack is in account {} region {}, this function serves account {} region {} only",
            stack.account, stack.region, self.account, self.region
        ))
    }

    /// The hosts of CloudFormation's response bucket for this region, as its presigned
    /// `ResponseURL`s name them (`cloudformation-custom-resource-response-useast1.s3.amazonaws.com`,
    /// `….s3-us-east-1.amazonaws.com`, `….s3.cn-north-1.amazonaws.com.cn`).
    pub fn response_prefixes(&self) -> String {
        let bucket = format!(
            "cloudformation-custom-resource-response-{}",
            self.region.replace('-', "")
        );
        let domain = match self.partition.as_str() {
            "aws-cn" => "amazonaws.com.cn",
            _ => "amazonaws.com",
        };
        let region = &self.region;
        let mut hosts = vec![
            format!("{bucket}.s3.{region}.{domain}"),
            format!("{bucket}.s3-{region}.{domain}"),
        ];
        if domain == "amazonaws.com" {
            hosts.push(format!("{bucket}.s3.{domain}"));
        }
        hosts
            .iter()
            .map(|host| format!("https://{host}/"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Where responses may go: `CFN_RESPONSE_URL_PREFIXES` when set, else the response bucket hosts of
/// the function's region.
#[derive(Clone, Debug, Default)]
pub struct ResponsePolicy {
    configured: Option<UrlPrefixes>,
}

impl ResponsePolicy {
    pub fn parse(value: Option<&str>) -> Self {
        Self {
            configured: value
                .filter(|v| !v.trim().is_empty())
                .map(UrlPrefixes::parse),
        }
    }

    pub fn from_env() -> Self {
        Self::parse(std::env::var(PREFIXES_VAR).ok().as_deref())
    }

    /// Whether `url` may be answered; never without a known home unless configured.
    pub fn allows(&self, home: Option<&Home>, url: &str) -> bool {
        match (&self.configured, home) {
            (Some(prefixes), _) => prefixes.allows(url).is_some(),
            (None, Some(home)) => UrlPrefixes::parse(&home.response_prefixes())
                .allows(url)
                .is_some(),
            (None, None) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home(arn: &str) -> Home {
        Home::from_function_arn(arn).expect("a function ARN")
    }

    #[test]
    fn home_comes_from_the_function_arn() {
        let h = home("arn:aws-cn:lambda:cn-north-1:123456789012:function:ecs-environment:live");
        assert_eq!(
            (h.partition.as_str(), h.region.as_str(), h.account.as_str()),
            ("aws-cn", "cn-north-1", "123456789012")
        );
        for not_a_function in [
            "",
            "arn:aws:lambda:eu-west-1:1234:function:f",
            "arn:aws:sqs:eu-west-1:123456789012:function:f",
        ] {
            assert!(
                Home::from_function_arn(not_a_function).is_none(),
                "{not_a_function}"
            );
        }
    }

    #[test]
    fn only_stacks_of_the_same_account_region_and_partition_are_admitted() {
        let h = home("arn:aws:lambda:eu-west-1:123456789012:function:f");
        let stack = |id: &str| StackResource::from_request(id, "Env").unwrap();
        assert!(h
            .admits(&stack(
                "arn:aws:cloudformation:eu-west-1:123456789012:stack/s/6d2c3a70-1d2b-11ef-9e2a-0a1b2c3d4e5f"
            ))
            .is_ok());
        for other in [
            "arn:aws:cloudformation:eu-west-1:210987654321:stack/s/6d2c3a70-1d2b-11ef-9e2a-0a1b2c3d4e5f",
            "arn:aws:cloudformation:us-east-1:123456789012:stack/s/6d2c3a70-1d2b-11ef-9e2a-0a1b2c3d4e5f",
            "arn:aws-cn:cloudformation:eu-west-1:123456789012:stack/s/6d2c3a70-1d2b-11ef-9e2a-0a1b2c3d4e5f",
        ] {
            let refused = h.admits(&stack(other)).unwrap_err();
            assert!(
                refused.contains("this function serves account 123456789012"),
                "{refused}"
            );
        }
    }

    #[test]
    fn responses_go_to_the_response_buckets_of_the_region_only() {
        let policy = ResponsePolicy::parse(None);
        let eu = home("arn:aws:lambda:eu-west-1:123456789012:function:f");
        for allowed in [
            "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/arn%3Ax?X-Amz-Signature=1",
            "https://cloudformation-custom-resource-response-euwest1.s3-eu-west-1.amazonaws.com/arn%3Ax?s=1",
            "https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/arn%3Ax?s=1",
        ] {
            assert!(policy.allows(Some(&eu), allowed), "{allowed}");
        }
        for refused in [
            "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x",
            "http://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/x",
            "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com.evil.example/x",
            "https://attacker.example/x",
            "http://169.254.169.254/latest/meta-data/",
        ] {
            assert!(!policy.allows(Some(&eu), refused), "{refused}");
        }
        assert!(!policy.allows(
            None,
            "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/x"
        ));
        let cn = home("arn:aws-cn:lambda:cn-north-1:123456789012:function:f");
        assert!(policy.allows(
            Some(&cn),
            "https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn/x?s=1"
        ));
        let gov = home("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f");
        assert!(policy.allows(
            Some(&gov),
            "https://cloudformation-custom-resource-response-usgovwest1.s3-us-gov-west-1.amazonaws.com/x?s=1"
        ));
    }

    #[test]
    fn configured_prefixes_replace_the_buckets() {
        let policy = ResponsePolicy::parse(Some("http://127.0.0.1:9000/responses/"));
        let eu = home("arn:aws:lambda:eu-west-1:123456789012:function:f");
        assert!(policy.allows(None, "http://127.0.0.1:9000/responses/k?s=1"));
        assert!(!policy.allows(
            Some(&eu),
            "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/x"
        ));
    }
}
