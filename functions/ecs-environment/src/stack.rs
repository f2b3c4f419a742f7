//! Who is asking: the stack resource, its account, region and partition, read from the StackId.

use crate::request::Malformed;
use crate::spec::Home;
use debug_toolkit::tags;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackResource {
    pub partition: String,
    pub region: String,
    pub account: String,
    /// The `debug-toolkit:owner` tag value of everything this stack resource creates.
    pub owner: String,
}

impl StackResource {
    /// `StackId` is `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>`.
    pub fn from_request(stack_id: &str, logical_resource_id: &str) -> Result<Self, Malformed> {
        let parts: Vec<&str> = stack_id.splitn(6, ':').collect();
        match parts.as_slice() {
            ["arn", partition, "cloudformation", region, account, resource]
                if !region.is_empty()
                    && account.len() == 12
                    && account.chars().all(|c| c.is_ascii_digit())
                    && resource.starts_with("stack/")
                    && !logical_resource_id.is_empty() =>
            {
                Ok(Self {
                    partition: partition.to_string(),
                    region: region.to_string(),
                    account: account.to_string(),
                    owner: tags::owner_value(stack_id, logical_resource_id),
                })
            }
            _ => Err(Malformed::NotAStack(stack_id.to_string())),
        }
    }

    /// A stack resource in eu-west-1 of account 123456789012, for tests.
    #[cfg(test)]
    pub fn example() -> Self {
        Self::from_request(
            "arn:aws:cloudformation:eu-west-1:123456789012:stack/s/u",
            "Env",
        )
        .expect("a valid stack ARN")
    }

    /// Where the stack is, as property checks need it.
    pub fn home(&self) -> Home {
        Home {
            partition: self.partition.clone(),
            region: self.region.clone(),
            account: self.account.clone(),
        }
    }

    /// An ARN in this account and region.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition, self.region, self.account
        )
    }

    /// A log group's ARN as CloudWatch Logs tags it and names it in encryption contexts (IAM
    /// evaluates reads against `<this>:*`).
    pub fn log_group_arn(&self, name: &str) -> String {
        self.arn("logs", &format!("log-group:{name}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_partition_region_account() {
        let stack = StackResource::from_request(
            "arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/s/uuid",
            "Env",
        )
        .unwrap();
        assert_eq!(stack.partition, "aws-cn");
        assert_eq!(stack.region, "cn-north-1");
        assert_eq!(stack.account, "123456789012");
        assert_eq!(
            stack.owner,
            "arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/s/uuid/Env"
        );
        assert_eq!(
            stack.arn("logs", "log-group:/ecs/c:*"),
            "arn:aws-cn:logs:cn-north-1:123456789012:log-group:/ecs/c:*"
        );
    }

    #[test]
    fn refuses_what_is_not_a_stack() {
        assert!(StackResource::from_request("stack", "Env").is_err());
        assert!(StackResource::from_request("arn:aws:s3:::bucket", "Env").is_err());
        assert!(
            StackResource::from_request("arn:aws:cloudformation:eu-west-1:1:stack/s/u", "Env")
                .is_err()
        );
    }
}
