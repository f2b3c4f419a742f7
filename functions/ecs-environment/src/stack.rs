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
    /// `StackId` is `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>`, and
    /// the logical id is alphanumeric, as CloudFormation makes them: the owner tag joins the two
    /// with `/`, so a looser shape would let `stack/<name>` + `<uuid>/<logical id>` name the same
    /// owner as another stack's resource.
    pub fn from_request(stack_id: &str, logical_resource_id: &str) -> Result<Self, Malformed> {
        let parts: Vec<&str> = stack_id.splitn(6, ':').collect();
        match parts.as_slice() {
            ["arn", partition, "cloudformation", region, account, resource]
                if !region.is_empty()
                    && account.len() == 12
                    && account.chars().all(|c| c.is_ascii_digit())
                    && is_stack_resource(resource)
                    && is_logical_id(logical_resource_id) =>
            {
                Ok(Self {
                    partition: partition.to_string(),
                    region: region.to_string(),
                    account: account.to_string(),
                    owner: tags::owner_value(stack_id, logical_resource_id),
                })
            }
            _ => Err(Malformed::NotAStack(format!(
                "{stack_id} (logical id {logical_resource_id})"
            ))),
        }
    }

    /// A stack resource in eu-west-1 of account 123456789012, for tests.
    #[cfg(test)]
    pub fn example() -> Self {
        Self::from_request(
            "arn:aws:cloudformation:eu-west-1:123456789012:stack/s/6d2c3a70-1d2b-11ef-9e2a-0a1b2c3d4e5f",
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
            "arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/s/6d2c3a70-1d2b-11ef-9e2a-0a1b2c3d4e5f",
            "Env",
        )
        .unwrap();
        assert_eq!(stack.partition, "aws-cn");
        assert_eq!(stack.region, "cn-north-1");
        assert_eq!(stack.account, "123456789012");
        assert_eq!(
            stack.owner,
            "arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/s/6d2c3a70-1d2b-11ef-9e2a-0a1b2c3d4e5f/Env"
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
        assert!(StackResource::from_request(
            "arn:aws:cloudformation:eu-west-1:1:stack/s/6d2c3a70-1d2b-11ef-9e2a-0a1b2c3d4e5f",
            "Env"
        )
        .is_err());
    }
}

/// `stack/<name>/<uuid>`: a name as CloudFormation allows (a letter, then letters, digits and
/// hyphens, 128 at most) and a 36-character UUID.
fn is_stack_resource(resource: &str) -> bool {
    let mut parts = resource.split('/');
    let (Some("stack"), Some(name), Some(uuid), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let name_ok = name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let uuid_ok = uuid.len() == 36
        && uuid.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
    name_ok && uuid_ok
}

/// A template's logical id: alphanumeric, 255 characters at most.
fn is_logical_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 255 && id.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod shape_tests {
    use super::StackResource;

    const UUID: &str = "6d2c3a70-1d2b-11ef-9e2a-0a1b2c3d4e5f";

    #[test]
    fn only_stack_ids_and_logical_ids_as_cloudformation_makes_them_are_read() {
        let arn =
            |resource: &str| format!("arn:aws:cloudformation:eu-west-1:123456789012:{resource}");
        let cases = [
            (
                arn(&format!("stack/payments/{UUID}")),
                "DebugEnvironment",
                true,
            ),
            (arn(&format!("stack/p-2/{UUID}")), "Env1", true),
            // The owner-tag split: stack/<name> + "<uuid>/<logical id>" names another's owner.
            (
                arn("stack/payments"),
                &*format!("{UUID}/DebugEnvironment"),
                false,
            ),
            (
                arn(&format!("stack/payments/{UUID}")),
                "Debug/Environment",
                false,
            ),
            (
                arn(&format!("stack/payments/{UUID}/x")),
                "DebugEnvironment",
                false,
            ),
            (arn("stack/payments/not-a-uuid"), "DebugEnvironment", false),
            (
                arn(&format!("stack/1payments/{UUID}")),
                "DebugEnvironment",
                false,
            ),
            (
                arn(&format!("stack/pay_ments/{UUID}")),
                "DebugEnvironment",
                false,
            ),
            (arn(&format!("stack/payments/{UUID}")), "", false),
            (
                arn(&format!("stack/payments/{UUID}")),
                "Debug Environment",
                false,
            ),
            (
                arn(&format!("stackset/payments/{UUID}")),
                "DebugEnvironment",
                false,
            ),
        ];
        for (stack_id, logical_id, readable) in cases {
            assert_eq!(
                StackResource::from_request(&stack_id, logical_id).is_ok(),
                readable,
                "{stack_id} {logical_id}"
            );
        }
    }
}
